(function () {
  "use strict";
  // A cell's statement shows on hover or focus by CSS alone, just below the
  // cell's label; this moves it to stay inside the window. On a large page the
  // cells carry no statement: the statements are in the JSON block
  // #statements, and one popup, filled from it, moves into the cell pointed
  // at or tabbed to. Text goes in as text (textContent), never as markup.
  var statements = null;
  var shared = null;

  function add(parent, tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    parent.appendChild(node);
    return node;
  }
  function field(pop, className, key, text) {
    var p = add(pop, "p", "field " + className);
    add(p, "span", "k", key);
    p.appendChild(document.createTextNode(" "));
    return p;
  }
  // [basis, summary, speaker, source, quote, conditions, wording]; a source
  // with web addresses is a list of parts, the odd ones the links; wording:
  // the proposition it was logged against, when not today's.
  function fill(cell, s) {
    var pop = shared;
    if (!pop) {
      pop = shared = document.createElement("div");
      pop.className = "pop statement";
      pop.id = "statement-pop";
      pop.setAttribute("role", "tooltip");
    }
    var previous = pop.parentNode;
    if (previous) { previous.removeAttribute("aria-describedby"); }
    pop.textContent = "";
    var row = cell.parentNode;
    var head = add(pop, "p");
    add(head, "b", "", cell.closest("table").tHead.rows[0].cells[cell.cellIndex].textContent);
    head.appendChild(document.createTextNode(" on "));
    add(head, "b", "", row.cells[0].querySelector(".title").textContent);
    head.appendChild(document.createTextNode(": "));
    var lines = cell.firstChild.nodeValue.split("\n");
    var label = lines[0];
    add(head, "span", "chip stance-" + label, label).setAttribute("data-score", cell.getAttribute("data-score"));
    var line = add(pop, "p", "meta", lines[1] + " · " + s[0] + " · ");
    if (s[2]) {
      add(line, "span", "speaker", s[2]);
      line.appendChild(document.createTextNode(" · "));
    }
    line.appendChild(document.createTextNode("#" + cell.getAttribute("data-statement")));
    add(pop, "p", "summary", s[1]);
    if (s[4]) { add(pop, "blockquote", "quote", s[4]); }
    if (s[5]) { field(pop, "conditions", "Conditions:").appendChild(document.createTextNode(s[5])); }
    if (s[6]) { field(pop, "wording", "Logged against an earlier wording:").appendChild(document.createTextNode(s[6])); }
    if (s[3]) {
      var source = field(pop, "source", "Source:");
      var parts = typeof s[3] === "string" ? [s[3]] : s[3];
      for (var n = 0; n < parts.length; n++) {
        if (n % 2 === 1 && /^https?:\/\//i.test(parts[n])) {
          var a = add(source, "a", "", parts[n]);
          a.href = parts[n];
          a.rel = "noopener noreferrer";
          a.target = "_blank";
        } else if (parts[n]) {
          source.appendChild(document.createTextNode(parts[n]));
        }
      }
    }
    cell.appendChild(pop);
    cell.setAttribute("aria-describedby", pop.id);
  }
  function place(cell) {
    var pop = cell.querySelector(".pop");
    if (!pop && statements !== false) {
      if (statements === null) {
        var block = document.getElementById("statements");
        statements = block ? JSON.parse(block.textContent) : false;
      }
      var s = statements && statements[cell.getAttribute("data-statement")];
      if (!s) { return; }
      fill(cell, s);
      pop = shared;
    }
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
  // On a large page the timeline dots have no <title> either: the dot pointed
  // at gets one from its row in the list under the chart (the k-th dot of a
  // chart is its k-th row).
  function title(event) {
    var dot = event.target.closest ? event.target.closest("svg [data-statement]") : null;
    if (!dot || dot.querySelector("title")) { return; }
    var figure = dot.closest("figure");
    var dots = Array.prototype.slice.call(figure.querySelectorAll("svg [data-statement]"));
    var row = figure.querySelectorAll("table.statements tbody tr")[dots.indexOf(dot)];
    if (!row) { return; }
    var c = row.cells;
    var node = document.createElementNS("http://www.w3.org/2000/svg", "title");
    node.textContent = c[1].textContent + ", " + c[0].textContent + ": " + c[2].textContent +
      ". " + c[3].textContent;
    dot.insertBefore(node, dot.firstChild);
  }
  document.addEventListener("mouseover", enter);
  document.addEventListener("mouseover", title);
  document.addEventListener("focusin", enter);
})();
