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
        // The actions menu ("..."): an icon-only summary needs a name (axe: summary-name).
        var summary = el.querySelector(".vega-embed details > summary");
        if (summary) {
          summary.setAttribute("aria-label", "Gem diagrammet som billede (PNG eller SVG)");
        }
        try {
          addViewControls(el, id, spec, res.view);
        } catch (err) {
          console.error("vision-charts: links for " + id + ": " + err);
        }
      },
      function (err) {
        showError(el, id, String(err && err.message ? err.message : err));
      }
    );
  }

  // ---- Links to a view: the bound controls (and the highlighted areas) of one chart go into
  // the page URL's hash, "#vc-<id>?fra_aar=2015&til_aar=2024&visning=...&omraade=Sorø|Slagelse";
  // opening that URL restores them. "Kopiér link" copies the URL; legend entries also get
  // keyboard-operable buttons ("Fremhæv").
  var AREA_PARAM = "omraade_valg";

  function boundParams(spec) {
    var names = [];
    (spec.params || []).forEach(function (p) {
      if (p && p.bind && p.bind !== "legend" && !p.select) names.push(p.name);
    });
    return names;
  }

  function areaParam(spec) {
    var found = null;
    function walk(node) {
      if (!node || typeof node !== "object" || found) return;
      (node.params || []).forEach(function (p) {
        if (p && p.name === AREA_PARAM) found = { views: p.views || [] };
      });
      (node.layer || []).forEach(walk);
    }
    walk(spec);
    return found;
  }

  function selectedAreas(view) {
    try {
      return (view.data(AREA_PARAM + "_store") || []).map(function (t) { return t.values[0]; });
    } catch (e) {
      return [];
    }
  }

  function setAreas(view, area, names) {
    var unit = area.views && area.views.length ? area.views[0] : "";
    var tuples = names.map(function (n) {
      return { unit: unit, fields: [{ type: "E", field: "omraade" }], values: [n] };
    });
    view.data(AREA_PARAM + "_store", tuples);
    return view.runAsync();
  }

  function stateOf(id, spec, view) {
    var parts = [];
    boundParams(spec).forEach(function (name) {
      parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(String(view.signal(name))));
    });
    if (areaParam(spec)) {
      var names = selectedAreas(view);
      if (names.length) parts.push("omraade=" + encodeURIComponent(names.join("|")));
    }
    return "#" + id + (parts.length ? "?" + parts.join("&") : "");
  }

  function restore(id, spec, view) {
    var hash = decodeURIComponent(w.location.hash || "");
    if (hash.indexOf("#" + id) !== 0) return Promise.resolve(false);
    var query = (w.location.hash.split("?")[1] || "");
    var params = boundParams(spec);
    var areas = null;
    query.split("&").forEach(function (pair) {
      if (!pair) return;
      var kv = pair.split("=");
      var name = decodeURIComponent(kv[0]);
      var value = decodeURIComponent(kv.slice(1).join("="));
      if (name === "omraade") {
        areas = value ? value.split("|") : [];
      } else if (params.indexOf(name) >= 0) {
        var current = view.signal(name);
        view.signal(name, typeof current === "number" ? Number(value) : value);
      }
    });
    var area = areaParam(spec);
    var done = area && areas ? setAreas(view, area, areas) : view.runAsync();
    return done.then(function () {
      var el = document.getElementById(id);
      if (el && el.scrollIntoView) el.scrollIntoView();
      return true;
    });
  }

  function addViewControls(el, id, spec, view) {
    var params = boundParams(spec);
    var area = areaParam(spec);
    if (!params.length && !area) return;
    var bar = document.createElement("div");
    bar.className = "vision-chart-tools";
    if (area) {
      var names = [];
      try { names = view.scale("color").domain(); } catch (e) { names = []; }
      if (names.length > 1) {
        var group = document.createElement("div");
        group.className = "vision-legend-buttons";
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", "Fremhæv områder");
        var label = document.createElement("span");
        label.className = "vision-legend-label";
        label.textContent = "Fremhæv: ";
        group.appendChild(label);
        names.forEach(function (n) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "vision-legend-button";
          b.textContent = n;
          b.setAttribute("aria-pressed", "false");
          b.addEventListener("click", function (ev) {
            var chosen = selectedAreas(view);
            var at = chosen.indexOf(n);
            if (ev.shiftKey || ev.ctrlKey || ev.metaKey) {
              if (at >= 0) chosen.splice(at, 1); else chosen.push(n);
            } else {
              chosen = at >= 0 && chosen.length === 1 ? [] : [n];
            }
            setAreas(view, area, chosen);
          });
          group.appendChild(b);
        });
        bar.appendChild(group);
        var sync = function () {
          var chosen = selectedAreas(view);
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
            b.setAttribute("aria-pressed", chosen.indexOf(b.textContent) >= 0 ? "true" : "false");
          });
        };
        try { view.addDataListener(AREA_PARAM + "_store", sync); } catch (e) { /* no store */ }
      }
    }
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "vision-copy-link";
    copy.textContent = "Kopiér link";
    var status = document.createElement("span");
    status.className = "vision-copy-status";
    status.setAttribute("role", "status");
    copy.addEventListener("click", function () {
      var hash = stateOf(id, spec, view);
      if (w.history && w.history.replaceState) w.history.replaceState(null, "", hash);
      else w.location.hash = hash;
      var url = w.location.href;
      var ok = function () { status.textContent = "Linket til denne visning er kopieret."; };
      var fail = function () { status.textContent = "Linket til denne visning står nu i adresselinjen."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(ok, fail);
      } else {
        fail();
      }
    });
    bar.appendChild(copy);
    bar.appendChild(status);
    el.appendChild(bar);
    var remember = function () {
      if (w.history && w.history.replaceState) w.history.replaceState(null, "", stateOf(id, spec, view));
    };
    params.forEach(function (name) { view.addSignalListener(name, remember); });
    if (area) {
      try { view.addDataListener(AREA_PARAM + "_store", remember); } catch (e) { /* no store */ }
    }
    restore(id, spec, view).then(function (r) { if (r) el.setAttribute("data-vision-restored", "1"); });
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
