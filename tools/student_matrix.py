"""The students' kit on every Python it supports, with the lowest and the pinned versions it allows.

    python tools/student_matrix.py [--python 3.10 3.11 3.12 3.13] [--set lowest pinned]   (make student-matrix)

edition/classroom/requirements.txt gives the students' packages as ranges (the classroom zip and
every notebook download carry it): a lab image with pandas 2.2 on Python 3.10 installs as well as
a new laptop. This script tests the ends of those ranges. For each Python and each set:

- lowest: every package at its range's lower bound (pandas 2.2.3, plotly 6.0.0, ...);
- pinned: the book's own pins (requirements.txt; Binder's for JupyterLab and Notebook, which the
  book does not install) for those packages; a Python the pins do not
  support (pandas 3 and ipykernel 7 need 3.11) gets the newest versions the ranges allow, and the
  row says so;

it unpacks the classroom zip (made afresh from this repository), makes a virtual environment with
that Python, installs the kit's requirements with that set (uv if the book's .venv has it, else
pip), and runs all four notebooks top to bottom in a kernel of that environment: no cell may fail
and each notebook must draw its charts. It prints one row per run and exits 1 if any failed.

Pythons are found through pyenv (`pyenv prefix 3.10`) or as python3.10 on PATH; one that is not
here is reported and skipped (--require: a failure). No Python is downloaded. Packages come from
uv's cache, offline, when it holds the set, else from the package index. tests/test_student_matrix.py
runs Python 3.10 with the lowest versions and 3.13 with the pinned ones.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIT_REQUIREMENTS = ROOT / "edition" / "classroom" / "requirements.txt"
BOOK_PINS = [ROOT / "binder" / "requirements.txt", ROOT / "requirements.txt"]  # the book's, else Binder's
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
SETS = ["lowest", "pinned"]
NOTEBOOKS = ["chronology", "membership", "publications", "repression"]
RUN = r"""
import sys, nbformat
from nbclient import NotebookClient
for name in sys.argv[1:]:
    nb = nbformat.read(name, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
    charts = sum("application/vnd.plotly.v1+json" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    errors = [o["ename"] for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert charts >= 2 and not errors, (name, charts, errors)
    print(name, "ran,", charts, "charts")
"""
REPORTED = ("pandas", "plotly", "numpy", "ipykernel", "google-re2")


def ranges(path: Path = KIT_REQUIREMENTS) -> dict[str, str]:
    """{package: its version specifier} from a requirements file (comments and blank lines left out)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, spec = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", line).groups()
            out[name.lower()] = spec.replace(" ", "")
    return out


def lower_bound(spec: str) -> str | None:
    match = re.search(r">=([^,]+)", spec)
    return match.group(1) if match else None


def lowest(kit: dict[str, str]) -> dict[str, str]:
    """Every package at its lower bound (one given as == stays at its version)."""
    out = {}
    for name, spec in kit.items():
        version = lower_bound(spec) or (spec[2:] if spec.startswith("==") else None)
        if version is None:
            raise ValueError(f"{name}{spec}: a range needs a lower bound (>=)")
        out[name] = version
    return out


def pinned(kit: dict[str, str], book: dict[str, str]) -> dict[str, str]:
    """The book's pins of the kit's packages."""
    return {name: book[name][2:] for name in kit if book.get(name, "").startswith("==")}


def find_python(version: str) -> str | None:
    if shutil.which("pyenv"):
        run = subprocess.run(["pyenv", "prefix", version], capture_output=True, text=True)
        if run.returncode == 0:
            for candidate in run.stdout.split(":"):
                exe = Path(candidate.strip()) / "bin" / "python3"
                if exe.is_file():
                    return str(exe)
    return shutil.which(f"python{version}")


def installer() -> list[str] | None:
    uv = Path(sys.executable).parent / "uv"
    return [str(uv), "pip", "install", "--quiet"] if uv.is_file() else None


def install(env: Path, requirements: Path, constraints: dict[str, str], tmp: Path) -> subprocess.CompletedProcess:
    pins = tmp / "constraints.txt"
    pins.write_text("".join(f"{name}=={version}\n" for name, version in sorted(constraints.items())), encoding="utf-8")
    uv = installer()
    python = env / "bin" / "python"
    if not uv:
        command = [str(python), "-m", "pip", "install", "--quiet", "-r", str(requirements), "-c", str(pins)]
        return subprocess.run(command, capture_output=True, text=True)
    env_vars = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    command = uv + ["--python", str(python), "-r", str(requirements), "-c", str(pins)]
    # from uv's cache with no network when it holds the set (seconds), else from the package index
    done = subprocess.run(command + ["--offline"], capture_output=True, text=True, env=env_vars)
    return done if done.returncode == 0 else subprocess.run(command, capture_output=True, text=True, env=env_vars)


def versions(env: Path) -> dict[str, str]:
    code = ("import importlib.metadata as m\n"
            f"for n in {REPORTED!r}:\n    print(n, m.version(n))")
    out = subprocess.run([str(env / "bin" / "python"), "-c", code], capture_output=True, text=True).stdout
    return dict(line.split() for line in out.splitlines())


def kit_folder(tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from edition.classroom import zip as classroom

    target = classroom.build(tmp / "zips")
    with zipfile.ZipFile(target) as z:
        z.extractall(tmp / "kit")
    return tmp / "kit" / classroom.NAME


def run_one(kit: Path, python: str, version: str, which: str, tmp: Path) -> tuple[bool, str]:
    """(passed, what to say) for one Python (`version`, at `python`) and one set."""
    work = tmp / f"python{version}-{which}"
    shutil.copytree(kit, work)
    env = work / ".venv"
    # no pip in it where uv installs (ensurepip takes seconds)
    made = subprocess.run([python, "-m", "venv", *(["--without-pip"] if installer() else []), str(env)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        return False, f"no venv: {made.stderr.strip()[-300:]}"
    kit_ranges = ranges(work / "requirements.txt")
    pins = {name: spec for path in BOOK_PINS for name, spec in ranges(path).items()}
    wanted = lowest(kit_ranges) if which == "lowest" else pinned(kit_ranges, pins)
    note = ""
    done = install(env, work / "requirements.txt", wanted, tmp)
    if done.returncode != 0 and which == "pinned" and "No solution found" in done.stderr + done.stdout:
        note = " (the book's pins need a newer Python: the newest versions the ranges allow)"
        done = install(env, work / "requirements.txt", {}, tmp)
    if done.returncode != 0:
        return False, "install failed: " + (done.stderr or done.stdout).strip()[-1500:]
    bin_dir = str(env / "bin")
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PLOTLY_RENDERER",
                                                              "PYTHONPYCACHEPREFIX")}
    clean["PATH"] = bin_dir + os.pathsep + clean.get("PATH", "")
    ran = subprocess.run([str(env / "bin" / "python"), "-c", RUN] + [f"{nb}.ipynb" for nb in NOTEBOOKS],
                         cwd=work, capture_output=True, text=True, env=clean, timeout=1800)
    found = versions(env)
    said = ", ".join(f"{n} {found.get(n, '?')}" for n in REPORTED) + note
    if ran.returncode != 0:  # the notebooks that ran, then the failing cell's source and the error's last lines
        said_all = ran.stdout + ran.stderr
        cell = said_all.find("An error occurred while executing the following cell")
        head = said_all[cell:cell + 1500] if cell >= 0 else ""
        return False, said + ": " + ran.stdout.strip()[-300:] + "\n" + head + "\n...\n" + said_all.strip()[-800:]
    return True, said + ": all four notebooks ran"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", nargs="+", default=PYTHONS, help="Python versions (default: 3.10 to 3.13)")
    parser.add_argument("--set", nargs="+", default=SETS, choices=SETS, dest="sets")
    parser.add_argument("--require", action="store_true", help="a Python that is not here is a failure")
    args = parser.parse_args(argv)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="student-matrix-") as tmp:
        tmp = Path(tmp)
        kit = kit_folder(tmp)
        for version in args.python:
            python = find_python(version)
            if python is None:
                print(f"Python {version}: not here (pyenv install {version}, or put python{version} on PATH)"
                      + ("" if not args.require else ": FAILED"), flush=True)
                failed += args.require
                continue
            for which in args.sets:
                start = time.monotonic()
                ok, said = run_one(kit, python, version, which, tmp)
                failed += not ok
                print(f"Python {version}, {which}: {'ok' if ok else 'FAILED'} in {time.monotonic() - start:.0f} s: {said}",
                      flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
