// Draw every chart that edition/plotly_html.py left on the page, with the local plotly.js.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("div.plotly-figure").forEach((div) => {
    const spec = JSON.parse(div.querySelector("script.plotly-json").textContent);
    Plotly.newPlot(div, spec.data, spec.layout, spec.config);
  });
});
