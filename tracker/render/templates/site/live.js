(function () {
  "use strict";
  // Tells the reader when the data has changed since the page was drawn: the
  // page carries the data version it was drawn at, and this asks the server
  // for the current one (a small JSON answer) now and then, and whenever the
  // window comes back into view. The notice is text, announced politely.
  var meta = document.querySelector('meta[name="data-version"]');
  var notice = document.getElementById("live-notice");
  if (!meta || !notice || !window.fetch) { return; }
  var drawn = meta.getAttribute("content");
  var busy = false;
  function check() {
    if (busy || !notice.hidden) { return; }
    busy = true;
    fetch("/api/version", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (v && v.version && v.version !== drawn) { notice.hidden = false; }
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  window.setInterval(check, 15000);
  window.addEventListener("focus", check);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { check(); }
  });
})();
