"""What icp leaves out, it says, with a reason (ids only); and the signals a facilitator plans
with are right: an assignment not due yet is not "missing", exercises to revisit say what
they assess, an odd release date is warned about, and collecting the same work twice says
nothing new came in."""

from __future__ import annotations

import json

import pytest

from .conftest import icp

pytestmark = pytest.mark.slow  # real nbgrader and real grading

ASSIGNMENT = "00-getting-started"
NOTEBOOK = "getting-started.ipynb"
ON_TIME = (2024, 9, 26, 9, 0, 0)
NAMES = ["Asha", "Patel", "Ben", "Okafor", "Cerys", "Jones", "Dariusz", "Nowak"]


def use_schedule(folder, course_root, tmp_path, extra: str) -> None:
    """Give the cohort a copy of cohort 10's schedule with ``extra`` added at its end."""
    schedule = tmp_path / "10.yml"
    text = (course_root / "course" / "cohorts" / "10.yml").read_text(encoding="utf-8")
    schedule.write_text(text + extra, encoding="utf-8")
    settings_file = folder.root / "cohort.json"
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    settings["schedule"] = str(schedule)
    settings_file.write_text(json.dumps(settings, indent=2), encoding="utf-8")


def test_every_command_says_whom_it_left_out_and_why(
    released, tmp_path, notebook_text, write_zip, course_root
):
    other = course_root / "release" / "01-coach-and-system" / "coach-and-system.ipynb"
    complete = notebook_text()
    mail = write_zip(
        tmp_path / "mail.zip",
        [
            (f"t01_{NOTEBOOK}", complete, ON_TIME),
            (f"t02_{NOTEBOOK}", other.read_text(encoding="utf-8"), ON_TIME),
            (f"t03_{NOTEBOOK}", complete[: len(complete) // 2], ON_TIME),
        ],
    )
    collected = icp(released, "collect", "10", ASSIGNMENT, "--zip", str(mail))
    assert collected.returncode == 0, collected.stderr
    assert "nothing from 1 (no file of theirs in the zip): t04" in collected.stdout
    graded = icp(released, "grade", "10", ASSIGNMENT, "--jobs", "2")
    assert graded.returncode == 1  # two submissions need the facilitator
    wrong = "their submission could not be graded (not a notebook of this assignment)."
    corrupt = "their submission could not be graded (a corrupt notebook)."
    said = {line.split(":")[0]: line for line in graded.stdout.splitlines()}
    assert said["No grades for t02"].startswith(f"No grades for t02: {wrong[:-1]}")
    assert said["No grades for t03"].startswith(f"No grades for t03: {corrupt[:-1]}: the not")
    assert said["No grades for t04"] == "No grades for t04: nothing was collected from them."
    # each trainee is named once: the table lists only those who were graded
    for trainee in ("t01", "t02", "t03", "t04"):
        assert sum(trainee in line for line in graded.stdout.splitlines()) == 1, graded.stdout
    fed = icp(released, "feedback", "10", ASSIGNMENT)
    assert fed.returncode == 0, fed.stderr
    assert "1 page(s) for 1 trainee(s)" in fed.stdout
    assert f"No feedback for t02: {wrong}" in fed.stdout
    assert f"No feedback for t03: {corrupt}" in fed.stdout
    assert "No feedback for t04: nothing was collected from them." in fed.stdout
    made = icp(released, "report", "10")
    assert made.returncode == 0, made.stderr
    assert f"No marks for t04 on {ASSIGNMENT}: nothing was collected from them." in made.stdout
    for run in (collected, graded, fed, made):
        assert not [name for name in NAMES if name in run.stdout + run.stderr]


def test_an_assignment_not_due_yet_is_not_missing(
    released, tmp_path, notebook_text, write_zip, course_root
):
    due_later = f'assignments:\n  {ASSIGNMENT}: {{due: "2099-01-01 12:00"}}\n'
    use_schedule(released, course_root, tmp_path, due_later)
    mail = write_zip(tmp_path / "mail.zip", [(f"t01_{NOTEBOOK}", notebook_text(), ON_TIME)])
    assert icp(released, "collect", "10", ASSIGNMENT, "--zip", str(mail)).returncode == 0
    graded = icp(released, "grade", "10", ASSIGNMENT)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "no submission" not in graded.stdout and "3 not due yet" in graded.stdout
    made = icp(released, "report", "10")
    assert made.returncode == 0, made.stderr
    progress = (released.root / "reports" / "progress.csv").read_text(encoding="utf-8-sig")
    assert "t02,00-getting-started,not_due," in progress and ",missing," not in progress
    page = (released.root / "reports" / "dashboard.html").read_text(encoding="utf-8")
    assert "<th>not due yet</th>" in page and ">not due yet<" in page
    assert ">no submission<" not in page


def test_exercises_to_revisit_say_what_they_assess(released, tmp_path, notebook_text, write_zip):
    mistake = notebook_text(answer="weekly_total = len(daily_incidents)")
    mail = write_zip(tmp_path / "mail.zip", [(f"t01_{NOTEBOOK}", mistake, ON_TIME)])
    assert icp(released, "collect", "10", ASSIGNMENT, "--zip", str(mail)).returncode == 0
    assert icp(released, "grade", "10", ASSIGNMENT).returncode == 0
    assert icp(released, "report", "10").returncode == 0
    page = (released.root / "reports" / "dashboard.html").read_text(encoding="utf-8")
    section = page[page.index("Exercises to revisit") : page.index("Flagged for manual")]
    assert "<td>keep values in a list and add them up (ex2-check)</td>" in section


def test_releasing_late_or_very_early_warns_with_the_dates(released, tmp_path, course_root):
    late = icp(released, "release", "10", "01-coach-and-system")
    assert late.returncode == 0, late.stderr
    assert "Released 01-coach-and-system" in late.stdout
    assert (
        "WARNING: 01-coach-and-system was due Thu 31 Oct 2024 17:00 GMT, before this release"
        in late.stdout
    )
    use_schedule(
        released,
        course_root,
        tmp_path,
        'assignments:\n  02-measurement: {release: "2099-01-01 09:00", due: "2099-02-01 17:00"}\n',
    )
    early = icp(released, "release", "10", "02-measurement")
    assert early.returncode == 0, early.stderr
    assert (
        "WARNING: 02-measurement is released more than 6 weeks before its release date, "
        "Thu 01 Jan 2099 09:00 GMT" in early.stdout
    )


def test_collecting_the_same_zip_again_says_nothing_new_came_in(
    released, tmp_path, notebook_text, write_zip
):
    mail = write_zip(
        tmp_path / "mail.zip",
        [(f"t0{n}_{NOTEBOOK}", notebook_text(), ON_TIME) for n in (1, 2, 3)],
    )
    first = icp(released, "collect", "10", ASSIGNMENT, "--zip", str(mail))
    assert "Collected 00-getting-started for 3 trainee(s): t01, t02, t03" in first.stdout
    again = icp(released, "collect", "10", ASSIGNMENT, "--zip", str(mail))
    assert again.returncode == 0, again.stderr
    assert "Collected 00-getting-started for 0 trainee(s)" in again.stdout
    assert "3 unchanged (already collected): t01, t02, t03" in again.stdout
