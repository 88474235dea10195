// Draw a region of interest on a photo: drag a rectangle, and the x, y, w, h fields (in the
// photo's own pixels) are filled in. Without JavaScript the four number fields still work.
(function () {
  "use strict";
  var stage = document.querySelector("[data-roi-stage]");
  var form = document.querySelector("[data-roi-form]");
  if (!stage || !form) return;
  var image = stage.querySelector("img");
  var layer = stage.querySelector(".roi-layer");
  var box = layer && layer.querySelector(".roi-box");
  if (!image || !layer || !box) return;
  var width = parseInt(stage.dataset.width, 10);
  var height = parseInt(stage.dataset.height, 10);
  var fields = ["x", "y", "w", "h"].map(function (name) { return form.elements.namedItem(name); });
  if (!(width > 0 && height > 0) || fields.some(function (f) { return !f; })) return;
  var help = document.querySelector("[data-roi-help]");
  layer.removeAttribute("hidden");  // an SVG element has no `hidden` property
  if (help) help.hidden = false;

  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }

  // Pointer position in photo pixels (the image is scaled to fit the page).
  function toPhoto(event) {
    var rect = image.getBoundingClientRect();
    return {
      x: clamp((event.clientX - rect.left) / rect.width * width, 0, width),
      y: clamp((event.clientY - rect.top) / rect.height * height, 0, height)
    };
  }

  function draw(x, y, w, h) {
    box.setAttribute("x", x);
    box.setAttribute("y", y);
    box.setAttribute("width", w);
    box.setAttribute("height", h);
  }

  function fromFields() {
    var v = fields.map(function (f) { return parseInt(f.value, 10); });
    if (v.every(function (n) { return isFinite(n); }) && v[2] > 0 && v[3] > 0) {
      draw(v[0], v[1], v[2], v[3]);
    } else {
      draw(0, 0, 0, 0);
    }
  }

  var start = null;
  function rectangle(a, b) {
    return {
      x: Math.round(Math.min(a.x, b.x)),
      y: Math.round(Math.min(a.y, b.y)),
      w: Math.round(Math.abs(a.x - b.x)),
      h: Math.round(Math.abs(a.y - b.y))
    };
  }

  layer.addEventListener("pointerdown", function (event) {
    start = toPhoto(event);
    layer.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  layer.addEventListener("pointermove", function (event) {
    if (!start) return;
    var r = rectangle(start, toPhoto(event));
    draw(r.x, r.y, r.w, r.h);
  });
  function finish(event) {
    if (!start) return;
    var r = rectangle(start, toPhoto(event));
    start = null;
    if (r.w < 2 || r.h < 2) { fromFields(); return; }
    [r.x, r.y, r.w, r.h].forEach(function (value, i) { fields[i].value = String(value); });
    draw(r.x, r.y, r.w, r.h);
  }
  layer.addEventListener("pointerup", finish);
  layer.addEventListener("pointercancel", function () { start = null; fromFields(); });
  fields.forEach(function (f) { f.addEventListener("input", fromFields); });
  fromFields();
})();
