"""Counts Wikipedia sources in data/sources.csv, and those cited through a mirror (a copy of Wikipedia on
another host) rather than the article's own address. Usage: python tools/count_sources.py [sources.csv]"""
import csv
import sys
from urllib.parse import urlparse


def is_wikipedia(row: dict) -> bool:
    text = " ".join((row["author"], row["title"], row["container"], row["reliability"]))
    return "Wikipedia" in text or "Infogalactic" in text


def is_mirror(row: dict) -> bool:
    host = urlparse(row["url"]).hostname or ""
    return not host.rstrip(".").endswith("wikipedia.org")


def main(path: str = "data/sources.csv") -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    wiki = [r for r in rows if is_wikipedia(r)]
    mirrors = [r for r in wiki if is_mirror(r)]
    print(f"sources {len(rows)}, Wikipedia {len(wiki)}, through a mirror or copy {len(mirrors)}")
    for r in mirrors:
        print(f"  {r['source_id']}: {r['url']}")


if __name__ == "__main__":
    main(*sys.argv[1:])
