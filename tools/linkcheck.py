"""Every link of the built book (`make linkcheck`; the pages workflow runs it before publishing).

    python tools/linkcheck.py _build/html [--external]

- Internal links (a page's href or src that stays in the book: another page, a file, an anchor)
  must resolve: the file exists, and its #anchor is an id (or <a name>) on that page. Each one
  that does not is printed (page, link, what is missing) and the exit status is 1.
- External addresses (http, https) are listed, each with the pages that link it, in
  _build/links-external.txt. They are fetched only with --external, where the network allows
  (CI on GitHub; not this book's own build machines): a few at a time, each with a time limit.
  One that fails is reported, and fails the check only with --strict (other sites go down, and
  a book should still publish).

Standard library only.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINKING = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src", "iframe": "src",
           "source": "src", "video": "src", "audio": "src", "embed": "src", "object": "data"}
NOT_CHECKED = ("mailto:", "javascript:", "data:", "tel:", "blob:")
USER_AGENT = "linkcheck of a teaching edition (tools/linkcheck.py)"


class Page(HTMLParser):
    """One page's anchors (ids and <a name>) and links (tag, address)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        attr = LINKING.get(tag)
        if attr and attrs.get(attr) is not None:
            self.links.append((tag, attrs[attr].strip()))


def pages(root: Path) -> list[Path]:
    """The book's pages (not the theme's template fragments under _static/)."""
    return [p for p in sorted(root.rglob("*.html")) if "_static" not in p.relative_to(root).parts]


def read(path: Path, cache: dict) -> Page:
    if path not in cache:
        page = Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = page
    return cache[path]


def is_external(href: str) -> bool:
    return urlsplit(href).scheme in ("http", "https") or href.startswith("//")


def check(root: Path) -> tuple[list[str], dict[str, list[str]], int]:
    """(problems with internal links, {external address: [pages linking it]}, internal links checked)."""
    root = root.resolve()
    cache: dict[Path, Page] = {}
    problems, external, checked = [], {}, 0
    for path in pages(root):
        name = path.relative_to(root).as_posix()
        for _, href in read(path, cache).links:
            if not href or href.lower().startswith(NOT_CHECKED):
                continue
            if is_external(href):
                external.setdefault(href if not href.startswith("//") else "https:" + href, []).append(name)
                continue
            checked += 1
            parts = urlsplit(href)
            if parts.scheme:  # another scheme (file:, ftp:): not something a published book may link
                problems.append(f"{name}: {href}: a {parts.scheme}: address")
                continue
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if parts.path.startswith("/"):
                problems.append(f"{name}: {href}: an address from the site's root (breaks under a path)")
                continue
            if target.is_dir():
                target = target / "index.html"
            if root not in target.parents and target != root:
                problems.append(f"{name}: {href}: outside the book")
            elif not target.is_file():
                problems.append(f"{name}: {href}: no file {target.relative_to(root).as_posix()}")
            elif parts.fragment and target.suffix == ".html":
                anchor = unquote(parts.fragment)
                if anchor not in read(target, cache).ids:
                    problems.append(f"{name}: {href}: no #{anchor} in {target.relative_to(root).as_posix()}")
    return problems, external, checked


def fetch(url: str, timeout: float = 15) -> str | None:
    """None when the address answers (a redirect followed), else what went wrong."""
    for method in ("HEAD", "GET"):  # some servers refuse HEAD
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if response.status < 400:
                    return None
                error = f"HTTP {response.status}"
        except urllib.error.HTTPError as e:
            error = f"HTTP {e.code}"
            if e.code not in (403, 405, 501):
                return error
        except (urllib.error.URLError, OSError, ValueError) as e:
            return str(getattr(e, "reason", e))
    return error


def check_external(urls: list[str], workers: int = 4, timeout: float = 15) -> dict[str, str]:
    """{address: what went wrong} for those that did not answer."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = dict(zip(urls, pool.map(lambda u: fetch(u, timeout), urls)))
    return {url: error for url, error in results.items() if error}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the built book (_build/html)")
    parser.add_argument("--external", action="store_true", help="fetch the external addresses too (needs the network)")
    parser.add_argument("--strict", action="store_true", help="an external address that fails fails the check")
    parser.add_argument("--list", type=Path, help="where to list the external addresses (default: beside the book)")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        print(f"No book in {args.html}: run `make book` first.")
        return 1
    problems, external, checked = check(args.html)
    listing = args.list or args.html.parent / "links-external.txt"
    listing.write_text("".join(f"{url}\t{' '.join(sorted(set(where)))}\n" for url, where in sorted(external.items())),
                       encoding="utf-8")
    for problem in problems:
        print(problem)
    print(f"{len(pages(args.html))} pages, {checked} internal links: {len(problems)} that do not resolve; "
          f"{len(external)} external address(es), listed in {listing}.")
    failed = {}
    if args.external:
        failed = check_external(sorted(external))
        for url, error in sorted(failed.items()):
            print(f"external: {url}: {error} (linked from {', '.join(sorted(set(external[url]))[:3])})")
        print(f"External addresses checked: {len(external) - len(failed)} answer, {len(failed)} do not.")
    else:
        print("External addresses not fetched (--external, or make linkcheck EXTERNAL=1, where the network allows).")
    return 1 if problems or (args.strict and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
