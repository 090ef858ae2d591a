/*
 * require.js configuration for the "Udforsk" pages (loaded after require.js, before
 * html-manager's embed-amd.js; see scripts/vendor_widgets.py and _config.yml).
 *
 * Every module the embedded widget state names is mapped to a file in this folder, so
 * nothing is ever fetched from another host: a module that is missing here becomes a
 * local 404, never a CDN request.
 */
(function () {
  "use strict";
  // Sphinx 7 sets data-content_root to the page's relative path to the site root ("../"),
  // which also works when the site is opened from file://.
  var root = document.documentElement.getAttribute("data-content_root") || "";
  var base = root + "_static/widgets/";
  window.requirejs.config({
    paths: {
      // webpack's public path is this module's folder: the icon fonts resolve next to it
      "@jupyter-widgets/html-manager": base + "html-manager",
      "@jupyter-widgets/html-manager/dist/libembed-amd": base + "libembed-amd",
      anywidget: base + "anywidget"
    }
  });
  // html-manager reads this attribute from any <script> when it runs: its fallback for a
  // module require.js cannot find is then this local folder, not jsDelivr.
  document.currentScript.setAttribute("data-jupyter-widgets-cdn", base + "cdn/");
})();
