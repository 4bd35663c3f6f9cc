"""Issue 28: the GitHub Actions workflows in .github/workflows/, checked with no network.

- Their syntax against GitHub's workflow schema (SchemaStore's, which check-jsonschema bundles:
  `--builtin-schema vendor.github-workflows`), and check-jsonschema's own rule that every job has
  a time limit; a broken workflow is rejected the same way.
- What the schema cannot see: each action pinned to a release, no `${{ }}` expression pasted into
  a shell script (values reach scripts through `env:`), every `make` target named exists, and each
  workflow does its job: pull requests run `make test`, main checks the book's links and publishes
  it to gh-pages, a
  tag makes a release with every edition and both classroom zips.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fidelity import ROOT

pytestmark = pytest.mark.check

WORKFLOWS = ROOT / ".github" / "workflows"
CHECK = Path(sys.executable).parent / "check-jsonschema"
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


def files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


def load(path: Path) -> dict:
    # YAML 1.1 reads the key `on:` as True; GitHub reads it as "on"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict):
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def validate(*paths: Path, schema: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK), "--builtin-schema", schema, *map(str, paths)],
                          capture_output=True, text=True, env={**os.environ, **OFFLINE}, timeout=120)


def test_there_are_the_three_workflows():
    assert {"pages.yml", "release.yml", "test.yml"} <= {p.name for p in files()}


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflows_match_githubs_schema(schema):
    run = validate(*files(), schema=schema)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("breakage", [
    ("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"),   # a misspelt key
    ("pull_request:", "pull_requests:"),                     # an event GitHub does not have
    ("timeout-minutes: 90", "timeout-minutes: soon"),        # a number that is not one
])
def test_the_schema_check_rejects_a_broken_workflow(tmp_path, breakage):
    text = (WORKFLOWS / "test.yml").read_text(encoding="utf-8")
    assert breakage[0] in text
    broken = tmp_path / "test.yml"
    broken.write_text(text.replace(breakage[0], breakage[1], 1), encoding="utf-8")
    assert validate(broken, schema="vendor.github-workflows").returncode != 0


@pytest.mark.parametrize("path", files(), ids=lambda p: p.name)
def test_actions_are_pinned_and_scripts_take_no_expressions(path):
    for job, step in steps(load(path)):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+)*|[0-9a-f]{40})", step["uses"]), step["uses"]
        if "run" in step:
            assert "${{" not in step["run"], f"{path.name}, job {job}: pass values to scripts through env:"
    text = path.read_text(encoding="utf-8")
    assert text.count("${{") == text.count("}}"), "an expression left open"


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):(?!=)", text, re.M))


@pytest.mark.parametrize("path", files(), ids=lambda p: p.name)
def test_every_make_target_named_exists(path):
    named = {t for _, step in steps(load(path)) for t in re.findall(r"(?:^|&&|;)\s*make ([a-z][\w-]*)", step.get("run", ""), re.M)}
    assert named and named <= make_targets(), named - make_targets()


def runs(path: Path) -> str:
    return "\n".join(step.get("run", "") for _, step in steps(load(path)))


def test_pull_requests_run_make_test():
    workflow = load(WORKFLOWS / "test.yml")
    assert "pull_request" in workflow["on"]
    assert re.search(r"^make test$", runs(WORKFLOWS / "test.yml"), re.M)
    assert workflow["permissions"] == {"contents": "read"}


def test_main_builds_and_publishes_to_gh_pages():
    workflow = load(WORKFLOWS / "pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "write"}
    script = runs(WORKFLOWS / "pages.yml")
    assert script.index("make book") < script.index("make linkcheck EXTERNAL=1") < script.index("make publish REMOTE=origin")


def test_a_tag_releases_every_edition_and_both_classroom_zips():
    workflow = load(WORKFLOWS / "release.yml")
    assert workflow["on"]["push"]["tags"] == ["v*"]
    script = runs(WORKFLOWS / "release.yml")
    for command in ["make pdf", "make pdf EDITION=reading", "make epub",
                    "make handouts", "make classroom"]:
        assert re.search(rf"^\s*{command}$", script, re.M), command
    # what the make targets write (README), each copied into release/, which is attached whole
    for built in ["_build/pdf/book.pdf", "_build/reading/reading.pdf",
                  "_build/epub/book.epub", "_build/handouts", "_build/classroom/communist-left-classroom.zip",
                  "_build/classroom/communist-left-teacher.zip"]:
        assert built in script, built
    release = next(step for _, step in steps(workflow) if step.get("uses", "").startswith("softprops/action-gh-release@"))
    assert release["with"]["files"] == "release/*" and release["with"]["fail_on_unmatched_files"] is True
    assert 'test "$TAG" = "v$version"' in script  # the tag is CITATION.cff's version
