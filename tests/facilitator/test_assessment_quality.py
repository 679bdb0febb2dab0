"""Assessment quality end to end: a real graded cohort's exercises, in the report's CSV and
the dashboard, for one cohort and across cohorts (statistics: see
test_assessment_quality_statistics.py)."""

from __future__ import annotations

import csv
import stat

import pytest

from icp_helpers.grading.record import grade_rows

from .conftest import ASSIGNMENT, as_another_cohort, icp, point_biserial

pytestmark = pytest.mark.slow  # real nbgrader and real grading

NAMES = ["Asha", "Patel", "Ben", "Okafor", "Eilidh", "Campbell", "Farah", "Hussain"]


def exercise_and_rest(folder, grade_id: str) -> tuple[list[float], list[float]]:
    """Each trainee's score on ``grade_id`` and on the other autograded cells, read from the
    gradebook here (independently of the report)."""
    with folder.gradebook() as gradebook:
        rows = [row for row in grade_rows(gradebook, ASSIGNMENT) if row["autograded"]]
    trainees = sorted({row["student"] for row in rows})
    mine = [
        sum(r["score"] for r in rows if r["student"] == t and r["grade_id"] == grade_id)
        for t in trainees
    ]
    rest = [
        sum(r["score"] for r in rows if r["student"] == t and r["grade_id"] != grade_id)
        for t in trainees
    ]
    return mine, rest


def test_assessment_quality_per_exercise_in_the_report_and_dashboard_across_cohorts(
    six_graded, six_graded_template
):
    as_another_cohort(six_graded_template, six_graded.root.parent, "9")
    made = icp(six_graded, "report", "10", "--with-cohorts", "9")
    assert made.returncode == 0, made.stderr
    quality = six_graded.root / "reports" / "assessment-quality.csv"
    assert f"Assessment quality:           {quality}" in made.stdout
    assert stat.S_IMODE(quality.stat().st_mode) == 0o600
    assert quality.read_bytes().startswith(b"\xef\xbb\xbf")  # opens in Excel
    text = quality.read_text(encoding="utf-8-sig")
    assert "t01" not in text and not [name for name in NAMES if name in text]
    rows = {(row["cohorts"], row["grade_id"]): row for row in csv.DictReader(text.splitlines())}
    ex2 = rows[("10", "ex2-check")]
    assert ex2["assesses"] == "keep values in a list and add them up"
    assert ex2["trainees"] == "6" and float(ex2["difficulty"]) == pytest.approx(3 / 6)
    mine, rest = exercise_and_rest(six_graded, "ex2-check")
    expected = point_biserial(mine, rest)
    assert float(ex2["discrimination"]) == pytest.approx(expected, abs=5e-4)
    assert ex2["why_no_discrimination"] == ""
    assert rows[("9", "ex2-check")]["discrimination"] == ex2["discrimination"]
    both = rows[("9, 10", "ex2-check")]
    assert both["trainees"] == "12"
    assert float(both["discrimination"]) == pytest.approx(expected, abs=5e-4)  # same marks twice
    ex5 = rows[("10", "ex5-check")]  # everyone right
    assert ex5["difficulty"] == "1.0" and ex5["measures_nothing"] == "everyone scored full marks"
    assert ex5["discrimination"] == "n/a"
    assert ex5["why_no_discrimination"] == "everyone scored the same on it"
    assert "reflection" not in {grade_id for _, grade_id in rows}  # marked by hand
    page = (six_graded.root / "reports" / "dashboard.html").read_text(encoding="utf-8")
    section = page[page.index("<h2>Assessment quality") : page.index("<h2>Flagged for manual")]
    assert "cohorts 9, 10 (12 trainees)" in section
    assert "<td>keep values in a list and add them up (ex2-check)</td>" in section
    assert f"<td>{float(both['discrimination']):.2f}</td>" in section
    assert "<td>everyone scored full marks</td>" in section
    assert "<td>n/a: everyone scored the same on it</td>" in section
    assert not [name for name in NAMES if name in made.stdout + made.stderr]


def test_an_unknown_cohort_to_compare_with_is_one_plain_message(six_graded):
    made = icp(six_graded, "report", "10", "--with-cohorts", "7")
    assert made.returncode == 2
    assert made.stderr.startswith("icp report: there is no cohort 7 in ")
    assert "Traceback" not in made.stderr
