/* lossbook: two small fixes every page gets (Jupyter Book adds every .js in _static).
 *
 * 1. Opened from disk (file://), the search page must not fetch each result page to
 *    show a summary: browsers block fetch() on file:// (a CORS error per result).
 *    Over http the summaries stay.
 * 2. Printing in dark mode would put light text on white paper (browsers drop
 *    backgrounds when printing): print in the light theme, then switch back.
 */
(function () {
  if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
  var root = document.documentElement, theme = null;
  window.addEventListener("beforeprint", function () {
    theme = root.dataset.theme;
    if (theme === "dark") root.dataset.theme = "light";
  });
  window.addEventListener("afterprint", function () {
    if (theme === "dark") root.dataset.theme = theme;
  });
})();
