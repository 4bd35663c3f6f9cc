"""A pytest plug-in that measures the processor time of each test module, children included.

    .venv/bin/python -m pytest -p cpu_by_module ...      (with tools/ on PYTHONPATH; as root)

`time make test` counts only the processes their parents waited for: a kernel in a bubblewrap
sandbox, Chromium's helpers or a build's Sphinx child can escape it. Here each pytest process
(each xdist worker) moves itself into a cgroup of its own (cgroup v1 cpuacct, as this machine has)
that every process it starts inherits, and the cgroup's counter is read as each module starts and
ends (modules run one after another on a worker with --dist loadfile). Each process writes its
modules' CPU and wall seconds to _build/cpu-by-module/<worker>-<pid>.json; `python tools/cpu_by_module.py`
adds up every file there and prints them (remove the folder before a run to measure: a fresh clone
has none). `PYTHONPATH=tools PYTEST_ARGS="-p cpu_by_module" make test` measures both tiers.
Without a writable cgroup it says so and measures nothing.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

CGROUPS = Path("/sys/fs/cgroup/cpuacct")
OUT = Path(__file__).resolve().parent.parent / "_build" / "cpu-by-module"


def _own_group() -> Path:
    """This process's cpuacct cgroup: a group made under it still counts toward it (as a
    measurement of the whole run, such as `make test` in a cgroup of its own, expects)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "cpuacct" in controllers.split(","):
            return CGROUPS / path.lstrip("/")
    return CGROUPS


class _Meter:
    def __init__(self, name: str):
        self.group = _own_group() / f"pytest-{os.getpid()}-{name}"
        self.group.mkdir(exist_ok=True)
        (self.group / "cgroup.procs").write_text(str(os.getpid()))
        self.name, self.module, self.start, self.began, self.found = name, None, 0, 0.0, {}

    def usage(self) -> int:
        return int((self.group / "cpuacct.usage").read_text())

    def at(self, module: str | None) -> None:
        if module == self.module:
            return
        now, clock = self.usage(), time.monotonic()
        if self.module is not None:
            cpu, wall = self.found.get(self.module, (0.0, 0.0))
            self.found[self.module] = (cpu + (now - self.start) / 1e9, wall + clock - self.began)
        self.module, self.start, self.began = module, now, clock


_meter: _Meter | None = None


def pytest_configure(config):
    global _meter
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    try:
        _meter = _Meter(worker)
    except OSError as err:
        print(f"cpu_by_module: no cgroup ({err}); nothing measured")


def pytest_runtest_setup(item):
    if _meter:
        _meter.at(item.module.__name__ if item.module else item.nodeid.split("::")[0])


def pytest_unconfigure(config):
    if not _meter:
        return
    _meter.at(None)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{_meter.name}-{os.getpid()}.json").write_text(json.dumps(_meter.found, indent=1))


def report() -> None:
    found: dict[str, list[float]] = {}
    for f in sorted(OUT.glob("*.json")):
        for module, (cpu, wall) in json.loads(f.read_text()).items():
            total = found.setdefault(module, [0.0, 0.0])
            total[0] += cpu
            total[1] += wall
    print(f"{'module':36} {'CPU s':>8} {'wall s':>8}")
    for module, (cpu, wall) in sorted(found.items(), key=lambda kv: -kv[1][0]):
        print(f"{module:36} {cpu:8.1f} {wall:8.1f}")
    print(f"{'all':36} {sum(c for c, _ in found.values()):8.1f} {sum(w for _, w in found.values()):8.1f}")


if __name__ == "__main__":
    report()
