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
(function () {  // the sticky filter bar's height, so that a link's target lands below it (html scroll-padding-top)
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) return;
  function measure() {
    document.documentElement.style.setProperty("--bar", (bar.hidden ? 0 : bar.offsetHeight) + "px");
  }
  measure();
  window.addEventListener("resize", measure);
  var more = document.getElementById("more-filters");
  if (more) more.addEventListener("toggle", measure);
  if (location.hash) {  // the first jump happened before the bar was measured
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el) el.scrollIntoView();
  }
})();
(function () {  // the dependency graph: zoom (wheel, buttons), pan (drag), click -> the claim's statement and status
  "use strict";
  var view = document.getElementById("graph-view");
  var svg = view && view.querySelector("svg");
  if (!svg) return;
  var info = document.getElementById("graph-info");
  var vb0 = svg.viewBox.baseVal, full = [vb0.x, vb0.y, vb0.width, vb0.height];
  var vb = full.slice();
  function set() { svg.setAttribute("viewBox", vb.join(" ")); }
  function fit() {  // the top of the graph at a readable scale: claims are laid out in paper order, top down
    var r = view.getBoundingClientRect();
    var w = Math.min(full[2], Math.max(r.width, 300));  // one SVG unit per pixel: node labels at their 10 pt
    vb = [full[0], full[1], w, w * r.height / Math.max(r.width, 1)];
    if (vb[3] > full[3] && full[3] * r.width / r.height <= full[2]) vb = [full[0], full[1], full[3] * r.width / r.height, full[3]];
    set();
  }
  function zoom(f, cx, cy) {
    if (!f) { fit(); return; }
    var nw = vb[2] / f, nh = vb[3] / f;
    vb = [cx - (cx - vb[0]) / f, cy - (cy - vb[1]) / f, nw, nh];
    set();
  }
  function toSvg(ev) {
    var r = view.getBoundingClientRect();
    return [vb[0] + (ev.clientX - r.left) / r.width * vb[2], vb[1] + (ev.clientY - r.top) / r.height * vb[3]];
  }
  view.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = toSvg(ev);
    zoom(ev.deltaY < 0 ? 1.15 : 1 / 1.15, p[0], p[1]);
  }, {passive: false});
  var drag = null, moved = false;
  view.addEventListener("pointerdown", function (ev) { drag = [ev.clientX, ev.clientY, vb[0], vb[1]]; moved = false; });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var r = view.getBoundingClientRect(), dx = ev.clientX - drag[0], dy = ev.clientY - drag[1];
    if (Math.abs(dx) + Math.abs(dy) > 3) moved = true;
    vb[0] = drag[2] - dx / r.width * vb[2];
    vb[1] = drag[3] - dy / r.height * vb[3];
    set();
  });
  window.addEventListener("pointerup", function () { drag = null; });
  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      zoom(parseFloat(b.getAttribute("data-zoom")), vb[0] + vb[2] / 2, vb[1] + vb[3] / 2);
    });
    b.parentNode.hidden = false;
  });
  function show(node) {
    var id = node.getAttribute("data-claim"), st = node.getAttribute("data-status");
    var sec = document.getElementById(id);
    svg.querySelectorAll("g.node.sel").forEach(function (n) { n.classList.remove("sel"); });
    node.classList.add("sel");
    info.hidden = false;
    info.textContent = "";
    var h = document.createElement("h4");
    var code = document.createElement("code");
    code.textContent = id;
    var badge = document.createElement("span");
    badge.className = "badge " + st;
    badge.textContent = st;
    h.append(code, " ", badge);
    info.append(h);
    if (sec) {
      var ref = sec.querySelector("p.ref");
      if (ref) info.append(ref.cloneNode(true));
      sec.querySelectorAll(".stmt").forEach(function (s) { info.append(s.cloneNode(true)); });
      var deps = sec.querySelector("p.deps");
      if (deps) info.append(deps.cloneNode(true));
    }
    var a = document.createElement("a");
    a.href = "#" + id;
    a.textContent = "go to the claim";
    info.append(a);
  }
  svg.querySelectorAll("g.node").forEach(function (n) {
    n.addEventListener("click", function (ev) { ev.preventDefault(); if (!moved) show(n); });
    n.addEventListener("keydown", function (ev) { if (ev.key === "Enter") show(n); });
  });
  info.hidden = false;
  fit();
})();
