"""Fixtures for the facilitator commands: a private cohort folder per test, real nbgrader."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "facilitator"


@pytest.fixture
def course_root() -> Path:
    return ROOT


@pytest.fixture
def cohort(tmp_path):
    """Cohort 10 set up in this test's own folder, with the SQLite gradebook."""
    from icp_helpers.facilitator.cohort_folder import create_cohort

    folder, _ = create_cohort(ROOT, "10", where=tmp_path / "cohorts")
    return folder


@pytest.fixture
def roster_file(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text((FIXTURES / "roster.csv").read_text(encoding="utf-8"), encoding="utf-8")
    return path
