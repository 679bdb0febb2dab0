"""icp demo: the whole cycle on cohort 10 with synthetic trainees, through the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from icp_helpers.course.release import assignment_names
from icp_helpers.course.wrong_answers import load_wrong_answers
from icp_helpers.facilitator.demo import MISTAKES, run_demo

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # real nbgrader and real grading


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
            "--timeout",
            "10",  # the never-ending notebook is stopped sooner than the default 30 s
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    row = next(line for line in lines if line.startswith("00-getting-started: "))
    # 12 trainees: 6 graded (complete, late, partial, a mistake, blank, sent twice), one
    # each flagged (a mistake hidden by switching the checks off), timed out, kernel died
    # and corrupt, and 2 with no submission (one sent nothing, one sent a file nobody can
    # match); 1 late; 2 unmatched files (the stray and the older copy)
    assert row.startswith(
        "00-getting-started: 1 corrupt notebook, 1 flagged for review, 1 timed out, "
        "1 kernel died, 6 graded, 2 no submission; 1 late; 2 unmatched file(s); "
        "median autograded score "
    ), row
    dashboard = tmp_path / "demo" / "10" / "reports" / "dashboard.html"
    assert f"Dashboard: {dashboard}" in lines
    page = dashboard.read_text()
    assert page.count("data:image/png;base64,") == 3
    flagged = page[page.index("Flagged for manual grading") : page.index("Each trainee")]
    assert flagged.count("<tr>") == 2  # the heading and the one trainee who gamed the checks
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


@pytest.mark.parametrize("name", assignment_names(ROOT))  # not "assignment": no trial
def test_the_demos_mistakes_are_wrong_answers_the_course_tests_catch(name):
    fixture = ROOT / "tests" / "fixtures" / name / "wrong_answers.yml"
    caught = load_wrong_answers(fixture)
    mistakes = load_wrong_answers(MISTAKES / f"{name}.yml")
    assert mistakes
    assert {m.notebook for m in mistakes} == {a.notebook for a in caught}
    assert [m for m in mistakes if m not in caught] == []
