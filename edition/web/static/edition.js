// The web book's own behaviour, on every page (edition/web/reading.py adds it).
//
// - The reading-layer switch of an essay page: "Essay", "Essay + editors' notes", "Essay + notes +
//   data". The page's <html data-reading-layer> was set before the page was drawn (an inline script
//   from edition/web/reading.py); here the radio group shows it and changes it, and the choice is kept for
//   every essay page (localStorage; file:// included). A link to a box that the chosen layer hides
//   (an editor's note, a data box) shows that layer for this visit, without changing the choice.
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
    const switcher = document.querySelector("fieldset.reading-layers");
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
    window.addEventListener("hashchange", () => reveal(radios));
    // after the dropdowns are made (sphinx-togglebutton, on DOMContentLoaded)
    window.addEventListener("load", () => reveal(radios));
    quietIcons();
    window.addEventListener("load", quietIcons); // Font Awesome may turn the icons into SVGs later
  });

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
