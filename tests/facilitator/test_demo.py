"""icp demo: the whole cycle on cohort 10 with synthetic trainees, through the command line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from icp_helpers.facilitator.demo import run_demo


def test_demo_runs_the_whole_cycle_and_says_where_the_dashboard_is(tmp_path, course_root):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "icp_helpers.cli",
            "demo",
            "--root",
            str(course_root),
            "--cohorts-dir",
            str(tmp_path / "demo"),
            "--assignments",
            "00-getting-started",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("assignment"))
    row = next(line for line in lines if line.startswith("00-getting-started "))
    assert header.split()[:4] == ["assignment", "graded", "timed", "out"]
    # 12 trainees: 7 graded (complete, late, partial, two mistakes, blank, sent twice),
    # one each timed out / kernel died / corrupt, and 2 missing (one sent nothing, one
    # sent a file nobody can match); 1 late; 2 unmatched files (the stray and the older copy)
    assert row.split()[1:] == ["7", "1", "1", "1", "0", "2", "1", "2", row.split()[-1]]
    dashboard = tmp_path / "demo" / "10" / "reports" / "dashboard.html"
    assert f"Dashboard: {dashboard}" in lines
    assert dashboard.read_text().count("data:image/png;base64,") == 3
    assert "Amira" not in done.stdout + done.stderr  # synthetic names stay out of the output


def test_demo_never_replaces_a_folder_it_did_not_make(tmp_path, course_root):
    real = tmp_path / "cohorts" / "10"
    real.mkdir(parents=True)
    (real / "gradebook.db").write_text("a real cohort's grades")
    with pytest.raises(ValueError, match="is not a demo cohort"):
        run_demo(course_root, where=tmp_path / "cohorts")
    assert (real / "gradebook.db").read_text() == "a real cohort's grades"


def test_demo_names_unknown_assignments(tmp_path, course_root):
    with pytest.raises(ValueError, match="no assignment 99-nope; the assignments are: 00-"):
        run_demo(course_root, where=tmp_path, assignments=["99-nope"])
