// The search page's own results: every spelling of a name, with snippets, from disk too.
// The index (window.EDITION_SEARCH, edition/sphinx/web/search.py) is a script file, so file:// works.
// A query's words that form any known spelling of a person or group (Mjasnikov, Rabochaia Pravda,
// Мясников) match every other spelling of that name; the other words must each appear.
// Results are built as DOM text (textContent), never parsed as HTML.
// One list: with the index here, Sphinx's own search (searchtools.js, which the theme's search page
// loads) is told to do nothing, and these results take the place of its list, under the search box.
// Snippets start and end at word boundaries.
(() => {
  "use strict";
  const MAX_RESULTS = 30; // pages
  const SNIPPETS = 3; // passages shown per page
  const PARAGRAPH = /^(?:[a-z]+-\d+|note-\d+)$/; // an essay paragraph's label (wg-4, note-1)

  // lower case, no accents, no apostrophes or transliteration marks (ʹ ’ ͡), one space between words
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[ʹʺ’'‘`´]/g, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function prepare(index) {
    const forms = []; // [folded form, group number], longest first
    index.names.forEach((group, i) => group.forEach((f) => { const k = fold(f); if (k.length > 2) forms.push([k, i]); }));
    forms.sort((a, b) => b[0].length - a[0].length);
    const groups = index.names.map((group) => [...new Set(group.map(fold).filter((k) => k.length > 2))]);
    const entries = index.entries.map((e) => Object.assign({}, e, { f: ` ${fold(e.x)} `, h: ` ${fold(e.s + " " + e.t)} ` }));
    return { forms, groups, shown: index.names, entries, suffix: index.suffix || ".html" };
  }

  // the query as terms: each a list of alternatives (a name's spellings, or one word)
  function terms(query, data) {
    let q = ` ${fold(query)} `;
    const out = [];
    data.forms.forEach(([form, group]) => {
      const at = q.indexOf(` ${form} `);
      if (at >= 0) {
        out.push({ name: true, alts: data.groups[group], shown: data.shown[group] });
        q = `${q.slice(0, at)} ${q.slice(at + form.length + 2)} `;
      }
    });
    // a word matches its own beginning: "arrested" finds "arrest", "arrests"
    const stem = (w) => (w.length > 5 ? w.replace(/(ing|ed|es|s)$/, "") : w);
    q.split(" ").filter((w) => w.length > 1).forEach((w) => out.push({ name: false, alts: [stem(w)] }));
    return out;
  }

  function matchAt(text, term) {
    for (const alt of term.alts) {
      const at = term.name ? text.indexOf(` ${alt} `) : text.indexOf(` ${alt}`);
      if (at >= 0) return alt;
    }
    return null;
  }

  // the pages that match, best first: a page's score is the sum of its passages' scores
  function search(query, data) {
    const ts = terms(query, data);
    if (!ts.length) return { ts, pages: [] };
    const pages = new Map();
    data.entries.forEach((e) => {
      let score = 0;
      const found = [];
      for (const t of ts) {
        const inText = matchAt(e.f, t);
        const inHeading = matchAt(e.h, t);
        if (!inText && !inHeading) return;
        if (inText) found.push(inText);
        score += inText ? 2 : 1;
      }
      if (!found.length) return;
      if (PARAGRAPH.test(e.a)) score *= 3; // the essay's own paragraphs before the rows of a table
      if (!pages.has(e.p)) pages.set(e.p, { page: e.p, title: e.t, score: 0, hits: [] });
      pages.get(e.p).hits.push({ e, score, found });
    });
    // a page's score: its best passages count most (a chart's table of 180 rows naming Miasnikov
    // does not outweigh the essay's section on him)
    pages.forEach((page) => {
      page.score = [...page.hits].sort((a, b) => b.score - a.score).reduce((s, h, i) => s + h.score / (i + 1), 0);
    });
    return { ts, pages: [...pages.values()].sort((a, b) => b.score - a.score) };
  }

  // a snippet of the entry's own text around the first match, the match marked
  const escape = (c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  function position(text, form) {
    // one character for one: the base letter, lower case (positions stay those of the text)
    const same = [...text].map((c) => c.normalize("NFD")[0].toLowerCase()).join("");
    const re = new RegExp(form.split(" ").map((w) => [...w].map(escape).join("[’'‘ʹ]?")).join("[^\\p{L}\\p{N}]+"), "u");
    const m = re.exec(same);
    return m ? [m.index, m.index + m[0].length] : null;
  }

  function snippet(entry, found) {
    const text = entry.x;
    const p = document.createElement("p");
    p.className = "edition-search-snippet";
    const mark = found.map((f) => position(text, f)).find((m) => m) || null;
    let start = mark ? Math.max(0, mark[0] - 90) : 0;
    if (start > 0) { // from the start of a word
      const space = text.indexOf(" ", start - 1);
      if (space >= 0 && space < mark[0]) start = space + 1;
      else start = Math.max(0, text.lastIndexOf(" ", mark[0]) + 1);
    }
    let end = Math.min(text.length, start + 260);
    if (end < text.length) { // to the end of a word
      const space = text.lastIndexOf(" ", end);
      if (space > start && (!mark || space >= mark[1])) end = space;
    }
    if (start > 0) p.append("… ");
    if (mark && mark[1] <= end) {
      const m = document.createElement("mark");
      m.textContent = text.slice(mark[0], mark[1]);
      p.append(text.slice(start, mark[0]), m, text.slice(mark[1], end));
    } else {
      p.append(text.slice(start, end));
    }
    if (end < text.length) p.append(" …");
    return p;
  }

  // a few one-word spellings of a name, not its case forms (Miasnikova, Miasnikovym)
  function examples(shown) {
    const words = shown.slice(1).filter((f) => !/\s/.test(f));
    const keys = words.map(fold);
    const out = [];
    words.forEach((f, i) => {
      if (keys.some((k, j) => j !== i && keys[i].startsWith(k) && keys[i] !== k)) return;
      if (!out.some((o) => fold(o) === keys[i])) out.push(f);
    });
    return out.slice(0, 4);
  }

  function render(query, data, where) {
    const { ts, pages } = search(query, data);
    const box = document.createElement("section");
    box.id = "edition-search";
    box.setAttribute("aria-label", "Results, every spelling of a name included");
    const h = document.createElement("h2");
    h.textContent = "Found in the book";
    box.appendChild(h);
    // one line per name: its name and a few other spellings; the whole list one click away
    ts.filter((t) => t.name).forEach((t) => {
      const note = document.createElement("details");
      note.className = "edition-search-names";
      const summary = document.createElement("summary");
      summary.textContent = `Every spelling of ${t.shown[0]} counts, such as ${examples(t.shown).join(", ")} (${t.shown.length} forms).`;
      const all = document.createElement("p");
      all.textContent = t.shown.join(", ");
      note.append(summary, all);
      box.appendChild(note);
    });
    const count = document.createElement("p");
    const passages = pages.reduce((n, p) => n + p.hits.length, 0);
    count.textContent = pages.length ? `${passages} passage${passages > 1 ? "s" : ""} on ${pages.length} page${pages.length > 1 ? "s" : ""}.`
      : "Nothing found. Try fewer words, or another spelling.";
    box.appendChild(count);
    const list = document.createElement("ol");
    list.className = "edition-search-results";
    pages.slice(0, MAX_RESULTS).forEach((page) => {
      const li = document.createElement("li");
      const head = document.createElement("a");
      head.className = "edition-search-page";
      head.href = `${page.page}${data.suffix}`;
      head.textContent = page.title;
      li.append(head, ` (${page.hits.length} passage${page.hits.length > 1 ? "s" : ""})`);
      [...page.hits].sort((a, b) => b.score - a.score).slice(0, SNIPPETS).forEach(({ e, found }) => {
        const a = document.createElement("a");
        a.href = `${e.p}${data.suffix}${e.a ? "#" + e.a : ""}`;
        a.className = "edition-search-passage";
        a.append(snippet(e, found));
        li.appendChild(a);
      });
      list.appendChild(li);
    });
    box.appendChild(list);
    where.replaceChildren(box);
  }

  if (!window.EDITION_SEARCH) return; // no index: Sphinx's own search does the work
  // searchtools.js ran before this deferred script; its search starts on DOMContentLoaded
  if (typeof Search !== "undefined") Search.performSearch = () => {};

  document.addEventListener("DOMContentLoaded", () => {
    const query = new URLSearchParams(window.location.search).get("q") || "";
    if (!query.trim()) return;
    let where = document.querySelector("#search-results");
    if (!where) {
      where = document.createElement("div");
      (document.querySelector("article, main") || document.body).appendChild(where);
    }
    render(query, prepare(window.EDITION_SEARCH), where);
  });
})();
