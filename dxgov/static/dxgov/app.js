// dxgov page behaviour. No inline scripts anywhere: everything lives in static files.
(function () {
  "use strict";
  // Loaded before the page is drawn (not deferred): the stylesheet folds the phone menu only
  // on scripted pages, so without scripts every link stays reachable.
  document.documentElement.classList.add("js");

  // The main menu on a phone: one button opens and closes it.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".nav-toggle");
    if (!toggle) { return; }
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (menu) { menu.classList.toggle("open", open); }
  });

  // A file input shows its chosen file's name in its Vietnamese label (the browser's own
  // "Choose file / No file chosen" is hidden: it follows the browser's language, not the page's).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".file-field input[type=file]")) { return; }
    var shown = input.closest(".file-field").querySelector(".file-name");
    if (!shown) { return; }
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    shown.textContent = names.length ? names.join(", ") : shown.getAttribute("data-empty");
  });

  // Wide tables scroll inside their own box on a phone: such a box takes the keyboard focus so
  // it can be scrolled without a mouse (and says so to screen readers through its caption).
  function markScrollable() {
    document.querySelectorAll("table.table, table.data").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollable = "1";
      } else if (!scrolls && table.dataset.scrollable) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollable;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", markScrollable);
  window.addEventListener("resize", markScrollable);
  document.addEventListener("htmx:afterSettle", markScrollable);
  // A refused form: move the keyboard focus to the error summary, as GOV.UK does.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  // Keep keyboard users oriented: after htmx swaps in search results, announce the change.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id && target.id.endsWith("-results")) {
      target.setAttribute("aria-live", "polite");
    }
    // A refused action's panel: focus its error summary (an outerHTML swap replaced the
    // target, so the fresh element is looked up by its id).
    var fresh = target && target.id ? document.getElementById(target.id) : target;
    var summary = fresh && fresh.querySelector && fresh.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
