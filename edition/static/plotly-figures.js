// Draw every chart that edition/plotly_html.py left on the page, with the local plotly.js.
// A mark whose hover names an essay paragraph links to it: clicking goes to the paragraph
// (the label -> URL index is written into chart pages by edition/apparatus.py).
document.addEventListener("DOMContentLoaded", () => {
  const indexNode = document.getElementById("paragraph-index");
  const paragraphs = indexNode ? JSON.parse(indexNode.textContent) : {};
  const PARAGRAPH = /paragraph=%\{customdata\[(\d+)\]\}/;

  document.querySelectorAll("div.plotly-figure").forEach((div) => {
    const spec = JSON.parse(div.querySelector("script.plotly-json").textContent);
    // the house template is shipped once, in _static/edition-template.js
    if (spec.layout.template === "edition") spec.layout.template = window.EDITION_TEMPLATE;
    Plotly.newPlot(div, spec.data, spec.layout, spec.config).then(() => {
      const linked = spec.data.some((trace) => PARAGRAPH.test(trace.hovertemplate || ""));
      if (!linked) return;
      const hint = document.createElement("p");
      hint.className = "chart-hint";
      hint.textContent = "Click a mark that cites the essay to read its paragraph.";
      div.after(hint);
      div.on("plotly_click", (event) => {
        const point = event.points[0];
        const match = PARAGRAPH.exec(point.data.hovertemplate || "");
        if (!match || !point.customdata) return;
        const label = String(point.customdata[Number(match[1])] || "").split(";")[0];
        if (paragraphs[label]) window.location.href = paragraphs[label];
      });
    });
  });
});
