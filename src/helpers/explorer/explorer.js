// Front end of helpers.explorer.ExplorerChart (an anywidget ES module).
//
// The model holds the theme's compact payload (helpers/explorer/payload.py) and the reader's
// choices, which the ipywidgets controls feed through jsdlink in the browser (no kernel needed):
// indicator_index, area_index (payload area indices), period [first, last year],
// measure_index (into measure_keys). Each change filters the embedded rows here and draws
// them with the page's vegaEmbed (the book's vega bundle, da-DK locale); where vegaEmbed is
// absent (JupyterLab with a kernel) a small SVG line chart drawn by this module stands in.
//
// For the browser tests the root element carries data-state ("done" / "empty" / "error"),
// data-indicator, data-measure, data-rows and data-digest (a hash of the drawn rows).

const FMT_LOCALE = { decimal: ",", thousands: ".", grouping: [3], currency: ["", " kr"] };

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function hash(text) {
  // FNV-1a, 32 bit: enough to tell two drawings apart in a test
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

function step(start, kind) {
  const y = +start.slice(0, 4), m = +start.slice(5, 7);
  if (kind === "month") return y * 12 + m - 1;
  if (kind === "quarter") return y * 12 + m - 1; // quarters are 3 months apart
  return y;
}

function numberFormat(decimals) {
  const nf = new Intl.NumberFormat("da-DK", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return (x) => nf.format(x);
}

// ------------------------------------------------------------------ selection -> rows
export function selectRows(P, state) {
  const notes = [];
  const ind = P.indicators[Math.max(0, Math.min(P.indicators.length - 1, state.indicator | 0))];
  const measures = P.measures.map((m) => m[0]);
  let measure = state.measure || "level";
  const label = (key) => (P.measures.find((m) => m[0] === key) || [key, key])[1];
  if (ind.measures.indexOf(measure) < 0) {
    notes.push("«" + label(measure) + "» kan ikke vises for denne indikator; diagrammet viser niveau.");
    measure = "level";
  }
  const chosen = new Set(state.areas || []);
  const [lo, hi] = state.period || P.years;
  const R = ind.rows;
  let rows = [];
  for (let k = 0; k < R.v.length; k++) {
    if (!chosen.has(R.a[k])) continue;
    const per = P.periods[R.p[k]];
    const year = +per[0].slice(0, 4);
    if (year < lo || year > hi) continue;
    rows.push({ a: R.a[k], start: per[0], periode: per[1], raw: R.v[k], s: R.s[k], year: year });
  }
  const missingAreas = [...chosen].filter((a) => !rows.some((r) => r.a === a)).map((a) => P.areas[a][1]);
  if (missingAreas.length) {
    notes.push("Ingen tal i den valgte periode for: " + missingAreas.join(", ") + ".");
  }
  let yTitle = ind.unit, decimals = ind.decimals, reverse = ind.rank_unit;
  if (measure === "level") {
    rows.forEach((r) => (r.vaerdi = r.raw));
    if (ind.rank_unit) yTitle = "Placering (nr. 1 er bedst)";
  } else if (measure === "index") {
    // common base: the first period in the range in which every drawn area has a value
    const areas = [...new Set(rows.map((r) => r.a))];
    const byStart = new Map();
    rows.forEach((r) => { if (!byStart.has(r.start)) byStart.set(r.start, new Map()); byStart.get(r.start).set(r.a, r); });
    const base = [...byStart.keys()].sort().find((s) => areas.every((a) => byStart.get(s).has(a)));
    if (base === undefined) {
      notes.push("Der er ingen periode, hvor alle valgte områder har et tal, så der kan ikke laves et indeks med fælles basisår; diagrammet viser niveau.");
      rows.forEach((r) => (r.vaerdi = r.raw));
      measure = "level";
    } else {
      const b = byStart.get(base);
      rows.forEach((r) => (r.vaerdi = (r.raw / b.get(r.a).raw) * 100));
      yTitle = "Indeks (" + b.get(areas[0]).periode + " = 100)";
      decimals = 1;
      reverse = false;
    }
  } else if (measure === "per_1000") {
    const pop = new Map();
    P.population.v.forEach((v, k) => pop.set(P.population.a[k] + "|" + P.population.y[k], v));
    const lacking = new Set();
    rows = rows.filter((r) => {
      const p = pop.get(r.a + "|" + r.year);
      if (!p) { lacking.add(P.areas[r.a][1] + " " + r.year); return false; }
      r.vaerdi = (r.raw / p) * 1000;
      return true;
    });
    if (lacking.size) notes.push("Folketal mangler for " + [...lacking].slice(0, 8).join(", ") + (lacking.size > 8 ? " m.fl." : "") + "; de tal vises ikke pr. 1.000 indbyggere.");
    yTitle = "Pr. 1.000 indbyggere";
    decimals = Math.max(1, decimals);
    reverse = false;
  } else if (measure === "rank") {
    // placement among all municipalities with a value in the same period (not only the chosen)
    const byPeriod = new Map();
    for (let k = 0; k < R.v.length; k++) {
      const kind = P.areas[R.a[k]][3];
      if (kind !== "municipality" && kind !== "soro") continue;
      if (!byPeriod.has(R.p[k])) byPeriod.set(R.p[k], []);
      byPeriod.get(R.p[k]).push([R.a[k], R.v[k]]);
    }
    const rankOf = new Map();
    const descending = ind.direction !== "down";
    byPeriod.forEach((list, p) => {
      if (list.length < P.rank_min) return;
      list.sort((x, y) => (descending ? y[1] - x[1] : x[1] - y[1]));
      list.forEach(([a, v], i) => rankOf.set(p + "|" + a, 1 + list.findIndex((e) => e[1] === v)));
    });
    const pIndex = new Map(P.periods.map((p, i) => [p[0] + "|" + p[1], i]));
    const before = rows.length;
    rows = rows.filter((r) => {
      const rank = rankOf.get(pIndex.get(r.start + "|" + r.periode) + "|" + r.a);
      if (rank === undefined) return false;
      r.vaerdi = rank;
      return true;
    });
    if (rows.length < before) notes.push("Placering vises kun for kommuner og kun for perioder med tal for mindst " + P.rank_min + " kommuner.");
    yTitle = ind.direction === "down" ? "Placering (nr. 1 = laveste)" : "Placering (nr. 1 = højeste)";
    decimals = 0;
    reverse = true;
  }
  // segments: a line only joins consecutive periods; a gap stays a gap
  const kind = ind.period_type;
  const gap = kind === "quarter" ? 3 : 1;
  const byArea = new Map();
  rows.forEach((r) => { if (!byArea.has(r.a)) byArea.set(r.a, []); byArea.get(r.a).push(r); });
  let seg = 0;
  byArea.forEach((list) => {
    list.sort((x, y) => (x.start < y.start ? -1 : 1));
    let prev = null;
    list.forEach((r) => {
      if (prev === null || step(r.start, kind) - step(prev.start, kind) > gap) seg++;
      r.seg = seg;
      prev = r;
    });
  });
  const order = (state.areas || []).filter((a) => byArea.has(a));
  let other = 0;
  const colors = order.map((a) => P.areas[a][2] || P.other_colors[other++ % P.other_colors.length]);
  const sources = [...new Set(rows.map((r) => P.sources[r.s]))];
  return {
    ind, measure, measureLabel: label(measure), notes, yTitle, decimals, reverse, sources,
    domain: order.map((a) => P.areas[a][1]), colors,
    rows: rows.map((r) => ({ omraade: P.areas[r.a][1], start: r.start, periode: r.periode, vaerdi: r.vaerdi, seg: r.seg })),
  };
}

function vlSpec(sel) {
  const fmt = ",." + sel.decimals + "f";
  // axis ticks can be finer than the data's decimals (11 to 12 in steps of 0,1): up to two
  // decimals there, trailing zeros trimmed, so no two ticks read the same
  const axisFmt = ",." + Math.max(2, sel.decimals) + "~f";
  const fine = sel.ind.period_type === "month" || sel.ind.period_type === "quarter";
  return {
    width: "container",
    height: 300,
    autosize: { type: "fit-x", contains: "padding" },
    title: { text: sel.ind.title, subtitle: sel.measureLabel, anchor: "start" },
    // Vega's own ARIA labels are English ("X-axis for a utc scale with values from ..."), as in
    // helpers/render.py they are switched off; the SVG gets a Danish description instead.
    description: "Linjediagram: " + sel.ind.title + " (" + sel.measureLabel + ")",
    config: { axis: { aria: false }, legend: { aria: false }, mark: { aria: false }, title: { aria: false } },
    data: { values: sel.rows },
    mark: { type: "line", point: true, strokeWidth: 2 },
    encoding: {
      x: { field: "start", type: "temporal", title: null, scale: { type: "utc" },
           axis: { format: fine ? "%b %Y" : "%Y", labelOverlap: true } },
      y: { field: "vaerdi", type: "quantitative", title: sel.yTitle,
           scale: { zero: false, reverse: sel.reverse }, axis: { format: sel.measure === "rank" ? "d" : axisFmt } },
      color: { field: "omraade", type: "nominal", title: null,
               scale: { domain: sel.domain, range: sel.colors }, legend: { orient: "bottom", columns: 4 } },
      detail: { field: "seg", type: "nominal" },
      tooltip: [
        { field: "omraade", title: "Område" },
        { field: "periode", title: "Periode" },
        { field: "vaerdi", title: sel.yTitle, format: sel.measure === "rank" ? "d" : fmt },
      ],
    },
  };
}

// ------------------------------------------------------------------ own renderer (no vegaEmbed)
function svgChart(target, sel) {
  const W = Math.max(320, target.clientWidth || 620), H = 300, m = { l: 64, r: 12, t: 16, b: 28 };
  const xs = sel.rows.map((r) => Date.parse(r.start)), ys = sel.rows.map((r) => r.vaerdi);
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (x0 === x1) { x0 -= 1.6e10; x1 += 1.6e10; }
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  const X = (x) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y) => (sel.reverse ? m.t + ((y - y0) / (y1 - y0)) * (H - m.t - m.b) : H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b));
  const f = numberFormat(sel.decimals);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" class="vx-own" width="${W}" height="${H}" role="img" aria-label="${esc(sel.ind.title)}">`];
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(v)}" y2="${Y(v)}" stroke="#ddd"/><text x="${m.l - 6}" y="${Y(v) + 4}" text-anchor="end" font-size="11">${esc(f(v))}</text>`);
  }
  const ya = new Date(x0).getUTCFullYear(), yb = new Date(x1).getUTCFullYear(), every = Math.max(1, Math.ceil((yb - ya) / 8));
  for (let y = ya; y <= yb; y += every) {
    const x = X(Date.UTC(y, 0, 1));
    if (x >= m.l && x <= W - m.r) parts.push(`<text x="${x}" y="${H - 8}" text-anchor="middle" font-size="11">${y}</text>`);
  }
  const color = new Map(sel.domain.map((d, i) => [d, sel.colors[i]]));
  const segs = new Map();
  sel.rows.forEach((r) => { if (!segs.has(r.seg)) segs.set(r.seg, []); segs.get(r.seg).push(r); });
  segs.forEach((list) => {
    const c = color.get(list[0].omraade);
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${list.map((r) => X(Date.parse(r.start)) + "," + Y(r.vaerdi)).join(" ")}"/>`);
    list.forEach((r) => parts.push(`<circle cx="${X(Date.parse(r.start))}" cy="${Y(r.vaerdi)}" r="3" fill="${c}"><title>${esc(r.omraade + ", " + r.periode + ": " + f(r.vaerdi))}</title></circle>`));
  });
  parts.push("</svg>");
  const legend = sel.domain.map((d, i) => `<span class="vx-key"><i style="background:${sel.colors[i]}"></i>${esc(d)}</span>`).join(" ");
  target.innerHTML = `<p class="vx-title"><strong>${esc(sel.ind.title)}</strong> · ${esc(sel.measureLabel)} · ${esc(sel.yTitle)}</p>` + parts.join("") + `<p class="vx-legend">${legend}</p>`;
}

// ------------------------------------------------------------------ the view
function infoHtml(P, sel, model) {
  const ind = sel.ind;
  const goals = ind.goals.map((g) => `<a href="${esc(g.href)}">${esc(g.title)}</a>`).join(", ");
  let html = `<p><span class="vx-badge vx-${esc(ind.status.code)}">${esc(ind.status.label)}</span> ` +
    `<strong>Status for Sorø:</strong> ${esc(ind.status.reason)}</p>`;
  if (ind.target) html += `<p><strong>Visionens mål:</strong> ${esc(ind.target)}</p>`;
  if (goals) html += `<p><strong>Indgår i målet:</strong> ${goals}</p>`;
  // added by the Python callback when a kernel runs (status for each chosen area)
  const st = model.get("area_status") || {};
  const key = JSON.stringify([model.get("indicator_index"), [...(model.get("area_index") || [])].sort((a, b) => a - b)]);
  if (st.key === key && st.items && st.items.length) {
    html += `<p><strong>Status for de valgte områder:</strong> ` +
      st.items.map((it) => `${esc(it[0])}: ${esc(it[1])}`).join("; ") + `</p>`;
  }
  return html;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "vx-explorer";
  const info = document.createElement("div");
  info.className = "vx-info";
  const chart = document.createElement("div");
  chart.className = "vx-chart";
  const source = document.createElement("p");
  source.className = "vx-source";
  const notes = document.createElement("p");
  notes.className = "vx-notes";
  root.append(info, chart, source, notes);
  el.appendChild(root);
  let token = 0, result = null;

  function state() {
    const keys = model.get("measure_keys") || [];
    return {
      indicator: model.get("indicator_index"),
      areas: model.get("area_index"),
      period: model.get("period"),
      measure: keys[model.get("measure_index")] || "level",
    };
  }

  function done(sel, how) {
    root.setAttribute("data-state", sel.rows.length ? "done" : "empty");
    root.setAttribute("data-renderer", how);
    root.setAttribute("data-indicator", sel.ind.id);
    root.setAttribute("data-measure", sel.measure);
    root.setAttribute("data-rows", String(sel.rows.length));
    root.setAttribute("data-digest", hash(JSON.stringify([sel.measure, sel.yTitle, sel.rows])));
  }

  function draw() {
    const mine = ++token;
    const P = model.get("payload");
    if (!P || !P.indicators || !P.indicators.length) {
      chart.textContent = "Ingen indikatorer med tal i dette tema.";
      root.setAttribute("data-state", "empty");
      return;
    }
    const sel = selectRows(P, state());
    info.innerHTML = infoHtml(P, sel, model);
    source.textContent = sel.sources.length ? "Kilde: " + sel.sources.join("; ") + "." : "";
    notes.textContent = sel.notes.concat(sel.ind.notes).join(" ");
    if (result && result.finalize) { result.finalize(); result = null; }
    chart.textContent = "";
    if (!sel.rows.length) {
      const have = [...new Set(sel.ind.rows.a)].map((a) => P.areas[a][1]);
      chart.innerHTML = '<p class="vx-empty">Ingen tal for de valgte områder i den valgte periode. ' +
        "Der er tal for: " + esc(have.slice(0, 12).join(", ") + (have.length > 12 ? " m.fl." : "")) + ".</p>";
      done(sel, "none");
      return;
    }
    const target = document.createElement("div");
    target.className = "vx-target";
    chart.appendChild(target);
    const embed = globalThis.vegaEmbed;
    if (typeof embed !== "function") {
      svgChart(target, sel);
      done(sel, "own");
      return;
    }
    root.setAttribute("data-state", "drawing");
    Promise.resolve(embed(target, vlSpec(sel), {
      mode: "vega-lite", renderer: "svg", actions: false,
      formatLocale: P.format_locale || FMT_LOCALE, timeFormatLocale: P.time_format_locale,
    })).then((res) => {
      if (mine !== token) { res.finalize(); return; }
      result = res;
      done(sel, "vega");
    }, (err) => {
      root.setAttribute("data-state", "error");
      console.error("udforsk: diagrammet kunne ikke tegnes: " + (err && err.message ? err.message : err));
      svgChart(target, sel);
    });
  }

  const names = ["payload", "indicator_index", "area_index", "period", "measure_index", "measure_keys", "area_status"];
  names.forEach((n) => model.on("change:" + n, draw));
  draw();
  // The period slider (an ipywidgets IntRangeSlider, drawn by noUiSlider in its own view) gives
  // its two handles no accessible name; screen readers would announce "slider, 2015". Name
  // them in Danish once they exist (the slider's view may render after this chart).
  nameSliderHandles();
  const observer = typeof MutationObserver === "function" ? new MutationObserver(nameSliderHandles) : null;
  if (observer) observer.observe(document.body, { childList: true, subtree: true });
  return () => {
    if (observer) observer.disconnect();
    names.forEach((n) => model.off("change:" + n, draw));
    if (result && result.finalize) result.finalize();
  };
}

const HANDLE_NAMES = [[".noUi-handle-lower", "Fra år"], [".noUi-handle-upper", "Til år"]];

export function nameSliderHandles() {
  for (const [selector, label] of HANDLE_NAMES) {
    document.querySelectorAll(selector + ":not([aria-label])").forEach((h) => h.setAttribute("aria-label", label));
  }
}

export default { render };
