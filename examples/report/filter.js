(function () {
  "use strict";
  var form = document.getElementById("filter");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var words = new Map();
  form.hidden = false;
  function text(el) {
    var t = words.get(el);
    if (t === undefined) {
      t = el.textContent.toLowerCase();
      words.set(el, t);
    }
    return t;
  }
  function apply() {
    var q = form.elements.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var src = form.elements.src.value;
    var kind = form.elements.v.value;
    var n = 0;
    items.forEach(function (el) {
      var ok = (!src || el.dataset.sources.split("\n").indexOf(src) >= 0) &&
        (!kind || (" " + el.dataset.kinds + " ").indexOf(" " + kind + " ") >= 0);
      if (ok && q.length) {
        var t = text(el);
        ok = q.every(function (w) { return t.indexOf(w) >= 0; });
      }
      el.hidden = !ok;
      if (ok) n++;
    });
    form.elements.n.value = n + " of " + items.length + " shown";
  }
  // A link may carry a filter: report.html?q=words&src=source&v=copy
  var params = new URLSearchParams(location.search);
  ["q", "src", "v"].forEach(function (name) {
    var value = params.get(name);
    if (value !== null) form.elements[name].value = value;
  });
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
