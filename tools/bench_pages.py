"""What a reader's browser loads, and how soon a phone draws the first chart (run by `make bench`).

    python tools/bench_pages.py [--html _build/html] [--runs 5] [--page chapters/repression.html]

The built book is served by `make serve`'s own server (edition/web/serve.py, so with the
compression it offers) and opened in Debian's Chromium (Playwright):

    script per page   bytes of script each page loads (files, as the browser parses them) and
                      what went over the wire (compressed when the server compresses)
    first chart       from navigation start to the first chart drawn (its traces in the SVG), on
                      an emulated phone: 390 px wide, Chrome DevTools' "Fast 4G" network (9 Mbit/s
                      down, 1.5 up, 165 ms round trip: Network.emulateNetworkConditions) and the
                      processor slowed 4 times (Emulation.setCPUThrottlingRate), empty cache;
                      the median of --runs, beside "Slow 4G" (1.6 Mbit/s, 563 ms) for reference

The machine is shared: medians of several runs; the load average is printed with them.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS  # noqa: E402  (the tests' Chromium and its quiet flags)

# Chrome DevTools' presets (front_end/core/sdk/NetworkManager.ts): bytes per second and ms.
NETWORKS = {"Fast 4G": {"downloadThroughput": 9e6 / 8 * 0.9, "uploadThroughput": 1.5e6 / 8 * 0.9, "latency": 60 * 2.75},
            "Slow 4G": {"downloadThroughput": 1.6e6 / 8 * 0.9, "uploadThroughput": 750e3 / 8 * 0.9, "latency": 150 * 3.75}}
CPU_SLOWDOWN = 4
DRAWN = ".plotly-figure .main-svg .trace"  # a chart's traces are in its SVG: it is drawn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(html: Path):
    """`make serve` on a free port (its server, as a reader would start it)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "edition.web.serve", str(port), str(html)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        line = server.stdout.readline()
        if "Serving" not in line:
            sys.exit(f"make serve did not start: {line}")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


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


def first_chart(browser, url: str, network: str) -> float:
    """Seconds from navigation start to the first drawn chart on the emulated phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {"offline": False, **NETWORKS[network]})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(url, wait_until="commit", timeout=120_000)
    handle = page.wait_for_function(f"() => document.querySelector({DRAWN!r}) && performance.now()", polling=50, timeout=120_000)
    took = handle.json_value() / 1000
    context.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", default="chapters/repression.html", help="the page timed on the phone")
    parser.add_argument("--slow", type=int, default=1, help="runs on Slow 4G too (0: none)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    html = args.html.resolve()
    pages = sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if "_static" not in p.parts)
    with served(html) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        print(f"{'page':40} {'script KB':>10} {'over wire':>10}  charts")
        weights = {}
        for rel in pages:
            parsed, wire, names = script_bytes(browser, f"{base}/{rel}")
            charts = (html / rel).read_text(encoding="utf-8").count('class="plotly-figure"')
            weights[rel] = parsed
            print(f"{rel:40} {parsed / 1024:10.0f} {wire / 1024:10.0f}  {charts or ''}", flush=True)
            if rel == args.page:
                largest = sorted(names, key=lambda n: -float(n.split()[-2]))[:5]
        chart_pages = [rel for rel in pages if 'class="plotly-figure"' in (html / rel).read_text(encoding="utf-8")]
        heaviest = max(chart_pages, key=weights.get) if chart_pages else None
        if heaviest:
            print(f"heaviest chart page: {heaviest}, {weights[heaviest] / 1024:.0f} KB of script "
                  f"({weights[heaviest] / 1e6:.2f} MB; target <= 1.5 MB)")
        if args.page in weights:
            print(f"{args.page}'s largest scripts: {', '.join(largest)}")
        for network in ["Fast 4G"] + (["Slow 4G"] if args.slow else []):
            runs = [first_chart(browser, f"{base}/{args.page}", network) for _ in range(args.runs if network == "Fast 4G" else args.slow)]
            print(f"first chart of {args.page}, phone on {network}, CPU / {CPU_SLOWDOWN}: median {statistics.median(runs):.2f} s "
                  f"of {len(runs)} ({', '.join(f'{r:.2f}' for r in runs)}){'; target <= 3 s' if network == 'Fast 4G' else ''}", flush=True)
        browser.close()
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
