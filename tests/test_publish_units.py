"""Issue 28's pure functions, no book build: the one public address (edition/web/address.py) and
what claims it (citations, sitemap, robots.txt, CNAME, OpenGraph), and the release metadata."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import yaml
from docutils import nodes

from edition.web import address, cite
from fidelity import ROOT

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
    for text in cite.formatted("wg-4", "").values():
        assert "http" not in text and "file:" not in text and cite.PLACEHOLDER not in text
        assert "wg-4" in text and "Ward" in text
    assert "URL" not in cite.csl_item("wg-4", "")
    assert cite.csl_item("wg-4", "https://example.org/x.html#wg-4")["URL"] == "https://example.org/x.html#wg-4"


def test_citation_files_without_an_address_have_no_url(tmp_path):
    bib, ris, csl = cite.write_files(tmp_path, "")
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
