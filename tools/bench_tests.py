"""CPU and wall time of test modules, each run alone: python tools/bench_tests.py tests/test_X.py ...

CPU is user+sys of pytest and of every process it waited for (builds, kernels, make), which is what
a module costs a shared 2-core machine; wall depends on the load, printed beside it. Used for issue 27
(tests in 10 minutes): compare CPU before and after a change, not wall.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(module: str) -> tuple[int, float, float, float]:
    """(pytest's exit code, CPU seconds, wall seconds, load when it started) of one module."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load, start = os.getloadavg()[0], time.monotonic()
    code = subprocess.run([sys.executable, "-m", "pytest", module, "-q"], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return code, cpu, wall, load


def main(modules: list[str]) -> int:
    if not modules:
        print(__doc__)
        return 2
    failed = 0
    for module in modules:
        code, cpu, wall, load = run(module)
        failed |= code != 0
        print(f"{module}: {cpu:.0f} s CPU, {wall:.0f} s wall (load {load:.1f} at the start)"
              + ("" if code == 0 else f", pytest exited {code}"), flush=True)
    return int(failed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
