"""Every copy the book makes (a notebook page's download zip, the classroom and teacher's zips, a
scratch copy of the repository) is made from a list of ordinary files and never follows a link: a
link in data/ that points at a folder of keys must not carry the keys into a download. The
validator refuses such links too (tests/test_bad_inputs.py); these are the copies' own guards."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import edition.classroom.zip as classroom
from edition.paths import ROOT

pytestmark = pytest.mark.check
KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n"


@pytest.fixture
def book(tmp_path, monkeypatch):
    """A copy of the parts of the book a zip is made from, which the zips then read."""
    root = tmp_path / "book"
    for folder in ("data", "chapters", "edition"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / classroom.NOTICE, root / classroom.NOTICE)
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "id_ed25519").write_text(KEY)
    monkeypatch.setattr(classroom, "ROOT", root)
    return root


def zipped(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_a_link_in_data_never_rides_along_in_a_zip(book, tmp_path):
    (book / "data" / "keys").symlink_to(tmp_path / "keys")
    (book / "chapters" / "keys").symlink_to(tmp_path / "keys")
    files = zipped(classroom.notebook_zip("chronology", tmp_path / "out"))
    assert "chronology/data/happenings.csv" in files
    assert not [name for name in files if "keys" in name or "id_ed25519" in name]
    assert not [name for name, content in files.items() if b"PRIVATE KEY" in content]


def test_a_table_that_is_a_link_stops_the_zip_with_one_line(book, tmp_path):
    (book / "data" / "groups.csv").unlink()
    (book / "data" / "groups.csv").symlink_to(tmp_path / "keys" / "id_ed25519")
    with pytest.raises(OSError) as caught:
        classroom.build(tmp_path / "out")
    assert str(caught.value) == (f"{book / 'data' / 'groups.csv'}: is a link: the book copies ordinary files only "
                                 "(put the file itself there)")
    assert not list((tmp_path / "out").glob("*.zip"))


def test_a_pipe_named_as_a_table_stops_the_zip_without_hanging(book, tmp_path):
    (book / "data" / "groups.csv").unlink()
    os.mkfifo(book / "data" / "groups.csv")
    with pytest.raises(OSError, match="is not an ordinary file"):
        classroom.notebook_zip("chronology", tmp_path / "out")


def test_a_scratch_copy_leaves_links_out(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))  # the scratch-copy helpers (tools/scratch.py)
    import scratch

    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "page.md").write_text("text\n")
    (repo / "keys").symlink_to(tmp_path)
    (repo / "key.txt").symlink_to("/etc/hostname")
    monkeypatch.setattr(scratch, "ROOT", repo)
    copied = scratch.copy_tree(tmp_path / "copy")
    assert sorted(p.name for p in copied.rglob("*")) == ["page.md"]
