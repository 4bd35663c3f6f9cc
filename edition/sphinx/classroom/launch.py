"""Sphinx plug-in: the notebook pages' Colab and JupyterHub launch buttons, each only where configured.

In `_config.yml`, beside Binder's `binderhub_url` (which the theme's own button uses, see
edition/sphinx/classroom/teaching.py):

    repository:
      url: https://github.com/<owner>/<name>        # every launch button needs it
    launch_buttons:
      colab_url: https://colab.research.google.com   # "" (or absent): no Colab button
      jupyterhub_url: https://hub.example.edu        # "" (or absent): no JupyterHub button

Both open the students' notebook (no solutions) as the book publishes it: `make publish` and the
deployment workflow put the book on the repository's `gh-pages` branch, and a book with either
button carries the classroom kit unpacked in `classroom/` (the four notebooks beside `data/` and
`edition/`, as in the classroom zip; written here from the notebook downloads).

- JupyterHub: an nbgitpuller link (`<hub>/hub/user-redirect/git-pull?repo=...&branch=gh-pages&
  urlpath=lab/tree/<name>/classroom/<notebook>.ipynb`): the hub clones the branch into the
  student's home (or pulls it again, keeping the student's edits) and opens the notebook beside
  the data. The hub needs nbgitpuller and the packages in binder/ (repo2docker builds its image
  from that folder); the teacher's guide says so.
- Colab: `<colab>/github/<owner>/<name>/blob/gh-pages/classroom/<notebook>.ipynb`. Colab opens the
  notebook alone, so a Colab book's notebooks start with a cell that, in Colab only, fetches the
  notebook's download (its zip: data and helpers, from the public address, or from the branch when
  none is set) and works beside it; anywhere else that cell does nothing.

The theme's own Colab and JupyterHub buttons would open the MyST source (`chapters/<page>.md`,
solutions included), which neither runs as a notebook; this plug-in takes their settings.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlencode

from sphinx.application import Sphinx

from edition.sphinx.book import register
from edition.sphinx.book.editions import edition_of

PAGES_BRANCH = "gh-pages"  # where `make publish` and the deployment workflow put the book
KIT = "classroom"          # the classroom kit, unpacked, in the published book
INTERFACES = {"classic": "tree", "jupyterlab": "lab/tree"}
OURS = ("colab_url", "jupyterhub_url")


def github_repository(url: str) -> tuple[str, str] | None:
    """(owner, name) of a GitHub repository's address, None for any other."""
    url = (url or "").strip().rstrip("/")
    if url.endswith(".git"):
        url = url[:-4]
    for prefix in ("https://github.com/", "http://github.com/"):
        if url.startswith(prefix):
            parts = url[len(prefix):].split("/")
            if len(parts) == 2 and all(parts):
                return parts[0], parts[1]
    return None


def nbgitpuller_url(hub: str, repository: str, path: str, *, branch: str = PAGES_BRANCH,
                    interface: str = "jupyterlab") -> str:
    """nbgitpuller's link: the hub clones `repository` (its `branch`) into a folder of the
    repository's name and opens `path` in it with the interface asked for."""
    _, name = github_repository(repository) or ("", repository.rstrip("/").rsplit("/", 1)[-1])
    query = urlencode({"repo": repository.rstrip("/"), "branch": branch,
                       "urlpath": f"{INTERFACES[interface]}/{name}/{path}"}, safe="/")
    return f"{hub.strip().rstrip('/')}/hub/user-redirect/git-pull?{query}"


def colab_url(colab: str, repository: str, path: str, *, branch: str = PAGES_BRANCH) -> str:
    """Colab's link to a notebook in a GitHub repository's branch."""
    owner, name = github_repository(repository)
    return f"{colab.strip().rstrip('/')}/github/{owner}/{name}/blob/{branch}/{path}"


def kit_zip_url(notebook: str, repository: str, base: str) -> str:
    """Where Colab fetches a notebook's download from: the public address, else the published branch."""
    if base:
        return f"{base}_sources/chapters/{notebook}.zip"
    owner, name = github_repository(repository)
    return f"https://raw.githubusercontent.com/{owner}/{name}/{PAGES_BRANCH}/_sources/chapters/{notebook}.zip"


def colab_cell(notebook: str, zip_url: str) -> str:
    """The first code cell of a notebook opened in Colab: fetch the notebook's download and work
    beside it (its data, helpers and the packages it pins). Outside Colab it does nothing."""
    return (
        "# In Google Colab only: fetch this notebook's data and helpers (the book's download of it),\n"
        "# install the packages it needs, and work beside them. Elsewhere this cell does nothing.\n"
        "import sys\n"
        "if \"google.colab\" in sys.modules:\n"
        "    import io, os, subprocess, urllib.request, zipfile\n"
        f"    with urllib.request.urlopen({json.dumps(zip_url)}) as response:\n"
        "        zipfile.ZipFile(io.BytesIO(response.read())).extractall(\"/content\")\n"
        f"    os.chdir({json.dumps('/content/' + notebook)})\n"
        "    sys.path.insert(0, os.getcwd())\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", \"-r\", \"requirements.txt\"], check=True)\n")


def launch_links(options: dict, repository: str, path: str) -> list[dict]:
    """The Colab and JupyterHub buttons of one notebook (`path` in the published book), as the theme
    draws header buttons; none without a GitHub repository, each only when its address is set."""
    if github_repository(repository) is None:
        return []
    interface = options.get("notebook_interface") or "classic"
    buttons = []
    if (options.get("colab_url") or "").strip():
        buttons.append({"type": "link", "text": "Colab", "tooltip": "Launch on Colab",
                        "icon": "_static/images/logo_colab.png", "url": colab_url(options["colab_url"], repository, path)})
    if (options.get("jupyterhub_url") or "").strip():
        buttons.append({"type": "link", "text": "JupyterHub", "tooltip": "Launch on JupyterHub",
                        "icon": "_static/images/logo_jupyterhub.svg",
                        "url": nbgitpuller_url(options["jupyterhub_url"], repository, path, interface=interface)})
    return buttons


def _settings(app: Sphinx) -> tuple[dict, str]:
    return getattr(app, "_edition_launch", ({}, ""))


def _take_settings(app: Sphinx, config) -> None:
    """Colab's and JupyterHub's settings are this plug-in's: the theme gets neither."""
    from edition.sphinx.classroom.teaching import JB_DEFAULT_REPOSITORY

    theme = config.html_theme_options
    options = dict(theme.get("launch_buttons") or {})
    repository = (theme.get("repository_url") or "").strip()
    if repository.rstrip("/") == JB_DEFAULT_REPOSITORY:  # what Jupyter Book puts there when none is set
        repository = ""
    if options:
        theme["launch_buttons"] = {k: v for k, v in options.items() if k not in OURS}
    app._edition_launch = (options, repository)


def wanted(app: Sphinx) -> bool:
    options, repository = _settings(app)
    return bool(launch_links(options, repository, "x.ipynb"))


def _buttons(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if edition_of(app) != "html" or doctree is None:
        return
    from edition.sphinx.book.freshness import notebook_pages

    if pagename not in notebook_pages(app):
        return
    options, repository = _settings(app)
    buttons = launch_links(options, repository, f"{KIT}/{Path(pagename).name}.ipynb")
    if not buttons:
        return
    groups = context.setdefault("header_buttons", [])
    group = next((g for g in groups if isinstance(g, dict) and g.get("label") == "launch-buttons"), None)
    if group is None:
        group = {"type": "group", "tooltip": "Launch interactive content", "icon": "fas fa-rocket",
                 "buttons": [], "label": "launch-buttons"}
        groups.append(group)
    group["buttons"] = group["buttons"] + buttons


def kit_files(zips: dict[str, bytes], cell: dict[str, str]) -> dict[str, bytes]:
    """The classroom kit as files: every notebook's download unpacked into one folder (the data and
    helpers they share are the same bytes in each), each notebook starting with `cell[notebook]`
    when there is one."""
    files: dict[str, bytes] = {}
    for notebook, data in sorted(zips.items()):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if name.endswith("/"):
                    continue
                inner = name.split("/", 1)[1]
                content = z.read(name)
                if inner == f"{notebook}.ipynb" and cell.get(notebook):
                    content = _with_first_cell(content, cell[notebook])
                files[inner] = content
    return files


def _with_first_cell(ipynb: bytes, source: str) -> bytes:
    import nbformat

    nb = nbformat.reads(ipynb.decode("utf-8"), as_version=4)
    first = nbformat.v4.new_code_cell(source)
    first.id = "colab-setup"
    nb.cells.insert(0, first)
    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _kit(app: Sphinx, exception) -> None:
    """classroom/ in the published book when a Colab or JupyterHub button opens it; none otherwise."""
    if exception is not None or edition_of(app) != "html":
        return
    import shutil

    from edition.sphinx.book.freshness import notebook_pages
    from edition.derived import write_atomic
    from edition.sphinx.web.address import base_url

    folder = Path(app.outdir) / KIT
    if not wanted(app):
        shutil.rmtree(folder, ignore_errors=True)
        return
    options, repository = _settings(app)
    base = base_url(app.config.html_baseurl)
    zips, cells = {}, {}
    for docname in notebook_pages(app):
        notebook = Path(docname).name
        zips[notebook] = (Path(app.outdir) / "_sources" / f"{docname}.zip").read_bytes()
        if (options.get("colab_url") or "").strip():
            cells[notebook] = colab_cell(notebook, kit_zip_url(notebook, repository, base))
    files = kit_files(zips, cells)
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, content)
    for old in sorted(folder.rglob("*"), reverse=True):  # files a kit no longer has
        if old.is_file() and old.relative_to(folder).as_posix() not in files:
            old.unlink()


def setup(app: Sphinx) -> dict:
    return register(app, events=[("config-inited", _take_settings, 400),  # before the theme's buttons are made
                                 ("html-page-context", _buttons, 650),      # after the theme's (Binder) buttons
                                 ("build-finished", _kit, 650)])            # after the notebook downloads
