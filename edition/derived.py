"""Files the build derives from others (student notebooks, references.bib, ...): written only when
their inputs changed, and atomically.

    from edition.derived import fingerprint, refresh
    refresh(target, fingerprint(source, Path("data/sources.csv"), "v2"), lambda: make_bytes(), record)

`fingerprint()` hashes the inputs' contents (files, or strings such as a version). `refresh()`
skips the work when the record says `target` was made from the same inputs and `target` still holds
what was written then; otherwise it makes the content, writes it beside the target and renames it
into place (a reader sees the old file or the new, never half), and leaves an unchanged file
untouched (same bytes: no write, its time stays). The record is a JSON file of
{target: [inputs hash, content hash]}, kept with the build's state, not in the output.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Iterable


def fingerprint(*inputs: Path | str | bytes | Iterable) -> str:
    """One hash of the inputs: a Path by its name and content ("missing" if absent), a str or
    bytes as itself, and an iterable of these in order."""
    h = hashlib.sha256()

    def add(item) -> None:
        if isinstance(item, Path):
            h.update(b"file\0" + item.name.encode() + b"\0")
            try:
                h.update(hashlib.sha256(item.read_bytes()).digest())
            except OSError:
                h.update(b"missing")
        elif isinstance(item, bytes):
            h.update(b"bytes\0" + hashlib.sha256(item).digest())
        elif isinstance(item, str):
            h.update(b"str\0" + hashlib.sha256(item.encode()).digest())
        else:
            for part in item:
                add(part)
        h.update(b"\1")

    for item in inputs:
        add(item)
    return h.hexdigest()


def write_atomic(target: Path, content: bytes) -> bool:
    """Write `content` to `target` through a temporary file and a rename; False (and no write)
    when the file already holds exactly that."""
    try:
        if target.stat().st_size == len(content) and target.read_bytes() == content:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return True


class Record:
    """{target: [inputs hash, content hash]} in one JSON file, saved atomically."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self.changed = False

    def save(self) -> None:
        if self.changed:
            write_atomic(self.path, json.dumps(self.entries, indent=1, sort_keys=True).encode())
            self.changed = False


def _content_hash(target: Path) -> str | None:
    try:
        return hashlib.sha256(target.read_bytes()).hexdigest()
    except OSError:
        return None


def refresh(target: Path, inputs: str, make: Callable[[], bytes], record: Record) -> bool:
    """Bring `target` up to date with `inputs` (a fingerprint); True if it was (re)written."""
    key = str(target)
    known = record.entries.get(key)
    if known and known[0] == inputs and _content_hash(target) == known[1]:
        return False
    content = make()
    written = write_atomic(target, content)
    record.entries[key] = [inputs, hashlib.sha256(content).hexdigest()]
    record.changed = True
    return written
