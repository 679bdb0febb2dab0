"""mypy finds no type errors in icp_helpers (configured in pyproject.toml [tool.mypy])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_is_clean_over_icp_helpers():
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-error-summary",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "No module named mypy" not in checked.stderr, "install the test tools: make venv"
    assert checked.returncode == 0, f"mypy found type errors:\n{checked.stdout}{checked.stderr}"


def test_the_package_says_it_is_typed():
    assert (ROOT / "icp_helpers" / "py.typed").is_file()
