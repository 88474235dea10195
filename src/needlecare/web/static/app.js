// NeedleCare progressive enhancement. Every page works without this file.
(function () {
  "use strict";

  // A second tap on "Send" while the first request is in flight must not look like nothing
  // happened; the server also stores a check-in once per idempotency key.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.noLock !== undefined) return;
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      if (button.dataset.busyLabel) button.textContent = button.dataset.busyLabel;
    });
  });

  // An answer with an error: bring it into view and put the focus on it, next to its message
  // (the summary at the top links to each one too).
  var firstError = document.querySelector("form .has-error");
  if (firstError && !window.location.hash) {
    firstError.scrollIntoView({ block: "center" });
    var control = firstError.querySelector("input:not([type=hidden]), select, textarea, button");
    if (control) control.focus({ preventScroll: true });
  }

  // Breakout details only matter when there are breakouts.
  document.querySelectorAll("[data-shows-when-positive]").forEach(function (input) {
    var target = document.getElementById(input.dataset.showsWhenPositive);
    if (!target) return;
    function sync() {
      var checked = document.querySelector("input[name='" + input.name + "']:checked");
      var value = checked ? parseInt(checked.value, 10) : 0;
      target.hidden = !(value > 0);
    }
    document.querySelectorAll("input[name='" + input.name + "']").forEach(function (radio) {
      radio.addEventListener("change", sync);
    });
    sync();
  });

  // Follow-up questions only matter after a Yes; without this file they are always shown.
  document.querySelectorAll("[data-shows-when-yes]").forEach(function (input) {
    var target = document.getElementById(input.dataset.showsWhenYes);
    if (!target || input.value !== "true") return;
    function sync() {
      var checked = document.querySelector("input[name='" + input.name + "']:checked");
      target.hidden = !(checked && checked.value === "true") && !target.querySelector(".has-error");
    }
    document.querySelectorAll("input[name='" + input.name + "']").forEach(function (radio) {
      radio.addEventListener("change", sync);
    });
    sync();
  });

  // Copy a private invitation link in one tap.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copyTarget);
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
      });
    });
  });
})();
