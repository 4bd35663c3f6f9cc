"""The front doors answer plainly: `make serve` on a taken port, and the build on bad data."""
import shutil
import socket
import subprocess
import sys

import pytest

from fidelity import ROOT

pytestmark = pytest.mark.check


def test_serve_on_a_taken_port_says_so_and_suggests_another(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "edition.serve", str(port), str(tmp_path)],
                             capture_output=True, text=True, timeout=30)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout.strip() == (f"Port {port} is in use (Address already in use): stop what uses it, "
                                  f"or choose another port, e.g. make serve PORT={port + 1}")


def test_build_of_bad_data_stops_before_sphinx_with_the_validators_line(tmp_path):
    for folder in ("data", "chapters", "edition"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    attestations = tmp_path / "data" / "attestations.csv"
    attestations.write_text(attestations.read_text(encoding="utf-8").replace(",1921-09-01,", ",1921-09-31,", 1),
                            encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "edition.build", "html"], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert lines[0].startswith("data/attestations.csv, row ") and "'1921-09-31' is not a valid date" in lines[0]
    assert lines[-1].startswith("Stopped: 1 problem(s) in data/")
    assert not (tmp_path / "_build" / "html").exists()
