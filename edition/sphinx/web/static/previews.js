// Previews of what a link points to (edition/sphinx/web/previews.py embeds them in the page at build time).
//
// WCAG 2.1 SC 1.4.13 (content on hover or focus): the preview shows on hover (after a short
// delay), on keyboard focus and on tap; it stays while the pointer is over the link or the preview;
// Escape dismisses it without moving focus. On a touch screen the first tap on a link previews it
// and a second tap (or the "Go to" link inside the preview) goes on. Text only (textContent).
// A paragraph label (a.para-label) previews the paragraph's citation (edition/sphinx/web/cite.py), with a
// button that copies it.
//
// The preview holds links and buttons, so it is no tooltip (ARIA forbids focusable content in
// role="tooltip"): it is a non-modal dialog named by its title, shown with the popover API (the
// top layer: never clipped by the page) and placed in the page right after its link, so that Tab
// goes from the link into the preview; the link says it controls it (aria-controls) and whether it
// is open (aria-expanded). Browsers without popover get the same element, hidden and shown.
(() => {
  "use strict";
  const SHOW_DELAY = 250;
  const HIDE_DELAY = 300;

  function readJSON(id) {
    const el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const previews = readJSON("edition-previews") || {};
    const citations = readJSON("edition-citations");
    // not the permalinks of headings and figures (a preview of where you are)
    const links = [...document.querySelectorAll("article a[href]:not(.headerlink), .bd-article a[href]:not(.headerlink)")].filter((a) =>
      previews[a.getAttribute("href")] || (citations && a.classList.contains("para-label")));
    if (!links.length) return;

    const tip = document.createElement("div");
    tip.id = "edition-preview";
    tip.className = "edition-preview";
    tip.setAttribute("role", "dialog");
    tip.setAttribute("aria-labelledby", "edition-preview-title");
    const popover = typeof tip.showPopover === "function";
    if (popover) tip.popover = "manual"; else tip.hidden = true;
    document.body.appendChild(tip);
    const isOpen = () => (popover ? tip.matches(":popover-open") : !tip.hidden);

    let current = null; // the link whose preview shows
    let showTimer = 0;
    let hideTimer = 0;
    let lastPointer = "mouse";
    let firstTap = null; // the link whose preview a touch is opening (focus may open it before the click)

    function fill(link) {
      tip.replaceChildren();
      const title = document.createElement("p");
      title.className = "edition-preview-title";
      title.id = "edition-preview-title";
      const body = document.createElement("div");
      body.className = "edition-preview-body";
      if (link.classList.contains("para-label") && citations) {
        const label = link.getAttribute("href").slice(1);
        const entry = citations.labels[label];
        title.textContent = `Cite paragraph ${label}`;
        // the book's public address (html_baseurl); without one the citations carry no URL at all,
        // never the address this copy happens to be read from (a local server, file:///)
        const address = citations.base ? `${citations.base}#${label}` : "";
        citations.styles.forEach(([name, key]) => {
          const p = document.createElement("p");
          p.className = "edition-citation";
          const b = document.createElement("span");
          b.className = "edition-citation-style";
          b.textContent = `${name}: `;
          const text = entry[key].split(citations.placeholder).join(address);
          p.append(b, document.createTextNode(text));
          body.appendChild(p);
          body.appendChild(copyButton(name, text));
        });
      } else {
        const [heading, text] = previews[link.getAttribute("href")];
        title.textContent = heading;
        const p = document.createElement("p");
        p.textContent = text;
        body.appendChild(p);
      }
      const go = document.createElement("a");
      go.className = "edition-preview-go";
      go.href = link.href;
      go.textContent = link.classList.contains("para-label") ? "Go to the paragraph" : "Go there";
      tip.append(title, body, go);
    }

    // "Copy" for one style's citation: the clipboard where the page may use it (http, https,
    // file:// in most browsers), else the citation selected for the reader to copy
    function copyButton(name, text) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "edition-copy";
      button.textContent = `Copy ${name}`;
      const said = (words) => { button.textContent = words; setTimeout(() => { button.textContent = `Copy ${name}`; }, 1500); };
      button.addEventListener("click", () => {
        const select = () => {
          const range = document.createRange();
          range.selectNodeContents(button.previousElementSibling);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          said("Selected: press Ctrl+C");
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(() => said("Copied"), select);
        } else {
          select();
        }
      });
      return button;
    }

    function place(link) {
      const r = link.getBoundingClientRect();
      const width = Math.min(448, document.documentElement.clientWidth - 16);
      tip.style.width = `${width}px`;
      let left = r.left + window.scrollX;
      left = Math.max(window.scrollX + 8, Math.min(left, window.scrollX + document.documentElement.clientWidth - width - 8));
      tip.style.left = `${left}px`;
      tip.style.top = `${r.bottom + window.scrollY + 6}px`;
      // above the link when there is no room below
      const h = tip.offsetHeight;
      if (r.bottom + h + 12 > window.innerHeight && r.top - h - 12 > 0) tip.style.top = `${r.top + window.scrollY - h - 6}px`;
    }

    function show(link) {
      clearTimeout(showTimer); clearTimeout(hideTimer);
      if (current && current !== link) current.setAttribute("aria-expanded", "false");
      current = link;
      fill(link);
      if (link.nextElementSibling !== tip) { // next in the page's order, for Tab and screen readers
        if (popover && isOpen()) tip.hidePopover();
        link.after(tip);
      }
      if (popover) { if (!isOpen()) tip.showPopover(); } else tip.hidden = false;
      link.setAttribute("aria-expanded", "true");
      place(link);
    }

    function hide() {
      clearTimeout(showTimer); clearTimeout(hideTimer);
      if (current) current.setAttribute("aria-expanded", "false");
      current = null;
      if (popover) { if (isOpen()) tip.hidePopover(); } else tip.hidden = true;
    }

    function hideSoon() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, HIDE_DELAY); }

    links.forEach((link) => {
      link.classList.add("has-preview");
      link.setAttribute("aria-controls", tip.id);
      link.setAttribute("aria-expanded", "false");
      link.addEventListener("pointerdown", (e) => {
        lastPointer = e.pointerType || "mouse";
        firstTap = lastPointer !== "mouse" && current !== link ? link : null;
      });
      link.addEventListener("mouseenter", () => {
        if (lastPointer === "touch") return;
        clearTimeout(hideTimer);
        showTimer = setTimeout(() => show(link), SHOW_DELAY);
      });
      link.addEventListener("mouseleave", () => { clearTimeout(showTimer); if (current === link) hideSoon(); });
      link.addEventListener("focus", () => show(link));
      link.addEventListener("blur", (e) => { if (!tip.contains(e.relatedTarget)) hideSoon(); });
      link.addEventListener("click", (e) => {
        // touch: the first tap previews, the second (or the link inside the preview) goes on
        if (firstTap === link) { e.preventDefault(); show(link); }
        firstTap = null;
        lastPointer = "mouse";
      });
    });
    tip.addEventListener("mouseenter", () => clearTimeout(hideTimer));
    tip.addEventListener("mouseleave", hideSoon);
    tip.addEventListener("focusout", (e) => { if (e.relatedTarget !== current && !tip.contains(e.relatedTarget)) hideSoon(); });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape" && current) hide(); });
    document.addEventListener("pointerdown", (e) => {
      if (current && !tip.contains(e.target) && !current.contains(e.target)) hide();
    });
    window.addEventListener("resize", () => { if (current) place(current); });
  });
})();
