"""Run one hand-in where it reaches nothing of the teacher's, within limits, and leave nothing behind.

Each hand-in gets a fresh scratch copy of what a student's notebook needs (the data, the data side
of the package, the public checks: `lay_out`), never the hidden checks, the grader or the other
hand-ins. It runs under bubblewrap (Debian's `bubblewrap`, the sandbox Flatpak uses) when the
machine has it:

- a file system of its own, read-only but for the scratch copy (its home) and an empty /tmp of
  its own: the system's programs and the Python installation; nothing else (no /etc, no /root or /home, no teacher's
  folder, no other hand-in);
- its own process, user, network (none), IPC and host-name namespaces: `/proc` shows only its own
  processes, so it cannot find the grader through `/proc/<ppid>`;
- a wall-clock limit for the whole notebook, enforced by killing it: when bubblewrap dies, the
  kernel kills every process of its PID namespace, so nothing is left running;
- limits on memory (address space), the size of any file it writes, and what it prints.

Without bubblewrap (a teacher's Mac or Windows machine) the same run happens in a plain child
process with the same time and size limits, and `grades.csv` says the isolation was partial.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

KIT = Path(__file__).resolve().parents[2]   # the repository, or the teacher's zip's folder
RUNNER = Path(__file__).with_name("runner.py")
# What a student's notebook needs beside it: the data side of the package and the public checks.
MODULES = ["__init__.py", "paths.py", "data/__init__.py", "data/validate.py", "data/claims.py", "data/problem.py", "readlog.py", "charts.py", "essay.py",
           "maps.py", "coastline-110m.json", "checks/__init__.py", "checks/public.py", "checks/handin.py",
           "checks/exercises.py", "checks/answers.py"]
HIDDEN = ["checks/hidden.py", "derived.py"]  # the teacher's only: the hidden checks, and what the grader writes with
# The few files of /etc a Python kernel reads; the rest of /etc stays outside.
ETC = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "mime.types"]
HOME = "/home/student"


@dataclass
class Limits:
    notebook_seconds: int = 180     # the whole notebook; then everything is killed
    cell_seconds: int = 30          # one cell; then it is interrupted (a cell that ignores that waits for the above)
    memory_bytes: int = 4 << 30     # address space of each process
    file_bytes: int = 100 << 20     # the largest file it may write
    output_chars: int = 20_000_000  # what it may print or show in all; then it is stopped
    events_bytes: int = 40 << 20    # what the grader reads back


@dataclass
class Run:
    events: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    killed: bool = False            # stopped at the notebook's time limit
    isolation: str = ""


def kit(root: Path = KIT, hidden: bool = False) -> dict[str, Path]:
    """What a student's notebook needs beside it, by its place in the folder: the data package
    (datapackage.json and the tables it names, as the validator checked them), the data side of
    the package and the public checks (with `hidden`: the teacher's files too), the essay's
    chapters. An explicit list: nothing else in data/ (and nothing a link points to) rides along."""
    from edition.essay import ESSAY
    descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    files = {"data/datapackage.json": root / "data" / "datapackage.json"}
    files.update({f"data/{r['path']}": root / "data" / r["path"] for r in descriptor["resources"]})
    files.update({f"edition/{m}": root / "edition" / m for m in MODULES + (HIDDEN if hidden else [])})
    files.update({f"chapters/{c}.md": root / "chapters" / f"{c}.md" for c in ESSAY})
    return files


def lay_out(folder: Path, hidden: bool = False, root: Path = KIT) -> Path:
    """Copy kit() into folder, ordinary files only (a link raises NotAFile: edition.paths)."""
    from edition.paths import copy_regular
    for name, source in kit(root, hidden).items():
        copy_regular(source, folder / name)
    return folder


def isolation() -> str:
    """'bubblewrap' when this machine can run a hand-in in its own namespaces, else why not."""
    if not sys.platform.startswith("linux"):
        return f"none ({sys.platform} has no bubblewrap)"
    if not shutil.which("bwrap"):
        return "none (bubblewrap is not installed: apt-get install bubblewrap)"
    probe = subprocess.run(["bwrap", "--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return f"none (bubblewrap cannot make namespaces here: {probe.stderr.strip()[:120]})"
    return "bubblewrap"


def _bwrap(scratch: Path, out: Path) -> list[str]:
    args = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--hostname", "grading",
            "--die-with-parent", "--new-session", "--clearenv", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for top in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC:
        if (Path("/etc") / name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    for prefix in {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.prefix)}:
        if not str(prefix).startswith("/usr"):
            args += ["--ro-bind", str(prefix), str(prefix)]
    args += ["--bind", str(scratch), HOME, "--bind", str(out), "/grader/out",
             "--ro-bind", str(RUNNER), "/grader/runner.py", "--remount-ro", "/", "--chdir", HOME]
    for key, value in _environment(HOME, "/tmp").items():
        args += ["--setenv", key, value]
    return args


def _environment(home: str, tmp: str) -> dict[str, str]:
    env = {"HOME": home, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "JUPYTER_RUNTIME_DIR": f"{tmp}/jupyter", "IPYTHONDIR": f"{tmp}/ipython", "MPLCONFIGDIR": tmp,
           "PYTHONDONTWRITEBYTECODE": "1", "JUPYTER_PLATFORM_DIRS": "1", "TMPDIR": tmp}
    cache = os.environ.get("PYTHONPYCACHEPREFIX")
    if cache and Path(cache).resolve().is_relative_to(Path(sys.prefix).resolve()):
        env["PYTHONPYCACHEPREFIX"] = cache  # read-only: the venv's compiled modules, for a fast start
    return env


def _limit(limits: Limits):
    def apply() -> None:
        import resource
        for which, value in ((resource.RLIMIT_AS, limits.memory_bytes), (resource.RLIMIT_FSIZE, limits.file_bytes),
                             (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(which, (value, value))
    return apply if os.name == "posix" else None


def run(nb: dict, export_cells: list[int], template: Path, limits: Limits, how: str) -> Run:
    """Run the prepared notebook `nb` in a fresh copy of `template`; what it left as events."""
    result = Run(isolation=how)
    with tempfile.TemporaryDirectory(prefix="hand-in-", ignore_cleanup_errors=True) as tmp:
        scratch, out = Path(tmp) / "work", Path(tmp) / "out"
        shutil.copytree(template, scratch)
        out.mkdir()
        (scratch / "hand-in.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        arguments = [str(limits.cell_seconds), str(limits.output_chars), ",".join(map(str, export_cells))]
        if how == "bubblewrap":
            command = _bwrap(scratch, out) + [sys.executable, "/grader/runner.py", f"{HOME}/hand-in.ipynb",
                                              "/grader/out/events.jsonl", *arguments]
            cwd, env = None, None
        else:
            command = [sys.executable, str(RUNNER), str(scratch / "hand-in.ipynb"), str(out / "events.jsonl"),
                       *arguments]
            cwd, env = scratch, _environment(str(scratch), str(out))
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=_limit(limits))
        try:
            process.wait(timeout=limits.notebook_seconds)
        except subprocess.TimeoutExpired:
            result.killed = True
        finally:
            _kill(process, scratch if how != "bubblewrap" else None)
        result.seconds = time.monotonic() - started
        result.events = _read_events(out / "events.jsonl", limits.events_bytes)
    return result


def _kill(process: subprocess.Popen, scratch: Path | None) -> None:
    """End the run and everything it started. Under bubblewrap, killing it ends its PID namespace;
    without, the process group and any process still working in the scratch folder are killed."""
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:  # pragma: no cover - Windows
        process.kill()
    process.wait()
    if scratch is not None and Path("/proc").is_dir():
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and Path(os.readlink(proc / "cwd")).is_relative_to(scratch):
                    os.kill(int(proc.name), signal.SIGKILL)
            except OSError:
                pass


def _read_events(path: Path, limit: int) -> list[dict]:
    """The runner's lines, read as untrusted data: at most `limit` bytes, bad lines skipped."""
    events = []
    if not path.is_file() or path.is_symlink():
        return events
    with open(path, "rb") as f:
        for line in f.read(limit).splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
    return events
