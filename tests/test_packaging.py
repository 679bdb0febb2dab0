"""Packaging: environment.yml matches pyproject.toml, and the icp command answers."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from icp_helpers import __version__

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> str:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    name = name.lower().replace("_", "-")
    return f"{name}{spec.replace(' ', '')}"


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = {_normalise(r) for r in project["dependencies"]}
    wanted |= {_normalise(r) for r in extras["facilitator"] + extras["test"]}
    wanted.discard(_normalise("icp-helpers[facilitator]"))  # the test extra includes the other
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {
        _normalise(item)
        for item in environment["dependencies"]
        if isinstance(item, str) and not item.startswith(("python", "pip"))
    }
    assert conda == wanted
    pip_items = [item for item in environment["dependencies"] if isinstance(item, dict)]
    assert pip_items == [{"pip": ["-e ."]}], "environment.yml must install the project itself"
    assert "conda-forge" in environment["channels"]


def test_icp_version_and_help():
    version = subprocess.run(
        [sys.executable, "-m", "icp_helpers.cli", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.strip() == f"icp {__version__}"
    helped = subprocess.run(
        [sys.executable, "-m", "icp_helpers.cli", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0
    for command in ("build", "check"):
        assert command in helped.stdout


def test_icp_refuses_a_folder_that_is_not_a_course(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "icp_helpers.cli", "check", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "is not a course folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_version_is_the_newest_release_in_the_changelog():
    """A release moves the version and the CHANGELOG together (see CONTRIBUTING.md)."""
    import icp_helpers

    text = (Path(__file__).resolve().parents[1] / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, flags=re.MULTILINE)
    assert "## [Unreleased]" in text
    assert releases and releases[0] == icp_helpers.__version__
