"""The package's layout shows its architecture: layers (edition/__init__.py), no import loops, no
import from a lower layer to a higher one, no private name imported from another module."""
import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.check

PACKAGE = Path(__file__).resolve().parents[1] / "edition"
# edition/__init__.py's list: a module may import its own layer or a lower number.
LAYERS = {
    "edition.paths": 1,
    "edition.essay": 2, "edition.readlog": 2, "edition.derived": 2,
    "edition.data": 3, "edition.checks": 3, "edition.charts": 3, "edition.maps": 3,
    "edition.book": 4,
    "edition.web": 5, "edition.print": 5, "edition.classroom": 5, "edition.grade": 5,
    "edition.build": 6,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
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
            for n in names:  # "from edition.book import figures": the module edition.book.figures
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
    assert config["sphinx"]["extra_extensions"] == ["edition"]


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
    """The Sphinx side (the plug-ins of edition/__init__.py's PLUG_INS, and all of book/, web/, print/)
    reads its folders from the build's settings (edition/book/folders.py: app.srcdir and
    edition_data_dir ...), so a test can build a small book of its own (tests/roots/)."""
    from edition import PLUG_INS

    modules = {p for folder in ("book", "web", "print") for p in (PACKAGE / folder).rglob("*.py")}
    modules |= {PACKAGE.parent / (name.replace(".", "/") + ".py") for name in PLUG_INS if name.startswith("edition.")}
    assert len(modules) > 20 and all(p.is_file() for p in modules)
    found = {module_name(p): used for p in sorted(modules) if (used := path_globals_used(p))}
    assert not found, f"these plug-ins take a folder from edition.paths; ask edition/book/folders.py instead: {found}"


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
