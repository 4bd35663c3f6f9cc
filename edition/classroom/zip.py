"""The downloads for classes: one zip per notebook page, the classroom zip and the teacher's zip.

    python -m edition.classroom.zip [--wheels] [--out _build/classroom]     (make classroom [WHEELS=1])

Every zip holds one folder that runs where it is unzipped, with no network: the notebook(s) as
.ipynb (edition/classroom/student_notebook.py: no solutions), beside what they import and read:

    <notebook>.ipynb          the students' notebook(s)
    data/                     the dataset, whole
    edition/                  the data side of the package (loader, read log, validator, charts,
                              essay) and the public checks and hand-in (edition/checks/)
    chapters/                 the essay's sections (the validator checks paragraph labels against them)
    requirements.txt          exact pins of what the notebooks need (edition/classroom/requirements.txt)
    HOWTO.md                  one page: set up, run, check, hand in (edition/classroom/HOWTO.md)
    THIRD-PARTY.md            the notices of the files that are not the editors' (the coastlines)

- `<notebook>.zip` (one per notebook page, linked under its title; edition/sphinx/classroom/teaching.py): that
  notebook alone.
- `communist-left-classroom.zip`: the four notebooks, for lab machines (`--wheels`: plus
  `wheels/`, every package's wheel, for installing with no internet).
- `communist-left-teacher.zip`: the classroom zip plus the hidden checks, the grader
  (`python -m edition.grade hand-ins`) and GRADING.md. The hidden checks are in no other zip.

The notebooks sit at the top, beside `edition/`: Jupyter starts a kernel in the notebook's folder,
so `from edition.data import load` works with no installation of the package. Each zip is a pure
function of its inputs (files in name order, one fixed time stamp), so an unchanged input gives a
byte-identical zip.
"""
from __future__ import annotations

import argparse
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from edition.classroom.student_notebook import write
from edition.grade import NOTEBOOKS
from edition.grade.sandbox import kit
from edition.paths import ROOT, NotAFile, copy_regular

NAME = "communist-left-classroom"
TEACHER = "communist-left-teacher"
NOTICE = "THIRD-PARTY.md"  # at the top of the repository and of every zip
STAMP = (1980, 1, 1, 0, 0, 0)  # zip's earliest date: no build time in the file


def kit_files(teacher: bool = False, root: Path | None = None) -> dict[str, Path]:
    """Every file a zip copies, by its place in the zip: the data package (datapackage.json and the
    tables it names, as the validator checked them), the data side of the edition package, the
    essay's chapters, the set-up notes. An explicit list: nothing else in data/ or chapters/ (and
    nothing a link points to) ever rides along."""
    root = root or ROOT
    files = kit(root, hidden=teacher)
    if teacher:  # the grader, whole
        files.update({f"edition/grade/{p.name}": p for p in sorted((root / "edition" / "grade").glob("*.py"))})
    for name in ["requirements.txt", "HOWTO.md"] + (["GRADING.md"] if teacher else []):
        files[name] = root / "edition" / "classroom" / name
    files[NOTICE] = root / NOTICE  # the third-party files' notices (the coastlines): in every zip
    return files


def assemble(folder: Path, notebooks: list[str] = NOTEBOOKS, teacher: bool = False, wheels: bool = False,
             made: dict[str, bytes] | None = None) -> Path:
    """Lay out a folder that runs `notebooks` (and, for the teacher, grades them); returns it.
    `made`: students' notebooks already made (the build's downloads), by name, not made again.
    Every file is copied from kit_files() by copy_regular(): a link or a device raises NotAFile."""
    for name, source in kit_files(teacher).items():
        copy_regular(source, folder / name)
    for nb in notebooks:
        if made and nb in made:
            (folder / f"{nb}.ipynb").write_bytes(made[nb])
        else:
            write(ROOT / "chapters" / f"{nb}.md", folder / f"{nb}.ipynb")
    if wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(folder / "wheels"),
                        "--only-binary", ":all:", "-r", str(folder / "requirements.txt")], check=True)
    return folder


def pack(folder: Path, target: Path) -> Path:
    """Zip `folder` (as its own top folder) into `target`, byte for byte the same for the same files."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(p for p in folder.rglob("*") if stat.S_ISREG(p.lstat().st_mode) and "__pycache__" not in p.parts):
            info = zipfile.ZipInfo(path.relative_to(folder.parent).as_posix(), STAMP)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            z.writestr(info, path.read_bytes())
    return target


def notebook_zip(notebook: str, out: Path, ipynb: bytes | None = None) -> Path:
    """`out/<notebook>.zip`: one notebook page's download, which runs where it is unzipped
    (`ipynb`: the students' notebook, if it is made already)."""
    made = {notebook: ipynb} if ipynb is not None else None
    with tempfile.TemporaryDirectory() as tmp:
        return pack(assemble(Path(tmp) / notebook, [notebook], made=made), out / f"{notebook}.zip")


def build(out: Path, wheels: bool = False) -> Path:
    """Write the classroom zip (`...-offline.zip` with wheels) and the teacher's zip; returns the first."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / (f"{NAME}-offline.zip" if wheels else f"{NAME}.zip")
    with tempfile.TemporaryDirectory() as tmp:
        pack(assemble(Path(tmp) / NAME, wheels=wheels), target)
        pack(assemble(Path(tmp) / TEACHER, teacher=True), out / f"{TEACHER}.zip")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheels", action="store_true", help="also pack every package's wheel (offline install)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "classroom")
    args = parser.parse_args(argv)
    from edition.data.validate import validate

    problems = validate(ROOT / "data")  # the zips carry the data as the validator checked it
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in data/: fix them (make validate lists them) and make the zips again.",
              file=sys.stderr)
        return 1
    try:
        target = build(args.out, args.wheels)
    except NotAFile as err:
        print(err, file=sys.stderr)
        return 1
    teacher = args.out / f"{TEACHER}.zip"
    print(f"The classroom zip is ready: {target} ({target.stat().st_size / 1e6:.1f} MB)")
    print(f"The teacher's zip (with the hidden checks and the grader; not for students): {teacher} "
          f"({teacher.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
