(function () {
  "use strict";
  // A cell's statement shows on hover or focus by CSS alone, just below the
  // cell's label; this only moves it to stay inside the window.
  function place(cell) {
    var pop = cell.querySelector(".pop");
    if (!pop) { return; }
    var box = cell.getBoundingClientRect();
    var width = pop.offsetWidth || Math.min(384, window.innerWidth - 16);
    var height = pop.offsetHeight;
    var left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
    var top = box.bottom - 2;
    if (height && top + height > window.innerHeight - 8 && box.top - height > 8) {
      top = box.top - height + 2;
    }
    pop.style.left = left + "px";
    pop.style.top = top + "px";
  }
  function enter(event) {
    var cell = event.target.closest ? event.target.closest("td[data-score]") : null;
    if (cell && !(event.relatedTarget && cell.contains(event.relatedTarget))) {
      place(cell);
    }
  }
  document.addEventListener("mouseover", enter);
  document.addEventListener("focusin", enter);
})();
