"""icp feedback and icp report: each trainee's feedback is theirs alone; the grades CSV is
nbgrader's export; the dashboard is one self-contained page with ids unless names are asked."""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
import stat
import zipfile

import pytest

from icp_helpers.facilitator.collect import collect
from icp_helpers.facilitator.feedback import generate_feedback
from icp_helpers.facilitator.grade import grade_cohort
from icp_helpers.facilitator.report import write_report

from ..conftest import run_icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
NAMES = ["Asha", "Patel", "Ben", "Okafor", "Cerys", "Jones", "Dariusz", "Nowak"]


@pytest.fixture
def graded(released, tmp_path, notebook_text, write_zip):
    """t01 complete, t02 a common mistake sent late, t03 untouched, t04 nothing."""
    mail = write_zip(
        tmp_path / "mail.zip",
        [
            (f"t01_{NOTEBOOK}", notebook_text(), (2024, 9, 26, 9, 0, 0)),
            (
                f"t02_{NOTEBOOK}",
                notebook_text(answer="weekly_total = len(daily_incidents)"),
                (2024, 9, 29, 9, 0, 0),
            ),
            (f"t03_{NOTEBOOK}", notebook_text("blank"), (2024, 9, 26, 9, 0, 0)),
        ],
    )
    collect(released, ASSIGNMENT, mail)
    grade_cohort(released.root, ASSIGNMENT, jobs=2)
    return released


def test_feedback_is_private_and_about_its_trainee_only(graded, tmp_path):
    made = {item.trainee: item for item in generate_feedback(graded, ASSIGNMENT)}
    assert sorted(made) == ["t01", "t02", "t03"]
    for trainee, item in made.items():
        (page,) = item.pages
        assert page.name == "getting-started.html"
        assert stat.S_IMODE(page.stat().st_mode) & 0o077 == 0
        text = page.read_text()
        others = [t for t in ("t01", "t02", "t03", "t04") if t != trainee]
        assert not [o for o in others if re.search(rf"\b{o}\b", text)]
        assert not [name for name in NAMES if name in text]
        with zipfile.ZipFile(item.zip_file) as archive:
            assert archive.namelist() == [f"{ASSIGNMENT}-feedback/getting-started.html"]
    # the reflection is not marked yet: its points are awaiting marking, not a zero
    assert "Score: 10 / 13 so far, 3 marks awaiting marking" in made["t01"].pages[0].read_text()


def test_feedback_before_grading_says_what_to_do(released):
    with pytest.raises(ValueError, match="run `icp grade 10 00-getting-started` first"):
        generate_feedback(released, ASSIGNMENT)


def test_a_report_before_anything_is_graded_says_nothing_is_graded(released):
    """Before the first grading the report is written all the same (it once ended in a
    KeyError from the score chart)."""
    report = write_report(released)
    assert report.progress["score"].isna().all()
    assert report.dashboard.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_grades_csv_progress_and_dashboard(graded, tmp_path):
    report = write_report(graded)
    with report.grades_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    graded.nbgrader("export", "--to", str(tmp_path / "export.csv"), f"--assignment={ASSIGNMENT}")
    with (tmp_path / "export.csv").open(encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    # nbgrader's own export, value for value, with its times (UTC) in the cohort's zone,
    # and one column more
    from icp_helpers.facilitator.grades_csv import local_time

    zone = graded.schedule().zone
    for row in exported:
        for key in ("duedate", "timestamp"):
            when = row[key] and dt.datetime.fromisoformat(row[key]).replace(microsecond=0)
            row[key] = local_time(when, zone) if when else row[key]
    assert [{k: v for k, v in row.items() if k != "marking"} for row in rows] == exported
    assert rows[0]["duedate"] == "2024-09-27 17:00:00 BST"
    assert list(rows[0]) == [
        "assignment",
        "duedate",
        "timestamp",
        "student_id",
        "last_name",
        "first_name",
        "email",
        "raw_score",
        "late_submission_penalty",
        "score",
        "max_score",
        "marking",  # ours: where the hand marking stands (nbgrader counts unmarked as 0)
    ]
    marking = {row["student_id"]: row["marking"] for row in rows}
    assert marking["t01"] == "3 marks awaiting marking" and marking["t04"] == "no submission"
    scores = {row["student_id"]: float(row["score"]) for row in rows}
    assert scores == {"t01": 10.0, "t02": 9.0, "t03": 0.0, "t04": 0.0}
    assert {row["assignment"] for row in rows} == {ASSIGNMENT}  # released assignments only
    progress = report.progress.set_index("trainee")
    assert progress.loc["t02", "late"] and not progress.loc["t01", "late"]
    assert progress.loc["t04", "outcome"] == "missing"
    for path in (report.grades_csv, report.progress_csv, report.dashboard):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    page = report.dashboard.read_text()
    assert page.count('src="data:image/png;base64,') == 3
    assert not re.search(r"(src|href)=\"(http|//)", page)
    assert "ex2-check" in page  # t02's mistake shows among the exercises to revisit
    words = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert "t01" in words and not [n for n in NAMES if re.search(rf"\b{n}\b", words)]
    with_names = write_report(graded, names=True)
    assert with_names.named_dashboard == report.dashboard.with_name("dashboard-names.html")
    assert "Asha Patel" in with_names.named_dashboard.read_text()
    assert "Asha Patel" not in report.dashboard.read_text()  # the ids-only page stays so


def test_cli_feedback_and_report(graded, course_root):
    where = ["--root", str(course_root), "--cohorts-dir", str(graded.root.parent)]
    fed = run_icp("feedback", "10", ASSIGNMENT, *where)
    assert fed.returncode == 0, fed.stderr
    assert "Feedback for 00-getting-started: 3 page(s) for 3 trainee(s)." in fed.stdout
    made = run_icp("report", "10", *where)
    assert made.returncode == 0, made.stderr
    assert "Cohort dashboard:" in made.stdout and "dashboard.html" in made.stdout


def test_rubric_beside_each_reflection_in_the_formgrader_never_in_feedback(graded):
    import nbformat
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    graded_copy = graded.root / "autograded" / "t01" / ASSIGNMENT / NOTEBOOK

    def rubric_follows_reflection() -> bool:
        cells = nbformat.read(graded_copy, as_version=4).cells
        ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in cells]
        after = cells[ids.index("reflection") + 1]
        return "icp-rubric" in after.metadata.get("tags", []) and after.source.startswith(
            "**Rubric (facilitators only)**: What do you hope to get"
        )

    assert rubric_follows_reflection()
    config = Config()
    config.HTMLExporter.template_name = "formgrade"  # as nbgrader's formgrader renders it
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    page, _ = HTMLExporter(config=config).from_filename(
        str(graded_copy), resources={"base_url": "/", "mathjax_url": "", "index": 0, "total": 1}
    )
    assert "Rubric (facilitators only)" in page and "A personal, specific hope" in page
    made = generate_feedback(graded, ASSIGNMENT)
    for item in made:
        assert "Rubric (facilitators only)" not in item.pages[0].read_text()
    assert rubric_follows_reflection()  # back for the formgrader after feedback


ALWAYS_EQUAL = """class Total(int):
    def __eq__(self, other):
        return True
weekly_total = Total(4)
"""


def test_tampering_is_flagged_for_the_facilitator_and_hidden_tests_stay_hidden(
    released, tmp_path, notebook_text, write_zip, course_root
):
    import nbformat

    from icp_helpers.grading.feedback import hidden_lines

    mail = write_zip(
        tmp_path / "mail.zip",
        [
            (f"t01_{NOTEBOOK}", notebook_text(), (2024, 9, 26, 9, 0, 0)),
            (f"t02_{NOTEBOOK}", notebook_text(answer=ALWAYS_EQUAL), (2024, 9, 26, 9, 0, 0)),
        ],
    )
    collect(released, ASSIGNMENT, mail)
    where = ["--root", str(course_root), "--cohorts-dir", str(released.root.parent)]
    done = run_icp("grade", "10", ASSIGNMENT, "--jobs", "2", *where)
    assert done.returncode == 1, done.stderr  # a flagged submission needs the facilitator
    assert re.search(r"^t02\s+flagged for review", done.stdout, re.MULTILINE)
    assert re.search(
        r"needs manual grading: ex2-check, .*: possible tampering: .*__eq__", done.stdout
    )
    # in the gradebook (what the formgrader shows): the test cell awaits a person, and the
    # reason is the comment on the answer above it
    with released.gradebook() as gradebook:
        grade = gradebook.find_grade("ex2-check", "getting-started", ASSIGNMENT, "t02")
        comment = gradebook.find_comment("ex2-answer", "getting-started", ASSIGNMENT, "t02")
        assert grade.needs_manual_grade and "__eq__" in comment.auto_comment
        honest = gradebook.find_grade("ex2-check", "getting-started", ASSIGNMENT, "t01")
        assert not honest.needs_manual_grade
    report = write_report(released)
    review = report.progress.set_index("trainee")["needs_review"]
    assert review["t02"].startswith("ex2-check, ex3-check-columns, ") and review["t01"] == ""
    assert review["t02"].count("__eq__") == 1  # one piece of tampering, said once
    assert set(report.cells["trainee"]) == {"t01"}  # flagged work stays out of the statistics
    with report.progress_csv.open() as handle:
        assert any("ex2-check" in row["needs_review"] for row in csv.DictReader(handle))
    page = report.dashboard.read_text()
    section = page[page.index("Flagged for manual grading") :]
    assert "<td>t02</td>" in section and "ex2-check" in section and "<td>t01</td>" not in section
    source = nbformat.read(course_root / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    release = nbformat.read(released.root / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    visible = {line.strip() for cell in release.cells for line in cell.source.splitlines()}
    secret = hidden_lines(source) - visible
    assert secret  # the assignment has hidden tests to keep back
    for item in generate_feedback(released, ASSIGNMENT):
        text = html.unescape(re.sub(r"<[^>]+>", "", item.pages[0].read_text()))
        assert "Exercise 2" in text
        assert not [line for line in secret if line in text], item.trainee
