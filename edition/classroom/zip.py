"""The classroom zip: the notebooks as .ipynb with everything they need, for lab machines.

    python -m edition.classroom.zip [--wheels] [--out _build/classroom]     (make classroom [WHEELS=1])

The zip holds one folder, `communist-left-classroom/`:

    chronology.ipynb ...      the students' notebooks (edition/classroom/student_notebook.py: no solutions)
    data/                     the dataset, whole
    edition/                  the data side of the package only: loader (and its read log), validator, charts, essay
    chapters/                 the essay's sections (the validator checks paragraph labels against them)
    requirements.txt          exact pins of what the notebooks need (edition/classroom/requirements.txt)
    HOWTO.md                  one page for the lab (edition/classroom/HOWTO.md)
    wheels/                   with --wheels: `pip download` of every package, for installing offline

The notebooks sit at the top, beside `edition/`: Jupyter starts a kernel in the notebook's folder,
so `from edition.data import load` works with no installation of the package.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from edition.essay import ESSAY
from edition.paths import PACKAGE, ROOT
from edition.classroom.student_notebook import write

NAME = "communist-left-classroom"
NOTEBOOKS = ["chronology", "membership", "publications", "repression"]
# what the notebooks import, and what that imports (the kernel's read log)
MODULES = ["__init__.py", "paths.py", "data/__init__.py", "data/validate.py", "readlog.py", "charts.py", "essay.py"]
TEMPLATES = PACKAGE / "classroom"


def assemble(folder: Path, wheels: bool = False) -> Path:
    """Lay out the classroom folder in `folder` (created); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for nb in NOTEBOOKS:
        write(ROOT / "chapters" / f"{nb}.md", folder / f"{nb}.ipynb")
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns(".*", "__pycache__"))
    for module in MODULES:
        (folder / "edition" / module).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PACKAGE / module, folder / "edition" / module)
    (folder / "chapters").mkdir()
    for chapter in ESSAY:
        shutil.copy2(ROOT / "chapters" / f"{chapter}.md", folder / "chapters" / f"{chapter}.md")
    shutil.copy2(TEMPLATES / "requirements.txt", folder / "requirements.txt")
    shutil.copy2(TEMPLATES / "HOWTO.md", folder / "HOWTO.md")
    if wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(folder / "wheels"),
                        "--only-binary", ":all:", "-r", str(folder / "requirements.txt")], check=True)
    return folder


def build(out: Path, wheels: bool = False) -> Path:
    """Write `out/communist-left-classroom.zip` (or `...-offline.zip` with wheels); returns its path."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / (f"{NAME}-offline.zip" if wheels else f"{NAME}.zip")
    with tempfile.TemporaryDirectory() as tmp:
        folder = assemble(Path(tmp) / NAME, wheels)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    z.write(path, path.relative_to(folder.parent).as_posix())
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheels", action="store_true", help="also pack every package's wheel (offline install)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "classroom")
    args = parser.parse_args(argv)
    target = build(args.out, args.wheels)
    print(f"The classroom zip is ready: {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
