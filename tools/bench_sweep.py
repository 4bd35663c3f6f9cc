"""How long the reading sweep takes (tests/test_reading.py), phase by phase, in wall and CPU seconds.

    python tools/bench_sweep.py [--runs 3] [--views phone-light desktop-dark] [--side-by-side]

Runs the sweep's own code (test_reading.sweep_view) on the built book (_build/html; `make book`
first) and writes what the test writes (_build/screens/). Views run one after another, so each
phase's CPU can be told apart: the CPU of this process and every process under it (Playwright's
driver, Chromium's browser, renderer and GPU processes, those that ended included), from /proc.
With --side-by-side, the views run as the test's fixture runs them (two at a time) and only the
totals are printed. Medians over --runs; the load average is printed too (the machine is shared).
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
import test_reading  # noqa: E402  (the sweep itself)
import browser  # noqa: E402
from browser import serve  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def processes() -> dict[tuple[int, int], tuple[float, float]]:
    """(pid, start time): (its own CPU seconds, those of its children that ended and were waited
    for), for this process and every process under it."""
    table = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # fields[1] ppid, [11:13] utime stime, [13:15] of children, [19] start
        table[int(pid)] = (int(fields[1]), int(fields[19]), sum(map(int, fields[11:13])) / TICK, sum(map(int, fields[13:15])) / TICK)
    children = collections.defaultdict(list)
    for pid, (ppid, *_) in table.items():
        children[ppid].append(pid)
    found, todo = {}, [os.getpid()]
    while todo:
        pid = todo.pop()
        if pid in table:
            found[(pid, table[pid][1])] = table[pid][2:]
            todo += children[pid]
    return found


def tree_cpu() -> float:
    """CPU seconds of this process and all under it now (for a phase: its browser runs throughout)."""
    return sum(own + waited for own, waited in processes().values())


class Meter:
    """CPU seconds of this process and all under it over a stretch in which processes start and
    end (browsers): each process is sampled every 0.2 s and counted to its last sample."""

    def __init__(self):
        self.start = {key: own for key, (own, _) in processes().items()}
        self.last = dict(self.start)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self):
        while not self.done.wait(0.2):
            self.last.update({key: own for key, (own, _) in processes().items()})

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        self.last.update({key: own for key, (own, _) in processes().items()})
        return sum(own - self.start.get(key, 0) for key, own in self.last.items())


class Clock:
    """Wall and CPU seconds by phase (a sweep_view `timed`)."""

    def __init__(self):
        self.wall, self.cpu = collections.Counter(), collections.Counter()

    @contextlib.contextmanager
    def __call__(self, phase: str):
        wall, cpu = time.monotonic(), tree_cpu()
        try:
            yield
        finally:
            self.wall[phase] += time.monotonic() - wall
            self.cpu[phase] += tree_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--views", nargs="+", default=list(test_reading.VIEWS), choices=list(test_reading.VIEWS))
    parser.add_argument("--side-by-side", action="store_true", help="two views at a time, as the test runs them")
    parser.add_argument("--chromium", help="another Chromium to run (default: the tests' own, tests/browser.py)")
    parser.add_argument("--flag", action="append", default=[], help="one more Chromium flag (repeat for more)")
    args = parser.parse_args()
    browser.CHROMIUM = args.chromium or browser.CHROMIUM
    browser.FLAGS = [*browser.FLAGS, *args.flag]
    html = ROOT / "_build" / "html"
    if not (html / "chapters" / "index.html").exists():
        sys.exit("The book is not built: run `make book` first.")
    names = test_reading.pages(html)
    print(f"{browser.CHROMIUM} {' '.join(args.flag)}")
    print(f"{len(names)} pages x {len(args.views)} views; load average {os.getloadavg()[0]:.1f} at the start")
    phases = collections.defaultdict(lambda: collections.defaultdict(list))  # view: phase: [(wall, cpu)]
    totals = []
    with serve(html) as base:
        for _ in range(args.runs):
            wall, meter = time.monotonic(), Meter()
            if args.side_by_side:
                with ThreadPoolExecutor(max_workers=2) as pool:
                    list(pool.map(lambda view: test_reading.sweep_view(base, names, view), args.views))
            else:
                for view in args.views:
                    clock = Clock()
                    test_reading.sweep_view(base, names, view, clock)
                    for phase in clock.wall:
                        phases[view][phase].append((clock.wall[phase], clock.cpu[phase]))
            totals.append((time.monotonic() - wall, meter.stop()))
            print(f"  run {len(totals)}: {totals[-1][0]:.1f} s wall, {totals[-1][1]:.1f} s CPU; "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
    median = lambda pairs, i: statistics.median(p[i] for p in pairs)  # noqa: E731
    if phases:
        print(f"\n{'phase (s, median of runs)':28}" + "".join(f"{view:>20}" for view in args.views) + f"{'all views':>20}")
        print(f"{'':28}" + f"{'wall    CPU':>20}" * (len(args.views) + 1))
        for phase in phases[args.views[0]]:
            cells = [(median(phases[v][phase], 0), median(phases[v][phase], 1)) for v in args.views]
            row = cells + [(sum(c[0] for c in cells), sum(c[1] for c in cells))]
            print(f"{phase:28}" + "".join(f"{w:12.1f}{c:8.1f}" for w, c in row))
    print(f"\nthe sweep{' (side by side)' if args.side_by_side else ''}: {median(totals, 0):.1f} s wall, "
          f"{median(totals, 1):.1f} s CPU (median of {len(totals)}); load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
