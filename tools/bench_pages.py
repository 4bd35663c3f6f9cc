"""What a reader's browser loads, and how soon a phone draws the first chart (run by `make bench`).

    python tools/bench_pages.py [--html _build/html] [--runs 5] [--page chapters/repression.html]

The built book is served by `make serve`'s own server (edition/serve.py, which compresses)
and opened in Debian's Chromium (Playwright). Beside it, "before": the same pages with the scripts
the book had before issue 29 (plotly's full plotly.min.js, the theme's Font Awesome with every
icon) served uncompressed as `make serve` did then (Python's http.server). Runs alternate between
the two, so both see the same load on this shared machine.

    script per page   bytes of script each page loads (as the browser parses them) and what
                      went over the wire (less when compressed)
    first chart       from navigation start to the first chart of the page shown: "image" when
                      its still (edition/sphinx/web/stills.py) is painted (Element Timing's renderTime
                      of its placeholder; "-" for a book without stills), "interactive" when
                      plotly.js has drawn it (its traces in the SVG); on an emulated phone: 390 px wide, Chrome DevTools' "Fast 4G" network (9 Mbit/s
                      down, 1.5 up, 165 ms round trip: Network.emulateNetworkConditions), the
                      processor slowed 4 times (Emulation.setCPUThrottlingRate), empty cache;
                      medians of --runs, and of --slow runs on "Slow 4G" (1.6 Mbit/s, 563 ms);
                      beside it, when the run reached the steps before: the page's HTML received,
                      first paint (text), the page parsed (domInteractive), plotly.js run,
                      DOMContentLoaded. Each server answers one unthrottled load of the page first,
                      so `make serve` has compressed its files (the first reader after it starts
                      waits a few tenths of a second more).

    --before-tree DIR   A/B against another checkout (e.g. main, built): its _build/html served by
                        its own `make serve`, in place of "before".
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS  # noqa: E402  (the tests' Chromium and its quiet flags)

# Chrome DevTools' presets (front_end/core/sdk/NetworkManager.ts): bytes per second and ms.
NETWORKS = {"Fast 4G": {"downloadThroughput": 9e6 / 8 * 0.9, "uploadThroughput": 1.5e6 / 8 * 0.9, "latency": 60 * 2.75},
            "Slow 4G": {"downloadThroughput": 1.6e6 / 8 * 0.9, "uploadThroughput": 750e3 / 8 * 0.9, "latency": 150 * 3.75}}
CPU_SLOWDOWN = 4
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", 300_000))  # ms a phone run may take
DRAWN = ".plotly-figure .main-svg .trace"  # a chart's traces are in its SVG: it is drawn
# the page's charts' placeholders timed as they are painted (their still is their background)
STILL_TIMING = """window.stillsPainted = [];
new PerformanceObserver((list) => list.getEntries().forEach((e) => window.stillsPainted.push([e.identifier, e.renderTime])))
  .observe({type: "element", buffered: true});
new MutationObserver((changes) => changes.forEach((c) => c.addedNodes.forEach((n) => {
  if (n.nodeType === 1 && n.matches("div.plotly-figure")) n.setAttribute("elementtiming", `chart ${n.closest("figure") && n.closest("figure").id}`);
}))).observe(document, {subtree: true, childList: true});"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(html: Path, plain: bool = False, tree: Path = ROOT):
    """`make serve` on a free port (its server, as a reader would start it; that of `tree`, a
    checkout); plain: Python's own http.server, uncompressed, as `make serve` was before."""
    port = free_port()
    command = (["-m", "http.server", "--bind", "127.0.0.1", "--directory", str(html), str(port)] if plain
               else ["-m", "edition.serve" if (tree / "edition" / "serve.py").exists() else "edition.web.serve",
                     str(port), str(html)])  # a checkout from before the edition/sphinx layout has it in web/
    server = subprocess.Popen([sys.executable, "-u", *command], cwd=tree,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        line = server.stdout.readline()
        if "Serving" not in line and "HTTP" not in line:
            sys.exit(f"make serve did not start: {line}")
        # read what it says from now on, or a full pipe would stop the server mid-run
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def baseline(html: Path, tmp: Path) -> Path:
    """The same built pages with the scripts of before: plotly's full plotly.min.js and the
    theme's Font Awesome with every icon (both from the installed packages)."""
    import plotly
    import pydata_sphinx_theme

    copy = tmp / "before"
    shutil.copytree(html, copy, symlinks=True)
    shutil.copyfile(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", copy / "_static" / "plotly.min.js")
    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "scripts"
    shutil.copyfile(theme / "fontawesome.js", copy / "_static" / "scripts" / "fontawesome.js")
    return copy


def script_bytes(browser, url: str) -> tuple[int, int, list[str]]:
    """(bytes of script parsed, bytes of script transferred, the script files) of one page."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    scripts = []
    page.on("requestfinished", lambda request: scripts.append(request) if request.resource_type == "script" else None)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)  # scripts that load scripts
    parsed = wire = 0
    names = []
    for request in scripts:
        response = request.response()
        body = response.body() if response else b""
        parsed += len(body)
        wire += request.sizes()["responseBodySize"]
        names.append(f"{request.url.rsplit('/', 1)[-1].split('?')[0]} {len(body) / 1024:.0f} KB")
    context.close()
    return parsed, wire, names


# when plotly.js has run (it sets window.Plotly), marked for the phases of a run
PLOTLY_RUN = """(() => { let plotly;
  Object.defineProperty(window, "Plotly", { configurable: true, get: () => plotly,
    set(value) { if (!plotly) performance.mark("plotly.js run"); plotly = value; } }); })();"""
PHASES = {"html": "HTML", "paint": "first paint", "parsed": "parsed", "plotly": "plotly.js run", "dcl": "DOMContentLoaded"}


def phases(page) -> dict:
    """Seconds from navigation start to each step of the load before the chart (PHASES)."""
    ms = page.evaluate("""() => { const n = performance.getEntriesByType("navigation")[0];
      const at = (name) => (performance.getEntriesByName(name)[0] || {}).startTime;
      return { html: n.responseEnd, paint: at("first-contentful-paint"), parsed: n.domInteractive,
               plotly: at("plotly.js run"), dcl: n.domContentLoadedEventStart || undefined }; }""")
    return {key: value / 1000 for key, value in ms.items() if value}


def first_chart(browser, url: str, network: str, steps: dict | None = None) -> tuple[float | None, float | None]:
    """Seconds from navigation start to the first chart's still painted (None: none was) and to
    the first drawn chart, on the emulated phone (and, into steps, the phases of the load)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True)
    context.add_init_script(PLOTLY_RUN)
    context.add_init_script(STILL_TIMING)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {"offline": False, **NETWORKS[network]})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    from playwright.sync_api import TimeoutError as Timeout

    try:  # a run that never draws (seen a few times on this loaded machine) is left out and said
        page.goto(url, wait_until="commit", timeout=TIMEOUT)
        took = page.wait_for_function(f"() => document.querySelector({DRAWN!r}) && performance.now()", polling=50,
                                      timeout=TIMEOUT).json_value() / 1000
        # the page's first chart (drawn first: nearest the top); its still, if it was painted
        first = page.evaluate("() => document.querySelector('div.plotly-figure').closest('figure').id")
        painted = [t for name, t in page.evaluate("window.stillsPainted") if name == f"chart {first}"]
        shown = painted[0] / 1000 if painted else None
        if steps is not None:
            steps.update(phases(page))
    except Timeout:
        took = shown = None
    context.close()
    return shown, took


def seconds(took: float | None) -> str:
    return "timed out" if took is None else f"{took:.2f} s"


def both(times: tuple) -> str:
    shown, took = times
    return f"image {'-' if shown is None else f'{shown:.2f} s'}, interactive {seconds(took)}"


def steps_said(steps: list[dict]) -> str:
    """The median of each phase over the runs that reached it: 'HTML 0.24, first paint 1.40, ...'."""
    return ", ".join(f"{name} {statistics.median(s[key] for s in steps if key in s):.2f}"
                     for key, name in PHASES.items() if any(key in s for s in steps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--before", type=Path, help="a built book to compare with, served plain (default: these pages "
                                                    "with the scripts of before)")
    parser.add_argument("--before-tree", type=Path, help="a checkout with its book built: its pages and its make serve "
                                                         "in place of before (an A/B with main)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slow", type=int, default=1, help="runs on Slow 4G (0: none)")
    parser.add_argument("--page", default="chapters/repression.html", help="the page timed on the phone")
    parser.add_argument("--weights", type=int, default=1, help="the table of script per page (0: leave it out)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    html = args.html.resolve()
    if not (html / args.page).is_file():
        sys.exit(f"{html / args.page} is not built: run make book")
    pages = sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if "_static" not in p.parts)
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        tree = args.before_tree.resolve() if args.before_tree else None
        before = tree / "_build" / "html" if tree else args.before.resolve() if args.before else baseline(html, Path(tmp))
        now_base = stack.enter_context(served(html))
        before_base = stack.enter_context(served(before, plain=not tree, tree=tree or ROOT))
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        print(f"{'page':34} {'script KB':>10} {'over wire':>10} {'before':>8} {'over wire':>10}  charts")
        weights, largest = {}, []
        for rel in pages if args.weights else []:
            parsed, wire, names = script_bytes(browser, f"{now_base}/{rel}")
            old = script_bytes(browser, f"{before_base}/{rel}") if (before / rel).is_file() else (0, 0, [])
            charts = (html / rel).read_text(encoding="utf-8").count('class="plotly-figure"')
            weights[rel] = parsed, charts
            print(f"{rel:34} {parsed / 1024:10.0f} {wire / 1024:10.0f} {old[0] / 1024:8.0f} {old[1] / 1024:10.0f}  {charts or ''}", flush=True)
            if rel == args.page:
                largest = sorted(names, key=lambda n: -float(n.split()[-2]))[:5]
        chart_pages = {rel: w for rel, (w, charts) in weights.items() if charts}
        heaviest = max(chart_pages, key=chart_pages.get, default=None)
        if heaviest:
            print(f"heaviest chart page: {heaviest}, {chart_pages[heaviest] / 1e6:.2f} MB of script (target <= 1.5 MB); "
                  f"{args.page}'s largest scripts: {', '.join(largest)}")
        for base in (now_base, before_base):  # each server compresses its files once, as for a reader before
            warm = browser.new_page()
            warm.goto(f"{base}/{args.page}", wait_until="load")
            warm.close()
        for network, runs in (("Fast 4G", args.runs), ("Slow 4G", args.slow)):
            now, old, now_steps, old_steps = [], [], [], []
            for _ in range(runs):  # alternating, so both see the same load
                now_steps.append({})
                old_steps.append({})
                now.append(first_chart(browser, f"{now_base}/{args.page}", network, now_steps[-1]))
                old.append(first_chart(browser, f"{before_base}/{args.page}", network, old_steps[-1]))
                print(f"  {network}: now {both(now[-1])} ({steps_said(now_steps[-1:])}), before {both(old[-1])}"
                      f" (load average {os.getloadavg()[0]:.1f})", flush=True)
            for label, index in (("image shown", 0), ("interactive", 1)):
                a = [t[index] for t in now if t[index] is not None]
                b = [t[index] for t in old if t[index] is not None]
                if a or b:
                    said = lambda times: f"{med(times):.2f} s ({len(times)} runs)" if times else "-"  # noqa: E731
                    ratio = f": {med(b) / med(a):.1f} times sooner" if a and b else ""
                    print(f"first chart of {args.page}, {label}, phone on {network}, CPU / {CPU_SLOWDOWN}: median "
                          f"{said(a)} now, {said(b)} before{ratio}{'; target <= 3 s' if network == 'Fast 4G' else ''}",
                          flush=True)
            if runs:
                print(f"  before the chart, now: {steps_said(now_steps)}; before: {steps_said(old_steps)} (medians, s)",
                      flush=True)
        browser.close()
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
