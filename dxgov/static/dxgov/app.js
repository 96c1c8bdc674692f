// dxgov page behaviour. No inline scripts anywhere: everything lives in static files.
(function () {
  "use strict";
  // Keep keyboard users oriented: after htmx swaps in search results, announce the change.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id && target.id.endsWith("-results")) {
      target.setAttribute("aria-live", "polite");
    }
  });
})();
