// The web book's own behaviour, on every page (edition/sphinx/web/reading.py adds it).
//
// - The reading-layer switch of an essay page: "Essay", "Essay + editors' notes", "Essay + notes +
//   data". The page's <html data-reading-layer> was set before the page was drawn (an inline script
//   from edition/sphinx/web/reading.py); here the radio group shows it and changes it, and the choice is kept for
//   every essay page (localStorage; file:// included). A link to a box that the chosen layer hides
//   (an editor's note, a data box) shows that layer for this visit, without changing the choice.
// - The code switch of a notebook page: "Text and charts" (each code cell folded behind a "Show the
//   code" button) or "With the code" (every cell open), kept like the reading layer (its own key).
// - Names for the theme's icon buttons that match what they show (WCAG 2.5.3): the colour-mode
//   button's icons and the search field's keyboard hint are decoration.
(() => {
  "use strict";
  const KEY = "edition-reading-layer";
  const root = document.documentElement;
  const ORDER = ["essay", "notes", "data"];

  function store(value) {
    try { localStorage.setItem(KEY, value); } catch (e) { /* storage off: the choice lasts this page */ }
  }

  function show(layer, radios) {
    root.dataset.readingLayer = layer;
    radios.forEach((r) => { r.checked = r.value === layer; });
  }

  // the layer a hidden target needs: a data box needs "data", any other box "notes"
  function layerFor(target) {
    if (!target || !root.dataset.readingLayer || !ORDER.includes(root.dataset.readingLayer)) return null;
    const box = target.closest(".admonition.editorial, div.apparatus");
    if (!box) return null;
    const needed = box.classList.contains("data-behind") || box.classList.contains("data-only") ? "data" : "notes";
    return ORDER.indexOf(needed) > ORDER.indexOf(root.dataset.readingLayer) ? needed : null;
  }

  // The target of the address's #fragment, shown: its reading layer (for this visit) and the
  // closed box that holds it (an editor's note is a collapsed dropdown).
  function reveal(radios) {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (!target) return;
    const needed = layerFor(target);
    if (needed) show(needed, radios);
    const closed = target.closest(".toggle-hidden");
    const button = closed && closed.querySelector("button.toggle-button");
    if (button) button.click();
    if (needed || button) target.scrollIntoView();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const switcher = document.querySelector("fieldset.reading-layers[data-name='reading-layer']");
    const radios = switcher ? [...switcher.querySelectorAll("input[name=reading-layer]")] : [];
    if (switcher && root.dataset.readingLayer) {
      show(root.dataset.readingLayer, radios);
      radios.forEach((r) => r.addEventListener("change", () => {
        if (!r.checked) return;
        show(r.value, radios);
        store(r.value);
      }));
      switcher.hidden = false;
      document.addEventListener("click", (event) => { // a link to this page's hidden box
        const link = event.target.closest && event.target.closest("a[href*='#']");
        if (!link || link.pathname !== window.location.pathname) return;
        const needed = layerFor(document.getElementById(decodeURIComponent(link.hash.slice(1))));
        if (needed) show(needed, radios);
      }, true);
    }
    codeSwitch();
    window.addEventListener("hashchange", () => reveal(radios));
    // after the dropdowns are made (sphinx-togglebutton, on DOMContentLoaded)
    window.addEventListener("load", () => reveal(radios));
    quietIcons();
    // Font Awesome turns the icons into SVGs (each with a <title>, which would name the button
    // "Light" as well as "Color mode") when it likes: a frame later, after load on a slow phone.
    // Quiet each one as it comes.
    document.querySelectorAll(".theme-switch-button").forEach((button) =>
      new MutationObserver(quietIcons).observe(button, { childList: true, subtree: true }));
  });

  // The notebook pages' code: folded under a button per cell, or all open (<html data-code-layer>,
  // set before the page is drawn by edition/sphinx/web/reading.py).
  function codeSwitch() {
    const switcher = document.querySelector("fieldset.reading-layers[data-name='code-layer']");
    if (!switcher || !root.dataset.codeLayer) return;
    const radios = [...switcher.querySelectorAll("input[name=code-layer]")];
    const set = (value) => {
      root.dataset.codeLayer = value;
      radios.forEach((r) => { r.checked = r.value === value; });
    };
    set(root.dataset.codeLayer);
    radios.forEach((r) => r.addEventListener("change", () => {
      if (!r.checked) return;
      set(r.value);
      try { localStorage.setItem(switcher.dataset.key, r.value); } catch (e) { /* this page only */ }
    }));
    document.querySelectorAll(".bd-article div.cell > div.cell_input").forEach((input, i) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "code-fold";
      if (!input.id) input.id = `code-cell-${i + 1}`;
      button.setAttribute("aria-controls", input.id);
      button.setAttribute("aria-expanded", "false");
      button.textContent = "Show the code";
      button.addEventListener("click", () => {
        const open = input.parentElement.classList.toggle("code-shown");
        button.setAttribute("aria-expanded", String(open));
        button.textContent = open ? "Hide the code" : "Show the code";
      });
      input.before(button);
    });
    switcher.hidden = false;
  }

  function quietIcons() {
    document.querySelectorAll(".theme-switch-button i, .theme-switch-button .theme-switch").forEach((icon) => {
      icon.setAttribute("aria-hidden", "true");
      icon.removeAttribute("title");
      icon.removeAttribute("aria-labelledby");
      icon.querySelectorAll("title").forEach((title) => title.remove());
    });
    // the search field is named by its own words ("Search"), its keyboard hint is decoration
    document.querySelectorAll(".search-button__kbd-shortcut").forEach((hint) => hint.setAttribute("aria-hidden", "true"));
    document.querySelectorAll(".search-button-field").forEach((field) => {
      if (field.textContent.trim()) field.removeAttribute("aria-label");
    });
  }
})();
