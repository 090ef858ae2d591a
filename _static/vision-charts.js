/*
 * Offline chart embedding for "Vision 2026 i tal".
 *
 * Each chart output (helpers.render) is an element <div class="vision-chart" id="vc-...">
 * followed by an inline script that calls window.visionEmbed(id, spec), or pushes
 * [id, spec] onto window.visionQueue when this file has not run yet. Charts are drawn
 * with vegaEmbed from vega-bundle.js (vl-convert's self-contained bundle, written at
 * build time), as SVG, with Danish number and date formats. Nothing is fetched from
 * another host. Each chart's Vega view is kept in window.visionViews[id]; a chart that
 * fails shows a Danish message (.vision-chart-error) and logs console.error.
 * All charts of a page share one Vega loader that keeps what it has fetched, so a local
 * file several charts use (the map geometry _static/kommuner.topojson) is fetched once.
 *
 * The two locale lines below are vl_convert.get_format_locale("da-DK") and
 * get_time_format_locale("da-DK"); tests/test_render.py checks that they still match.
 */
(function () {
  "use strict";

  // vision:locale-start
  var FORMAT_LOCALE = {"currency": ["", " kr"], "decimal": ",", "grouping": [3], "thousands": "."};
  var TIME_FORMAT_LOCALE = {"date": "%d-%m-%Y", "dateTime": "%A den %d %B %Y %X", "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"], "months": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"], "periods": ["AM", "PM"], "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"], "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"], "time": "%H:%M:%S"};
  // vision:locale-end

  var I18N = {
    CLICK_TO_VIEW_ACTIONS: "Klik for at se handlinger",
    COMPILED_ACTION: "Vis Vega-specifikation",
    EDITOR_ACTION: "Åbn i Vega-editoren",
    PNG_ACTION: "Gem som PNG",
    SOURCE_ACTION: "Vis specifikation",
    SVG_ACTION: "Gem som SVG"
  };

  var w = window;
  var views = (w.visionViews = w.visionViews || {});
  var pending = [];
  var gaveUp = false;

  var sharedLoader = null;
  function loader() {
    if (sharedLoader || !w.vega || typeof w.vega.loader !== "function") {
      return sharedLoader || undefined;
    }
    var base = w.vega.loader();
    var cache = {};
    sharedLoader = Object.create(base);
    sharedLoader.load = function (uri, options) {
      var key = String(uri);
      if (!cache[key]) {
        cache[key] = base.load(uri, options).catch(function (err) {
          delete cache[key]; // a failed fetch may be retried by the next chart
          throw err;
        });
      }
      return cache[key];
    };
    return sharedLoader;
  }

  function embedOptions(id) {
    return {
      loader: loader(),
      mode: "vega-lite",
      renderer: "svg",
      // Only local downloads; no "open in editor" (an off-site link) and no source views.
      actions: { export: true, source: false, compiled: false, editor: false },
      i18n: I18N,
      downloadFileName: id,
      formatLocale: FORMAT_LOCALE,
      timeFormatLocale: TIME_FORMAT_LOCALE
    };
  }

  function showError(el, id, message) {
    console.error("vision-charts: diagram " + id + " kunne ikke vises: " + message);
    if (!el) {
      return;
    }
    el.setAttribute("data-vision-state", "error");
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "vision-chart-error";
    p.setAttribute("role", "alert");
    p.textContent = "Diagrammet kunne ikke vises (" + message + ").";
    el.appendChild(p);
  }

  function embedOne(id, spec) {
    var el = document.getElementById(id);
    if (!el) {
      showError(null, id, "elementet #" + id + " findes ikke på siden");
      return;
    }
    if (el.getAttribute("data-vision-state")) {
      return; // already drawn (or drawing): the same chart output was run twice
    }
    el.setAttribute("data-vision-state", "loading");
    el.textContent = "";
    var result;
    try {
      result = w.vegaEmbed(el, spec, embedOptions(id));
    } catch (err) {
      showError(el, id, String(err && err.message ? err.message : err));
      return;
    }
    Promise.resolve(result).then(
      function (res) {
        views[id] = res.view;
        el.setAttribute("data-vision-state", "done");
      },
      function (err) {
        showError(el, id, String(err && err.message ? err.message : err));
      }
    );
  }

  function ready() {
    return typeof w.vegaEmbed === "function";
  }

  function flush() {
    if (w.visionQueue && w.visionQueue.length) {
      pending = pending.concat(w.visionQueue.splice(0, w.visionQueue.length));
    }
    if (!ready()) {
      if (gaveUp) {
        giveUp();
      }
      return;
    }
    var batch = pending;
    pending = [];
    for (var i = 0; i < batch.length; i++) {
      embedOne(batch[i][0], batch[i][1]);
    }
  }

  function giveUp() {
    // The page has loaded and vega-bundle.js has not defined vegaEmbed.
    gaveUp = true;
    var batch = pending;
    pending = [];
    for (var i = 0; i < batch.length; i++) {
      showError(
        document.getElementById(batch[i][0]),
        batch[i][0],
        "diagrambiblioteket vega-bundle.js blev ikke indlæst"
      );
    }
  }

  w.visionEmbed = function (id, spec) {
    pending.push([id, spec]);
    if (document.readyState === "loading" && !ready()) {
      return; // wait for DOMContentLoaded (the bundle may load after this script)
    }
    flush();
  };

  document.addEventListener("DOMContentLoaded", flush);
  w.addEventListener("load", function () {
    flush();
    if (!ready()) {
      giveUp();
    }
  });
  flush();
})();
