(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  form.hidden = false;
  var note = document.querySelector(".noscript-note");
  if (note) note.hidden = true;
  var search = document.getElementById("search");
  var items = Array.prototype.slice.call(document.querySelectorAll(".claim-item"));
  var text = new Map();
  items.forEach(function (el) { text.set(el, (el.getAttribute("data-id") + " " + el.textContent).toLowerCase()); });
  function checked(name) {
    var out = {};
    form.querySelectorAll("input[name=" + name + "]").forEach(function (i) { if (i.checked) out[i.value] = true; });
    return out;
  }
  function apply() {
    var st = checked("status"), me = checked("method"), sg = checked("stage");
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, total = 0;
    items.forEach(function (el) {
      var ok = st[el.dataset.status] && sg[el.dataset.stage] &&
        el.dataset.methods.split(" ").some(function (m) { return me[m]; }) &&
        words.every(function (w) { return text.get(el).indexOf(w) >= 0; });
      el.hidden = !ok;
      if (el.tagName === "SECTION") { total++; if (ok) shown++; }
    });
    document.getElementById("shown").textContent = shown + " of " + total + " claims shown";
  }
  function reset() {
    form.querySelectorAll("input[type=checkbox]").forEach(function (i) { i.checked = true; });
    search.value = "";
    apply();
  }
  form.addEventListener("change", apply);
  search.addEventListener("input", apply);
  document.getElementById("reset").addEventListener("click", reset);
  function reveal() {  // a link to a claim hidden by the filters shows it
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.closest("[hidden]")) { reset(); el.scrollIntoView(); }
  }
  window.addEventListener("hashchange", reveal);
  apply();
  reveal();
})();
