// Draw every chart that edition/sphinx/book/plotly_outputs.py left on the page, with the local plotly.js.
//
// - House style by mode: the light or dark house template (window.EDITION_TEMPLATES, written from
//   edition/charts.py) as the page's mode says (pydata-sphinx-theme's <html data-theme>), redrawn
//   when the reader or the system switches mode.
// - Fitted to its width, at draw time: row labels wrapped or shortened to leave the plot its width
//   (the full names stay in the hover); on a narrow screen smaller type and fewer ticks; at every
//   width the legend below the axis (never over its title) and the title wrapped clear of plotly's
//   toolbar, the chart growing by what they take. Redrawn when the width changes (also
//   when a closed box that holds a chart is opened).
// - Hover labels without blanks: px writes "label=value"; an empty label ("=value") shows the value
//   alone, and a line whose value is empty for a mark is left out of that mark's hover.
// - A click or tap on a mark shows its label under the chart (never a jump to another page), with a
//   "Read the paragraph" link for each paragraph it cites; ?mark=<row id>#<figure> picks a mark out
//   on arrival (the essay's data boxes link so). Marks carry
//   their rows in customdata (edition/sphinx/book/figures.py: the row ids, then the paragraph labels; the
//   placeholder's data-paragraph-column says which column); the label -> URL index is written
//   into chart pages by edition/sphinx/book/apparatus.py.
(() => {
  "use strict";
  let HOUSE = {}; // window.EDITION_TEMPLATES, once edition-template.js has run
  const NARROW = 600; // px of chart width under which the phone layout applies
  const MIN_PLOT = 200; // px of plot a narrow chart keeps (tests/test_reading.py checks it)
  const TOOLBAR_BUTTONS_OFF = ["select2d", "lasso2d", "autoScale2d"];
  const TOOLBAR_STRIP = 34; // px at the top of a chart for plotly's toolbar (about 28 px tall)

  // the theme's own script resolves "auto" later (pydata-sphinx-theme.js): the same answer here,
  // so a chart drawn before it runs is not drawn twice on a dark phone
  const DARK = window.matchMedia("(prefers-color-scheme: dark)");
  const mode = () => {
    const theme = document.documentElement.dataset.theme;
    return theme === "dark" || (theme !== "light" && DARK.matches) ? "dark" : "light";
  };
  const copy = (value) => JSON.parse(JSON.stringify(value));
  const blank = (v) => v === null || v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v));

  // --- hover labels -------------------------------------------------------------------------
  function cleanHover(trace) {
    const template = trace.hovertemplate;
    if (typeof template !== "string") return;
    const split = /^([\s\S]*?)((?:<extra>[\s\S]*<\/extra>)?)$/.exec(template);
    const extra = split[2];
    const lines = split[1].split("<br>").map((line) => (line.startsWith("=") ? line.slice(1) : line.replace(/^([^=%<]+)=/, "$1: ")));
    const refs = lines.map((line) => /^(?:[^:%]+: )?%\{customdata\[(\d+)\]\}$/.exec(line));
    const whole = lines.join("<br>") + extra;
    if (!Array.isArray(trace.customdata) || !refs.some(Boolean)) {
      trace.hovertemplate = whole;
      return;
    }
    let differs = false;
    const each = trace.customdata.map((row) => {
      const kept = lines.filter((_, i) => !(refs[i] && blank(row && row[Number(refs[i][1])])));
      differs = differs || kept.length !== lines.length;
      return kept.join("<br>") + extra;
    });
    trace.hovertemplate = differs ? each : whole;
  }

  // Long texts that a hover shows (names, sentences, titles) wrapped to the chart's width: plotly
  // draws a hover label on one line and clips what does not fit.
  function wrapHoverText(trace, max) {
    const fold = (v) => (typeof v === "string" && v.length > max ? wrap(v, max).join("<br>") : v);
    if (Array.isArray(trace.hovertext)) trace.hovertext = trace.hovertext.map(fold);
    if (Array.isArray(trace.customdata)) trace.customdata = trace.customdata.map((row) => (Array.isArray(row) ? row.map(fold) : row));
  }

  // --- dark mode: marks drawn in black or dark grey take light greys ---------------------------
  function swapColours(value, swaps, isColour) {
    if (Array.isArray(value)) return value.map((v) => swapColours(v, swaps, isColour));
    if (value && typeof value === "object") {
      const out = {};
      for (const [key, v] of Object.entries(value)) out[key] = swapColours(v, swaps, /colou?r/i.test(key) || (isColour && /^\d+$/.test(key)));
      return out;
    }
    if (isColour && typeof value === "string") return swaps[value.toLowerCase()] || value;
    return value;
  }

  // --- narrow screens ------------------------------------------------------------------------
  // A row label in at most `max` characters a line and `lines` lines: a parenthesis dropped first
  // ("N. Osinsky (Valerian Valerianovich Obolensky)" -> "N. Osinsky"), then wrapped where rows are
  // tall enough, then a person's given names made initials, then cut.
  function shorten(label, max, lines) {
    if (typeof label !== "string" || label.length <= max) return label;
    let text = label.replace(/\s*\([^)]*\)/g, "").trim();
    if (text.length <= max) return text;
    const wrapped = wrap(text, max);
    if (lines >= 2 && wrapped.length <= lines && wrapped.every((line) => line.length <= max)) return wrapped.join("<br>");
    const words = text.split(/\s+/);
    if (words.length >= 3 && words.every((w) => /^[A-Z][a-z]+$/.test(w))) {
      const initials = words.slice(0, -1).map((w) => `${w[0]}.`).join(" ") + " " + words[words.length - 1];
      if (initials.length <= max) return initials;
    }
    const cut = (line) => line.slice(0, max - 1).trimEnd() + "…";
    if (lines < 2) return cut(text);
    const kept = wrapped.slice(0, lines).map((line) => (line.length > max ? cut(line) : line));
    if (wrapped.length > lines && !kept[lines - 1].endsWith("…")) kept[lines - 1] = cut(`${kept[lines - 1]}  `).replace(/\s*…$/, "…");
    return kept.join("<br>");
  }

  function categories(data, axis) {
    const found = [];
    for (const trace of data) {
      const values = trace[axis];
      if (!Array.isArray(values) || (trace[`${axis}axis`] || axis) !== axis) continue;
      for (const v of values) if (typeof v === "string" && !found.includes(v)) found.push(v);
    }
    return found;
  }

  function wrap(text, max) {
    const lines = [];
    let line = "";
    for (const word of String(text).split(/\s+/)) {
      if (line && (line + " " + word).length > max) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
    return lines;
  }

  // The figure to draw at this width and in this mode (the notebook's own spec is never changed).
  function adapt(spec, width, theme, toolbar, squeeze = 0) {
    const data = copy(spec.data);
    let layout = copy(spec.layout);
    const house = layout.template === "edition";
    if (house) layout.template = HOUSE[theme] || HOUSE.light;
    data.forEach(cleanHover);
    const narrow = width < NARROW;
    data.forEach((trace) => wrapHoverText(trace, narrow ? Math.max(24, Math.floor(width / 8)) : 64));
    let base = layout.height || 450; // the chart's height for the margins t=50, b=40 (settle)
    const fontSize = narrow ? 11 : 13;
    const titleSize = narrow ? 14 : 16;
    layout.font = { ...(layout.font || {}), size: fontSize };
    // the toolbar in a strip of its own at the top (shown while the chart is hovered or touched),
    // the title under it, top left, wrapped to the chart's width: the two never meet
    const title = layout.title && (typeof layout.title === "string" ? layout.title : layout.title.text);
    let top = TOOLBAR_STRIP + 8;
    if (title) {
      const perChar = titleSize * 0.55;
      const lines = wrap(title, Math.max(12, Math.floor((width - 24) / perChar)));
      layout.title = { text: lines.join("<br>"), x: 0, xref: "container", xanchor: "left", y: 1, yref: "container",
                       yanchor: "top", pad: { t: TOOLBAR_STRIP + (lines.length - 1) * Math.round(titleSize * 0.95), l: 8 },
                       font: { size: titleSize } }; // (plotly sets a wrapped title's first line that much higher)
      top = TOOLBAR_STRIP + lines.length * Math.round(titleSize * 1.3) + 14 + (lines.length - 1) * Math.round(titleSize * 0.95);
    }
    layout.margin = { ...(layout.margin || {}), t: top, l: 10, r: narrow ? 8 : 16 };
    // the legend at the foot of the chart (below the x axis), left-aligned, as in the house template
    layout.legend = { ...(layout.legend || {}), orientation: "h", x: 0, xanchor: "left", xref: "container",
                      y: 0, yanchor: "bottom", yref: "container", font: { size: fontSize } };
    // row labels take at most what leaves the plot its width (a phone: MIN_PLOT and a little; a
    // wide screen: 62%); longer ones are wrapped or shortened, and the hover keeps the full names
    const plot = narrow ? Math.max(MIN_PLOT + 10, width - 170) : Math.round(width * 0.62);
    const y = (layout.yaxis = layout.yaxis || {});
    const names = ["date", "log", "linear"].includes(y.type) ? [] : y.categoryarray || categories(data, "y");
    if (names.length) {
      const titled = y.title && (typeof y.title === "string" ? y.title : y.title.text);
      if (titled && typeof y.title === "object") y.title.standoff = 4;
      const perChar = fontSize * (0.52 + 0.08 * squeeze); // wider each time the drawn plot came out too narrow
      const max = Math.max(6, Math.floor((width - plot - 20 - (titled ? 20 : 0)) / perChar));
      // labels wrap into as many lines (at most 3) as their rows hold; where one needs two lines
      // and rows hold only one, the chart grows to rows of 2.8 lines (phones scroll)
      let lines = Math.min(3, Math.floor((base - 90) / names.length / (1.3 * fontSize)));
      if (lines < 2 && names.some((n) => n.replace(/\s*\([^)]*\)/g, "").length > max)) {
        base = Math.max(base, Math.ceil(names.length * 2.8 * fontSize) + 90);
        lines = 2;
      }
      const short = names.map((n) => shorten(n, max, lines));
      if (short.some((s, i) => s !== names[i])) Object.assign(y, { tickmode: "array", tickvals: names, ticktext: short });
    }
    if (narrow) { // ticks about 45 px apart (five or so on a phone), never turned on their side
      const x = (layout.xaxis = layout.xaxis || {});
      x.nticks = Math.max(4, Math.floor(plot / 45));
      x.tickangle = 0;
      if (x.type === "log") Object.assign(x, { dtick: 1, tickformat: "~s" });
      if (x.title && typeof x.title === "object") x.title.standoff = 6;
    }
    // a map's place names (edition/maps.py, busiest place first): a name that would overprint one
    // already kept is left out at this width (its marks still name their place in the hover)
    const x0 = layout.xaxis || {};
    data.forEach((trace) => {
      if (!(trace.meta && trace.meta.decoration === "place names") || !Array.isArray(x0.range)) return;
      const perDeg = (width - 70) / Math.abs(x0.range[1] - x0.range[0]);
      const ratio = (layout.yaxis && layout.yaxis.scaleratio) || 1;
      const kept = [];
      trace.text = trace.text.map((name, i) => {
        const clear = kept.every((j) => Math.abs(trace.y[i] - trace.y[j]) * perDeg * ratio > fontSize * 1.3 ||
          Math.abs(trace.x[i] - trace.x[j]) * perDeg > (String(name).length + String(trace.text[j]).length) * fontSize * 0.3 + 4);
        if (clear) kept.push(i);
        return clear ? name : "";
      });
    });
    layout.height = base;
    layout.width = width; // as measured: plotly would keep the width of its first drawing
    layout.autosize = false;
    if (theme === "dark" && house && HOUSE.darkSwaps) {
      return { data: swapColours(data, HOUSE.darkSwaps, false), layout: swapColours(layout, HOUSE.darkSwaps, false), base };
    }
    return { data, layout, base };
  }

  // Once drawn: the legend (at the foot, edition/charts.py) and a wrapped title take their room
  // from the plot; the chart grows by that much, so the plot keeps the height its notebook gave it.
  // A map (its y axis anchored to x: equal scale, edition/maps.py) on a narrow screen keeps its shape
  // by drawing shorter than its plot area: the chart loses the empty bands above and below instead.
  function settle(gd, base) {
    const L = gd._fullLayout;
    if (L.yaxis && L.yaxis.scaleanchor) {
      const band = Math.round(L._size.h - L.yaxis._length);
      return band > 3 ? { height: L.height - band } : null;
    }
    const wanted = base - 90; // the plot's height with the template's margins (t=50, b=40)
    const grow = Math.round(wanted - L._size.h);
    return grow > 3 ? { height: L.height + grow } : null;
  }

  // A date axis on a phone: a year tick every 1, 2, 5 or 10 years, as many as fit about 34 px apart
  // (plotly alone draws two or three on a plot 150 px wide).
  function yearTicks(gd, width) {
    const x = gd._fullLayout.xaxis;
    if (width >= NARROW || !x || x.type !== "date") return null;
    const [a, b] = x.range.map((v) => new Date(v).getFullYear() + new Date(v).getMonth() / 12);
    const fit = Math.max(2, Math.floor(gd._fullLayout._size.w / 34));
    const step = [1, 2, 5, 10, 20].find((n) => (b - a) / n <= fit) || 50;
    if ((b - a) / step < 1.5) return null; // less than two years: plotly's months read better
    return { "xaxis.dtick": `M${12 * step}`, "xaxis.tick0": "1900-01-01", "xaxis.tickformat": "%Y" };
  }

  // A drawn chart holds its toolbar's buttons: the image role and name go to the chart's SVG.
  function name(gd, alt) {
    gd.removeAttribute("role");
    gd.removeAttribute("aria-label");
    const svgs = gd.querySelectorAll("svg.main-svg");
    svgs.forEach((svg, i) => {
      if (i === 0 && alt) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", alt);
      } else svg.setAttribute("aria-hidden", "true");
    });
    gd.querySelectorAll(".modebar-btn").forEach((button) => {
      const title = button.getAttribute("data-title");
      if (title) button.setAttribute("aria-label", title);
      button.setAttribute("role", "button");
    });
  }

  const charts = [];

  function draw(chart) {
    chart.queue = chart.queue.then(async () => {
      const { gd, spec } = chart;
      const width = Math.round(gd.getBoundingClientRect().width) || 700;
      const theme = mode();
      if (chart.drawn && width === chart.width && theme === chart.theme) return;
      chart.width = width;
      chart.theme = theme;
      const toolbar = (gd.querySelector(".modebar") || { offsetWidth: 0 }).offsetWidth || 150;
      // row labels are measured only once drawn: shorter ones until the plot keeps its width
      for (let squeeze = 0; squeeze < 4; squeeze++) {
        const fig = adapt(spec, width, theme, toolbar, squeeze);
        await Plotly.react(gd, fig.data, fig.layout, chart.config);
        // one redraw for both (neither changes what the other measured: the plot's width, the axis range)
        const fix = { ...settle(gd, fig.base), ...yearTicks(gd, width) };
        if (Object.keys(fix).length) await Plotly.relayout(gd, fix);
        if (width >= NARROW || width < MIN_PLOT * 1.4 || gd._fullLayout._size.w >= MIN_PLOT + 4) break;
      }
      name(gd, chart.alt);
      gd.classList.add("drawn"); // its still (_static/chart-stills.css, edition/sphinx/web/stills.py) goes
      if (chart.picked) await Plotly.restyle(gd, { selectedpoints: spec.data.map((t, i) => (i === chart.picked[0] ? [chart.picked[1]] : Array.isArray(t.customdata) ? [] : null)) });
      chart.drawn = true;
    }).catch((error) => console.error("edition chart:", error));
    return chart.queue;
  }

  // A click or a tap on a mark never leaves the page: it shows the mark's label under the chart (its
  // row of the table "The data this chart draws", as text) with a "Read the paragraph" link for each
  // paragraph it cites. The same label shows for a mark named in the address (?mark=<row id>, the
  // figure links of the essay's data boxes), the mark picked out on the chart.
  function paragraphName(label) {
    return /^note-\d+$/.test(label) ? `note ${label.slice(5)}` : label;
  }

  function pickMark(chart, curve, index) {
    const { gd, spec } = chart;
    const column = Number(gd.dataset.paragraphColumn || 1);
    const trace = spec.data[curve];
    const row = (trace && Array.isArray(trace.customdata) && trace.customdata[index]) || [];
    const lines = ((spec.picks || {})[String(curve)] || [])[index] || [];
    let box = chart.pickBox;
    if (!box) {
      box = chart.pickBox = document.createElement("div");
      box.className = "chart-pick";
      box.setAttribute("role", "status");
      gd.after(box);
    }
    box.replaceChildren();
    const close = document.createElement("button");
    close.type = "button";
    close.className = "chart-pick-close";
    close.setAttribute("aria-label", "Close this label");
    close.textContent = "×";
    close.addEventListener("click", () => unpick(chart));
    box.append(close);
    for (const [heading, text] of lines) {
      const p = document.createElement("p");
      if (heading === "What") {
        const b = document.createElement("strong");
        b.textContent = text;
        p.append(b);
      } else {
        const h = document.createElement("span");
        h.className = "chart-pick-heading";
        h.textContent = `${heading}: `;
        p.append(h, document.createTextNode(text));
      }
      box.append(p);
    }
    const labels = String(row[column] || "").split(";").map((l) => l.trim()).filter((l) => chart.paragraphs[l]);
    if (labels.length) {
      const p = document.createElement("p");
      p.className = "chart-pick-links";
      labels.forEach((label, i) => {
        const a = document.createElement("a");
        a.href = chart.paragraphs[label];
        a.textContent = i ? paragraphName(label) : `Read the paragraph (${paragraphName(label)})`;
        if (i) p.append(document.createTextNode(" · "));
        p.append(a);
      });
      box.append(p);
    }
    box.hidden = false;
    // the mark picked out: its trace's other marks (and the other traces') faded
    const selected = spec.data.map((t, i) => (i === curve ? [index] : Array.isArray(t.customdata) ? [] : null));
    Plotly.restyle(gd, { selectedpoints: selected });
    chart.picked = [curve, index];
  }

  function unpick(chart) {
    if (chart.pickBox) chart.pickBox.hidden = true;
    chart.picked = null;
    Plotly.restyle(chart.gd, { selectedpoints: chart.spec.data.map(() => null) });
  }

  function linkMarks(chart) {
    const { gd, spec } = chart;
    if (gd.dataset.paragraphColumn === undefined) return;
    const column = Number(gd.dataset.paragraphColumn);
    const cites = (row) => Array.isArray(row) && String(row[column] || "").trim() !== "";
    if (spec.data.some((trace) => Array.isArray(trace.customdata) && trace.customdata.some(cites))) {
      const hint = document.createElement("p");
      hint.className = "chart-hint";
      hint.textContent = "Tap or click a mark for its label and a link to its paragraph.";
      gd.after(hint);
    }
    gd.on("plotly_click", (event) => {
      const point = event.points[0];
      if (point && Array.isArray(spec.data[point.curveNumber].customdata)) pickMark(chart, point.curveNumber, point.pointNumber);
    });
  }

  // ?mark=<row id>#<figure>: the figure's mark that draws that row, picked out (the first, if several)
  function markFromAddress(chart) {
    const wanted = new URLSearchParams(window.location.search).get("mark");
    const figure = chart.gd.closest("figure");
    if (!wanted || !figure || `#${figure.id}` !== window.location.hash) return;
    chart.spec.data.forEach((trace, curve) => {
      if (chart.picked || !Array.isArray(trace.customdata)) return;
      const index = trace.customdata.findIndex((row) => Array.isArray(row) && String(row[0]).split(";").includes(wanted));
      if (index >= 0) pickMark(chart, curve, index);
    });
    if (chart.picked) figure.scrollIntoView();
  }

  // The charts nearest what the reader sees first: the figure the address names (#fig-..., a
  // ?mark= link), else the place the address points to or the top of the page; then the others
  // by distance from there.
  function byNearness(charts) {
    const target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    const from = target ? target.getBoundingClientRect().top + window.scrollY : window.scrollY;
    const place = (chart) => (target && target.contains(chart.gd) ? -1 : Math.abs(chart.gd.getBoundingClientRect().top + window.scrollY - from));
    const distance = new Map(charts.map((chart) => [chart, place(chart)]));
    return [...charts].sort((a, b) => distance.get(a) - distance.get(b));
  }

  function start() {
    HOUSE = window.EDITION_TEMPLATES || {};
    const indexNode = document.getElementById("paragraph-index");
    const paragraphs = indexNode ? JSON.parse(indexNode.textContent) : {};
    const resized = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const chart = charts.find((c) => c.gd === entry.target);
        if (chart && chart.drawn && Math.round(entry.contentRect.width) !== chart.width && entry.contentRect.width > 0) draw(chart);
      }
    });
    document.querySelectorAll("div.plotly-figure").forEach((gd) => {
      // its figure and the boxes around it take a phone's width for it (edition.css: .holds-chart)
      if (gd.parentElement.tagName === "FIGURE") gd.parentElement.classList.add("holds-chart");
      for (let box = gd.closest("div.admonition"); box; box = box.parentElement.closest("div.admonition")) box.classList.add("holds-chart");
      const spec = JSON.parse(gd.querySelector("script.plotly-json").textContent);
      const config = { ...spec.config, responsive: false, modeBarButtonsToRemove: TOOLBAR_BUTTONS_OFF };
      charts.push({ gd, spec, config, paragraphs, alt: gd.getAttribute("aria-label") || "", queue: Promise.resolve() });
    });
    // One chart at a time, each in a task of its own (the first in this one): the browser shows
    // the first chart when it is drawn, not after every chart of the page (issue 29: a phone drew
    // all six of the repression page before showing one).
    let turn = null;
    for (const chart of byNearness(charts)) {
      turn = turn ? turn.then(() => new Promise((next) => setTimeout(next))).then(() => draw(chart)) : draw(chart);
      turn.then(() => {
        linkMarks(chart);
        markFromAddress(chart);
        resized.observe(chart.gd);
      });
    }
    // the reader (theme switch) or the system (mode "auto") changes light/dark: charts drawn or
    // being drawn are drawn again if their mode changed (the others are drawn in their turn)
    new MutationObserver(() => charts.forEach((chart) => chart.theme && draw(chart))).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-theme"] });
  }

  // plotly.js, the house templates and this script load async, first in the queue (edition/sphinx/book/
  // plotly_outputs.py): plotly.js runs while the page still waits for the theme's scripts, and the
  // charts start once the page is parsed (its styles loaded: the blocking scripts of <head> waited
  // for them), not at DOMContentLoaded, which waits for the theme's deferred scripts.
  const loaded = (name, present) => present() ? Promise.resolve() : new Promise((resolve, reject) => {
    const script = document.querySelector(`script[src*="_static/${name}"]`);
    if (!script) return reject(new Error(`${name} is not on the page`));
    script.addEventListener("load", resolve);
    script.addEventListener("error", () => reject(new Error(`${name} did not load`)));
  });
  const parsed = new Promise((resolve) => {
    if (document.readyState !== "loading") resolve();
    else document.addEventListener("readystatechange", resolve, { once: true });
  });
  Promise.all([parsed, loaded("plotly.min.js", () => window.Plotly), loaded("edition-template.js", () => window.EDITION_TEMPLATES)])
    .then(start).catch((error) => console.error("edition chart:", error));
})();
