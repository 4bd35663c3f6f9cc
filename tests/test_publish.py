"""Issue 28 on a built book: a scratch copy built with a public address, a GitHub repository, Colab
and a JupyterHub set carries the sitemap, canonical links, og:url, citations with the address, and
the Colab and nbgitpuller buttons opening the classroom kit published with it. (The book built
from _config.yml as it is, with no address, is checked in test_anchors.py.) Then `make publish`
of the built book to a local bare repository: its gh-pages branch opens the book."""
from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest

from fidelity import ROOT
from notebooks import build, copy_book

pytestmark = pytest.mark.book

BASE = "https://example.org/ward/"
REPO = "https://github.com/example/ward-edition"
HUB = "https://hub.example.edu"
COLAB = "https://colab.research.google.com"
NOTEBOOKS = ["chronology", "membership", "publications", "repression"]


def configure(book, **values) -> None:
    config = book / "_config.yml"
    text = config.read_text(encoding="utf-8")
    for key, value in values.items():
        text, n = re.subn(rf'^(\s+{key}:) ""', rf'\1 "{value}"', text, count=1, flags=re.M)
        assert n == 1, f"_config.yml has no empty {key}"
    config.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    book = copy_book(tmp_path_factory.mktemp("published") / "book")
    configure(book, baseurl=BASE, url=REPO, colab_url=COLAB, jupyterhub_url=HUB)
    build(book)
    return book / "_build" / "html"


def test_sitemap_lists_every_page_of_the_book_at_the_address(published):
    root = ET.parse(published / "sitemap.xml").getroot()
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = sorted(p.relative_to(published).as_posix() for p in (published / "chapters").glob("*.html"))
    assert sorted(locs) == [BASE + p for p in pages]
    assert locs[0] == BASE + "chapters/index.html"
    assert not (published / "robots.txt").exists() and not (published / "CNAME").exists()  # not a host's root


def test_every_page_has_its_canonical_address(published):
    for page in sorted((published / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        url = f"{BASE}chapters/{page.name}"
        assert re.findall(r'<link rel="canonical" href="([^"]*)"', text) == [url], page.name
        assert re.findall(r'<meta property="og:url" content="([^"]*)"', text) == [url], page.name
        assert f'<meta name="citation_public_url" content="{url}"' in text


def test_citations_carry_the_public_address(published):
    items = json.loads((published / "_static/citations/ward-paragraphs.json").read_text(encoding="utf-8"))
    assert all(i["URL"].startswith(BASE + "chapters/") and i["URL"].endswith("#" + i["id"][5:]) for i in items)
    page = (published / "chapters/workers-group.html").read_text(encoding="utf-8")
    data = json.loads(unescape(re.search(r'id="edition-citations">(.*?)</script>', page, re.S).group(1)))
    assert data["base"] == BASE + "chapters/workers-group.html"
    assert data["placeholder"] in data["labels"]["wg-4"]["apa"]  # previews.js puts base#wg-4 there


def test_a_paragraph_preview_cites_the_public_address_not_the_readers(published):
    from browser import CHROMIUM, browser

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    with browser() as b:
        page = b.new_page()
        page.goto((published / "chapters/workers-group.html").as_uri())
        page.wait_for_load_state("load")
        page.locator("a.para-label[href='#wg-4']").focus()
        text = page.locator("#edition-preview").inner_text()
    assert text.count(f"{BASE}chapters/workers-group.html#wg-4") == 3, text  # Chicago, MLA, APA
    assert "file:" not in text


def buttons(page: str) -> dict[str, str]:
    group = re.search(r'dropdown-launch-buttons.*?</ul>', page, re.S)
    assert group, "no launch buttons"
    return {unescape(text).strip(): unescape(href) for href, text in
            re.findall(r'<a href="([^"]+)"[^>]*>.*?<span class="btn__text-container">([^<]+)</span>', group.group(0), re.S)}


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_pages_launch_on_binder_colab_and_the_hub(published, notebook):
    links = buttons((published / "chapters" / f"{notebook}.html").read_text(encoding="utf-8"))
    assert list(links) == ["Binder", "Colab", "JupyterHub"]
    assert links["Binder"].startswith("https://mybinder.org/v2/gh/example/ward-edition/main?")
    assert links["Colab"] == f"{COLAB}/github/example/ward-edition/blob/gh-pages/classroom/{notebook}.ipynb"
    hub = urlsplit(links["JupyterHub"])
    assert f"{hub.scheme}://{hub.netloc}{hub.path}" == f"{HUB}/hub/user-redirect/git-pull"
    assert parse_qs(hub.query) == {"repo": [REPO], "branch": ["gh-pages"],
                                   "urlpath": [f"lab/tree/ward-edition/classroom/{notebook}.ipynb"]}
    # what the links open is in the published book, at that path
    assert (published / "classroom" / f"{notebook}.ipynb").is_file()


def test_pages_that_are_not_notebooks_have_no_launch_buttons(published):
    assert "dropdown-launch-buttons" not in (published / "chapters/workers-group.html").read_text(encoding="utf-8")


def test_the_kit_is_the_downloads_with_a_colab_cell_first(published):
    import zipfile

    kit = published / "classroom"
    assert {"HOWTO.md", "requirements.txt", "data", "edition", "chapters"} <= {p.name for p in kit.iterdir()}
    for notebook in NOTEBOOKS:
        ours = nbformat.read(kit / f"{notebook}.ipynb", as_version=4)
        with zipfile.ZipFile(published / "_sources/chapters" / f"{notebook}.zip") as z:
            download = nbformat.reads(z.read(f"{notebook}/{notebook}.ipynb").decode(), as_version=4)
            shared = {n.split("/", 1)[1]: z.read(n) for n in z.namelist() if n.startswith(f"{notebook}/data/")}
        assert ours.cells[1:] == download.cells
        assert "google.colab" in ours.cells[0].source
        assert f"{BASE}_sources/chapters/{notebook}.zip" in ours.cells[0].source
        assert all((kit / name).read_bytes() == content for name, content in shared.items())
    assert not any("{solution" in p.read_text(encoding="utf-8") for p in kit.rglob("*.ipynb"))


# --- make publish: the built book to a gh-pages branch (ghp-import) ----------------------------------
def publish(remote, local_git, *, env_extra=None):
    """`make publish REMOTE=remote` from the repository, ghp-import's commit made in a scratch
    repository (GIT_DIR) so that the real one gets no gh-pages branch."""
    env = {**os.environ, "GIT_DIR": str(local_git), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost", **(env_extra or {})}
    env.pop("MAKEFLAGS", None)
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "publish", f"REMOTE={remote}"],
                          env=env, capture_output=True, text=True, timeout=600)


def git(bare, *args) -> str:
    return subprocess.run(["git", "--git-dir", str(bare), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pages_branch(tmp_path_factory, html_dir):
    tmp = tmp_path_factory.mktemp("publish")
    bare = tmp / "site; touch published-pwned.git"  # a path that a shell string would run
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    local = tmp / "local"
    subprocess.run(["git", "init", "--quiet", str(local)], check=True)
    first = publish(bare, local / ".git")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Published _build/html to the gh-pages branch" in first.stdout
    return tmp, bare, local


def test_publish_makes_a_gh_pages_branch_holding_the_built_book(pages_branch, html_dir):
    tmp, bare, _ = pages_branch
    assert not list(tmp.glob("published-pwned*")) and not (ROOT / "published-pwned.git").exists()
    files = set(git(bare, "ls-tree", "-r", "--name-only", "gh-pages").split("\n")) - {""}
    built = {p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*") if p.is_file()}
    assert files == built | {".nojekyll"}
    assert git(bare, "show", "gh-pages:index.html") == (html_dir / "index.html").read_text(encoding="utf-8")


def test_the_branch_index_opens_the_book(pages_branch):
    from browser import CHROMIUM, browser

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    tmp, bare, _ = pages_branch
    site = tmp / "checkout"
    site.mkdir()
    archive = subprocess.run(["git", "--git-dir", str(bare), "archive", "gh-pages"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(site)], input=archive.stdout, check=True)
    with browser() as b:
        page = b.new_page()
        page.goto((site / "index.html").as_uri())
        page.wait_for_url("**/chapters/index.html")
        page.wait_for_load_state("load")
        title, heading = page.title(), page.locator("main h1").first.inner_text()
    assert "The Communist Left in Russia" in title and heading.strip()


def test_publishing_again_adds_a_commit_on_top_even_from_a_fresh_clone(pages_branch):
    tmp, bare, _ = pages_branch
    before = git(bare, "rev-parse", "gh-pages").strip()
    fresh = tmp / "fresh"  # a new clone has no local gh-pages: make publish fetches it first
    subprocess.run(["git", "init", "--quiet", str(fresh)], check=True)
    again = publish(bare, fresh / ".git")
    assert again.returncode == 0, again.stdout + again.stderr
    assert git(bare, "rev-parse", "gh-pages^").strip() == before  # nbgitpuller's clones pull on


def test_publish_needs_a_remote_and_refuses_an_option(tmp_path):
    local = tmp_path / "local"
    subprocess.run(["git", "init", "--quiet", str(local)], check=True)
    none = publish("", local / ".git")
    assert none.returncode != 0 and "make publish REMOTE=origin" in none.stdout
    option = publish("--receive-pack=touch pwned", local / ".git")
    assert option.returncode != 0 and "cannot start with '-'" in option.stdout
