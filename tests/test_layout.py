"""The package's layout shows its architecture: two sides (the plain package the notebooks, the
zips and the grader run; the Sphinx extension in edition/sphinx/), layers (edition/__init__.py), no
import loops, no import from a lower layer to a higher one, no private name imported from another
module."""
import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.check

PACKAGE = Path(__file__).resolve().parents[1] / "edition"
# edition/__init__.py's list: a module may import its own layer or a lower number (the Sphinx side,
# 5 and 6, stands above the plain side, which never imports it: test_the_plain_side_imports_no_sphinx).
LAYERS = {
    "edition.paths": 1,
    "edition.essay": 2, "edition.readlog": 2, "edition.derived": 2,
    "edition.data": 3, "edition.checks": 3, "edition.charts": 3, "edition.maps": 3,
    "edition.classroom": 4, "edition.grade": 4,
    "edition.sphinx": 5,  # its __init__ (the list of plug-ins) and book/
    "edition.sphinx.web": 6, "edition.sphinx.print": 6, "edition.sphinx.classroom": 6,
    "edition.build": 7, "edition.serve": 7,
}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    for prefix, number in sorted(LAYERS.items(), key=lambda item: -len(item[0])):
        if module == prefix or module.startswith(prefix + "."):
            return number
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and to edition/__init__.py's list")


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import of the edition's own modules in one file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("edition"):
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("edition")]
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        targets = set()
        for target, names in imports(path):
            for n in names:  # "from edition.sphinx.book import figures": the module edition.sphinx.book.figures
                if f"{target}.{n}" in modules:
                    targets.add(f"{target}.{n}")
                    break
            else:
                targets.add(target)
        edges[name] = {t for t in targets if t != name}
    return edges


def test_every_module_has_a_layer():
    for name in graph():
        if name != "edition":  # the package itself: the docstring and the Sphinx set-up, imports nothing
            layer(name)


def test_no_import_from_a_lower_layer_to_a_higher_one():
    upward = [(a, b) for a, targets in graph().items() if a != "edition" for b in targets
              if b != "edition" and layer(b) > layer(a)]
    assert not upward, upward


def test_no_import_loop():
    edges = graph()
    state, loops = {}, []

    def visit(node, stack):
        state[node] = "open"
        for target in edges.get(node, ()):
            if state.get(target) == "open":
                loops.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack + [target])
        state[node] = "done"

    for node in edges:
        if node not in state:
            visit(node, [node])
    assert not loops, loops


def test_no_private_name_from_another_module():
    private = [(module_name(p), target, n) for p in PACKAGE.rglob("*.py") for target, names in imports(p)
               for n in names if n.startswith("_") and n != "__version__"]
    assert not private, private


def test_the_book_loads_one_extension():
    import yaml

    config = yaml.safe_load((PACKAGE.parent / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["extra_extensions"] == ["edition.sphinx"]


def path_globals_used(path: Path) -> list[str]:
    """The folders of edition.paths (every Path it holds: ROOT, DATA_DIR, CHAPTERS ...) that a module
    takes, by `from edition.paths import X`, `from edition.data import DATA_DIR` (its re-export) or
    `edition.paths.X`, anywhere in the module (a function's own import too). Comments do not count."""
    import edition.paths

    folders = {name for name, value in vars(edition.paths).items() if isinstance(value, Path)}
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in ("edition.paths", "edition.data"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name in folders or a.name == "*"]
        elif isinstance(node, ast.ImportFrom) and node.module == "edition" and any(a.name == "paths" for a in node.names):
            found.append("edition.paths (the module)")
        elif isinstance(node, ast.Attribute) and node.attr in folders and ast.unparse(node.value).endswith("paths"):
            found.append(ast.unparse(node))
    return found


def test_no_plug_in_takes_a_folder_from_a_global():
    """The Sphinx side (all of edition/sphinx/: the plug-ins of its PLUG_INS and what they import)
    reads its folders from the build's settings (edition/sphinx/book/folders.py: app.srcdir and
    edition_data_dir ...), so a test can build a small book of its own (tests/roots/)."""
    from edition.sphinx import PLUG_INS

    modules = set((PACKAGE / "sphinx").rglob("*.py"))
    plug_ins = {PACKAGE.parent / (name.replace(".", "/") + ".py") for name in PLUG_INS if name.startswith("edition.")}
    assert len(modules) > 20 and plug_ins <= modules
    found = {module_name(p): used for p in sorted(modules) if (used := path_globals_used(p))}
    assert not found, f"these plug-ins take a folder from edition.paths; ask edition/sphinx/book/folders.py instead: {found}"


def test_the_path_globals_check_sees_every_form(tmp_path):
    """The check above is not fooled by the forms an import can take, nor by a comment."""
    cases = {"from edition.paths import LABEL, ROOT\n": ["edition.paths.ROOT"],
             "def f():\n    from edition.data import DATA_DIR\n": ["edition.data.DATA_DIR"],
             "import edition.paths\nx = edition.paths.CHAPTERS / 'a.md'\n": ["edition.paths.CHAPTERS"],
             "from edition import paths\n": ["edition.paths (the module)"],
             "# from edition.paths import ROOT\nfrom edition.paths import LABEL, NOTE_DEFINITION\n": []}
    for source, expected in cases.items():
        module = tmp_path / "m.py"
        module.write_text(source, encoding="utf-8")
        assert path_globals_used(module) == expected, source


# The Sphinx side's own packages: what a student's kernel (the classroom kit's requirements.txt) does not have.
SPHINX_FAMILY = ("docutils", "myst_nb", "myst_parser", "jupyter_book", "jupyter_sphinx", "pybtex")
# The front door drives the build: it checks the data with the plain side, then runs Sphinx
# (jupyter_book.sphinx) with the extension's plug-ins, so it stands on both sides.
BOTH_SIDES = {"edition.build"}


def plain_side() -> list[Path]:
    """The modules of the plain package: all of edition/ but sphinx/ and the front door."""
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "sphinx"
                  and module_name(p) not in BOTH_SIDES)


def is_sphinx_family(module: str) -> bool:
    top = module.split(".")[0]
    return top.startswith("sphinx") or top in SPHINX_FAMILY  # sphinx, sphinx_exercise, sphinxcontrib ...


def outside_imports(path: Path, package: Path = PACKAGE) -> list[str]:
    """Every module a file imports, by its absolute name, anywhere in the file (a function's own
    import too): `import a.b` gives a.b, `from a import b` gives a.b (b may be a module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's own package
                parts = module_name(path, package).split(".")
                parts = parts if path.name == "__init__.py" else parts[:-1]
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found += [f"{base}.{a.name}" for a in node.names]
    return found


def side_breaches(path: Path, package: Path = PACKAGE) -> list[str]:
    """What a module of the plain side imports that belongs to the Sphinx side: Sphinx, docutils,
    MyST-NB or any sphinx_* package, or the extension (edition.sphinx) itself."""
    return [m for m in outside_imports(path, package)
            if is_sphinx_family(m) or m == "edition.sphinx" or m.startswith("edition.sphinx.")]


def test_the_plain_side_imports_no_sphinx():
    """Outside edition/sphinx/ (and the front door, build.py, which runs Sphinx), no module imports
    Sphinx, docutils, MyST-NB or a sphinx_* package, nor the extension: the notebooks, the zips and
    the grader run without them. The folder name says which side a module is on."""
    plain = plain_side()
    assert len(plain) > 20
    found = {module_name(p): breach for p in plain if (breach := side_breaches(p))}
    assert not found, f"the plain side imports the Sphinx side; move the module under edition/sphinx/: {found}"


def test_the_sphinx_side_is_the_extension():
    """Every plug-in of the edition's that the extension registers lives under edition/sphinx/."""
    from edition.sphinx import PLUG_INS

    ours = [name for name in PLUG_INS if name.startswith("edition.")]
    assert ours and all(name.startswith("edition.sphinx.") for name in ours), ours


def test_the_side_check_sees_every_form(tmp_path):
    """The checks above are not fooled by the forms an import can take, nor by a comment."""
    (tmp_path / "edition" / "grade").mkdir(parents=True)
    module = tmp_path / "edition" / "grade" / "m.py"
    cases = {"import sphinx.util\n": ["sphinx.util"],
             "from docutils import nodes\n": ["docutils.nodes"],
             "def f():\n    import myst_nb\n": ["myst_nb"],
             "from sphinx_exercise import x\nimport sphinxcontrib.bibtex\n": ["sphinx_exercise.x", "sphinxcontrib.bibtex"],
             "from edition.sphinx.book import register\n": ["edition.sphinx.book.register"],
             "from edition import sphinx\n": ["edition.sphinx"],
             "from ..sphinx.web import cite\n": ["edition.sphinx.web.cite"],
             "# import sphinx\nimport pandas\n": [],
             "from edition.data import load\nimport edition.sphinxless\n": []}
    for source, expected in cases.items():
        module.write_text(source, encoding="utf-8")
        assert side_breaches(module, tmp_path / "edition") == expected, source


def test_the_plain_side_runs_without_sphinx():
    """The real thing: every module of the plain side imports in a Python where Sphinx, docutils,
    MyST-NB and every sphinx_* package cannot be imported (as in a student's kernel), and no module
    of the extension is loaded on the way."""
    import subprocess
    import sys

    plain = [module_name(p) for p in plain_side() if p.name != "__main__.py"]
    code = f"""
import importlib, importlib.abc, sys
class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top.startswith("sphinx") or top in {SPHINX_FAMILY!r}:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Blocked())
for name in {plain!r}:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.startswith("edition.sphinx") or m.split(".")[0] in {SPHINX_FAMILY!r})
assert not loaded, loaded
print(len({plain!r}))
"""
    run = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert int(run.stdout) == len(plain) > 20
