"""Issue 28's pure functions, no book build: the one public address (edition/sphinx/web/address.py) and
what claims it (citations, sitemap, robots.txt, CNAME, OpenGraph), the release metadata, and the
Colab and JupyterHub (nbgitpuller) launch links and the kit they open (edition/sphinx/classroom/launch.py)."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from urllib.parse import parse_qs, urlsplit

import nbformat

import pytest
import yaml
from docutils import nodes

from edition.sphinx.classroom import launch
from edition.sphinx.web import address, cite
from fidelity import ROOT

# The book's essay facts (author, title, year), as the plug-ins give them to the citation writers.
ESSAY = cite.essay_source(ROOT / "data", ROOT / "CITATION.cff")

pytestmark = pytest.mark.check

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.parametrize("value, base", [
    ("", ""), (None, ""), ("   ", ""),
    ("https://example.org/ward", "https://example.org/ward/"),
    ("https://example.org/ward/", "https://example.org/ward/"),
    (" https://owner.github.io/book/ ", "https://owner.github.io/book/"),
])
def test_the_address_is_empty_or_ends_in_a_slash(value, base):
    assert address.base_url(value) == base
    assert address.page_url(base, "chapters/index") == (f"{base}chapters/index.html" if base else "")


def test_sitemap_lists_each_page_at_the_address_in_order():
    text = address.sitemap("https://example.org/ward/", ["chapters/index", "chapters/workers-group", "a&b"])
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SITEMAP_NS}urlset"
    locs = [loc.text for loc in root.iter(f"{SITEMAP_NS}loc")]
    assert locs == ["https://example.org/ward/chapters/index.html",
                    "https://example.org/ward/chapters/workers-group.html", "https://example.org/ward/a&b.html"]
    assert "a&amp;b" in text  # escaped as XML
    assert address.sitemap("https://example.org/", ["x"]) == address.sitemap("https://example.org/", ["x"])


@pytest.mark.parametrize("base, robots, cname", [
    ("https://owner.github.io/book/", None, None),           # a project site: robots.txt would not be read there
    ("https://owner.github.io/", True, None),               # GitHub's own domain needs no CNAME
    ("https://ward.example.org/", True, "ward.example.org\n"),
    ("https://example.org/ward/", None, None),               # under a path of another site: no CNAME of ours
])
def test_robots_and_cname_only_at_the_root_of_a_host(base, robots, cname):
    text = address.robots(base)
    if robots:
        assert text.splitlines() == ["User-agent: *", "Allow: /", f"Sitemap: {base}sitemap.xml"]
    else:
        assert text is None
    assert address.cname(base) == cname


def test_opengraph_claims_an_address_only_when_there_is_one():
    without = dict(address.opengraph(title="2. The <em>Workers'</em> Group", description_text="Words.", url="",
                                     front=False))
    assert without == {"og:title": "2. The Workers' Group", "og:type": "article", "og:site_name": address.SITE_NAME,
                       "og:locale": "en_GB", "og:description": "Words."}
    url = "https://example.org/ward/chapters/index.html"
    with_url = dict(address.opengraph(title="T", description_text="", url=url, front=True))
    assert with_url["og:url"] == url and with_url["og:type"] == "website" and "og:description" not in with_url


def test_description_is_the_first_paragraph_of_the_page_itself_without_its_label():
    doc = nodes.document(None, None)
    section = nodes.section()
    box = nodes.admonition("", nodes.paragraph("", "After this section you should be able to say more than this."))
    section += [nodes.title("", "1. The Workers' Truth"), box, nodes.paragraph("", "Short."),
                nodes.paragraph("", "wt-1The Workers' Truth group was formed in the autumn of 1921. " + "More. " * 60)]
    doc += section
    text = address.description(doc)
    assert text.startswith("The Workers' Truth group was formed")
    assert text.endswith(" …") and len(text) <= address.DESCRIPTION_CHARS + 2
    assert address.description(None) == ""


def test_citations_without_an_address_carry_no_url():
    for text in cite.formatted("wg-4", ESSAY, "").values():
        assert "http" not in text and "file:" not in text and cite.PLACEHOLDER not in text
        assert "wg-4" in text and "Ward" in text
    assert "URL" not in cite.csl_item("wg-4", "", ESSAY)
    assert cite.csl_item("wg-4", "https://example.org/x.html#wg-4", ESSAY)["URL"] == "https://example.org/x.html#wg-4"


def test_citation_files_without_an_address_have_no_url(tmp_path):
    bib, ris, csl = cite.write_files(tmp_path, "", ROOT / "chapters", ESSAY)
    assert "url = " not in bib.read_text(encoding="utf-8")
    assert "UR  - " not in ris.read_text(encoding="utf-8")
    assert not [item for item in json.loads(csl.read_text(encoding="utf-8")) if "URL" in item]
    assert bib.read_text(encoding="utf-8").count("@incollection{") == ris.read_text(encoding="utf-8").count("ER  - ")


def test_release_metadata_agrees_between_citation_cff_and_zenodo():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(cff["version"]))
    assert str(cff["version"]) == zenodo["version"]
    assert str(cff["date-released"]) == zenodo["publication_date"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", zenodo["publication_date"])
    assert cff["title"] == zenodo["title"]
    assert cff["license"].lower() == zenodo["license"]
    assert [a["name"] for a in cff["authors"]] == [c["name"] for c in zenodo["creators"]]
    assert cff["keywords"] == zenodo["keywords"]
    assert zenodo["upload_type"] in {"dataset", "publication", "software", "other"}


# --- launch buttons (edition/sphinx/classroom/launch.py) ------------------------------------------------------
REPO = "https://github.com/example/ward-edition"


@pytest.mark.parametrize("url, parts", [
    (REPO, ("example", "ward-edition")), (REPO + "/", ("example", "ward-edition")),
    (REPO + ".git", ("example", "ward-edition")), ("https://gitlab.com/example/ward", None),
    ("https://github.com/example", None), ("", None), (None, None),
])
def test_github_repository(url, parts):
    assert launch.github_repository(url) == parts


def test_nbgitpuller_link_pulls_the_published_branch_and_opens_the_notebook():
    url = launch.nbgitpuller_url("https://hub.example.edu/", REPO, "classroom/chronology.ipynb")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    assert parse_qs(parts.query) == {"repo": [REPO], "branch": ["gh-pages"],
                                     "urlpath": ["lab/tree/ward-edition/classroom/chronology.ipynb"]}
    classic = launch.nbgitpuller_url("https://hub.example.edu", REPO, "classroom/x.ipynb", interface="classic")
    assert parse_qs(urlsplit(classic).query)["urlpath"] == ["tree/ward-edition/classroom/x.ipynb"]


def test_colab_link_opens_the_notebook_on_the_published_branch():
    assert launch.colab_url("https://colab.research.google.com/", REPO, "classroom/membership.ipynb") == \
        "https://colab.research.google.com/github/example/ward-edition/blob/gh-pages/classroom/membership.ipynb"


def test_each_button_only_when_its_address_and_a_github_repository_are_set():
    hub, colab = {"jupyterhub_url": "https://hub.example.edu"}, {"colab_url": "https://colab.research.google.com"}
    path = "classroom/chronology.ipynb"
    assert launch.launch_links({}, REPO, path) == []
    assert launch.launch_links({"jupyterhub_url": "", "colab_url": "  "}, REPO, path) == []
    assert launch.launch_links({**hub, **colab}, "", path) == []
    assert launch.launch_links({**hub, **colab}, "https://gitlab.com/example/ward", path) == []
    assert [b["text"] for b in launch.launch_links(hub, REPO, path)] == ["JupyterHub"]
    assert [b["text"] for b in launch.launch_links(colab, REPO, path)] == ["Colab"]
    both = launch.launch_links({**hub, **colab, "notebook_interface": "jupyterlab"}, REPO, path)
    assert [b["text"] for b in both] == ["Colab", "JupyterHub"]
    assert "urlpath=lab/tree/ward-edition/classroom/chronology.ipynb" in both[1]["url"]


def test_colab_cell_fetches_the_download_in_colab_only(tmp_path):
    zip_url = launch.kit_zip_url("chronology", REPO, "https://example.org/ward/")
    assert zip_url == "https://example.org/ward/_sources/chapters/chronology.zip"
    assert launch.kit_zip_url("chronology", REPO, "") == \
        "https://raw.githubusercontent.com/example/ward-edition/gh-pages/_sources/chapters/chronology.zip"
    cell = launch.colab_cell("chronology", zip_url)
    compile(cell, "cell", "exec")
    assert f'urlopen("{zip_url}")' in cell and 'os.chdir("/content/chronology")' in cell
    # outside Colab: nothing fetched, no folder changed
    run = subprocess.run([sys.executable, "-c", cell + "\nimport os; print(os.getcwd())"], cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    assert run.stdout.strip() == str(tmp_path) and not list(tmp_path.iterdir())


def test_the_kit_unpacks_every_download_into_one_folder():
    def zipped(notebook, shared=b"same"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr(f"{notebook}/", b"")
            z.writestr(f"{notebook}/{notebook}.ipynb", nbformat.writes(nbformat.v4.new_notebook(
                cells=[nbformat.v4.new_markdown_cell("# Title")])))
            z.writestr(f"{notebook}/data/events.csv", shared)
        return buffer.getvalue()

    files = launch.kit_files({"a": zipped("a"), "b": zipped("b")}, {"b": "print('colab')\n"})
    assert sorted(files) == ["a.ipynb", "b.ipynb", "data/events.csv"]
    a, b = (nbformat.reads(files[f"{n}.ipynb"].decode(), as_version=4) for n in "ab")
    assert [c.cell_type for c in a.cells] == ["markdown"]
    assert [c.cell_type for c in b.cells] == ["code", "markdown"] and b.cells[0].source == "print('colab')\n"
    nbformat.validate(b)


# --- the link check (tools/linkcheck.py) ----------------------------------------------------------------
sys.path.insert(0, str(ROOT / "tools"))
import linkcheck  # noqa: E402


def site(tmp_path):
    root = tmp_path / "html"
    (root / "chapters" / "sub").mkdir(parents=True)
    (root / "_static").mkdir()
    (root / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=chapters/a.html" />', encoding="utf-8")
    (root / "chapters" / "a.html").write_text(
        '<h1 id="top">A</h1><a name="old"></a>'
        '<a href="b.html#here">ok</a> <a href="#top">ok</a> <a href="#old">ok</a> <a href="sub/">ok</a>'
        '<a href="b.html#nowhere">bad anchor</a> <a href="c.html">no file</a> <a href="/root.html">root</a>'
        '<a href="../../outside.html">outside</a> <a href="file:///etc/passwd">file</a>'
        '<a href="mailto:x@example.org">skip</a> <a href="https://example.org/x">external</a>'
        '<img src="../_static/pic%20one.png"> <a href="b.html#caf%C3%A9">encoded</a>', encoding="utf-8")
    (root / "chapters" / "b.html").write_text('<p id="here">B</p><p id="café"></p><a href="//example.org/x">ext</a>',
                                              encoding="utf-8")
    (root / "chapters" / "sub" / "index.html").write_text("<p>sub</p>", encoding="utf-8")
    (root / "_static" / "pic one.png").write_bytes(b"")
    (root / "_static" / "fragment.html").write_text('<a href="nowhere.html">a theme template</a>', encoding="utf-8")
    return root


def test_linkcheck_names_each_link_that_does_not_resolve(tmp_path):
    problems, external, checked = linkcheck.check(site(tmp_path))
    assert [p.split(": ", 2)[1] for p in problems] == [
        "b.html#nowhere", "c.html", "/root.html", "../../outside.html", "file:///etc/passwd"]
    assert "no #nowhere in chapters/b.html" in problems[0] and "no file chapters/c.html" in problems[1]
    assert external == {"https://example.org/x": ["chapters/a.html", "chapters/b.html"]}
    assert checked == 11


def test_linkcheck_exit_status_and_listing(tmp_path):
    root = site(tmp_path)
    assert linkcheck.main([str(root)]) == 1
    assert (tmp_path / "links-external.txt").read_text() == "https://example.org/x\tchapters/a.html chapters/b.html\n"
    (root / "chapters" / "a.html").write_text('<a href="b.html#here">ok</a>', encoding="utf-8")
    assert linkcheck.main([str(root)]) == 0
    assert linkcheck.main([str(tmp_path / "nothing")]) == 1


def test_linkcheck_fetches_external_addresses_only_when_asked(tmp_path):
    """Against a server on this machine: 200, 404, and one that refuses HEAD but answers GET."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, head: bool):
            code = {"/ok": 200, "/gone": 404, "/get-only": 405 if head else 200}.get(self.path, 404)
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_HEAD(self):
            self.answer(True)

        def do_GET(self):
            self.answer(False)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        failed = linkcheck.check_external([f"{base}/ok", f"{base}/gone", f"{base}/get-only"], timeout=5)
        assert failed == {f"{base}/gone": "HTTP 404"}
        root = tmp_path / "html"
        (root / "chapters").mkdir(parents=True)
        (root / "index.html").write_text(f'<a href="{base}/gone">x</a>', encoding="utf-8")
        assert linkcheck.main([str(root), "--external"]) == 0  # another site's fault: reported
        assert linkcheck.main([str(root), "--external", "--strict"]) == 1
    finally:
        server.shutdown()
        server.server_close()
