"""icp cohort create and icp roster import, against a real nbgrader gradebook."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from icp_helpers.facilitator.cohort_folder import CohortFolderError, create_cohort, open_cohort
from icp_helpers.facilitator.roster import RosterError, import_roster, read_roster

from ..conftest import run_icp


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _students(folder):
    with folder.gradebook() as gradebook:
        return {s.id: (s.first_name, s.last_name, s.email) for s in gradebook.students}


def test_create_makes_a_private_nbgrader_course_with_due_dates(cohort):
    assert cohort.course_id == "icp-cohort-10"
    for name in ("release", "submitted", "autograded", "feedback"):
        assert _mode(cohort.root / name) == 0o700
    assert _mode(cohort.root) == 0o700
    assert _mode(cohort.root / "cohort.json") == 0o600
    assert _mode(cohort.root / "gradebook.db") == 0o600
    assert (cohort.root / "source").resolve() == (cohort.course_root / "source").resolve()
    with cohort.gradebook() as gradebook:
        due = {a.name: a.duedate for a in gradebook.assignments}
    assert str(due["00-getting-started"]) == "2024-09-27 16:00:00"  # 17:00 BST in UTC


def test_nbgrader_reads_the_cohort_config(cohort):
    listed = cohort.nbgrader("db", "assignment", "list")
    assert "00-getting-started" in listed.stdout + listed.stderr
    assert (cohort.root / "gradebook.db").is_file()
    assert not (cohort.root / "source" / "gradebook.db").exists()


def test_two_cohorts_share_nothing_but_source(tmp_path, course_root):
    one, _ = create_cohort(course_root, "10", where=tmp_path / "a")
    template = course_root / "course" / "cohorts" / "template.yml"
    two, _ = create_cohort(course_root, "11", where=tmp_path / "a", schedule_file=template)
    assert one.db_url != two.db_url and one.course_id != two.course_id


def test_create_again_keeps_the_roster_and_refuses_to_move_the_gradebook(cohort, roster_file):
    import_roster(cohort, roster_file)
    again, _ = create_cohort(cohort.course_root, "10", where=cohort.root.parent)
    assert set(_students(again)) == {"t01", "t02", "t03", "t04"}
    with pytest.raises(CohortFolderError, match="cannot move"):
        create_cohort(
            cohort.course_root, "10", where=cohort.root.parent, db_url="sqlite:////tmp/elsewhere.db"
        )


def test_a_schedule_for_another_cohort_is_refused(tmp_path, course_root):
    with pytest.raises(CohortFolderError, match="schedule of cohort 11, not 10"):
        create_cohort(
            course_root,
            "10",
            where=tmp_path,
            schedule_file=course_root / "course" / "cohorts" / "template.yml",
        )
    assert not (tmp_path / "10").exists()


def test_opening_a_cohort_that_was_never_created(tmp_path, course_root):
    with pytest.raises(CohortFolderError, match="run `icp cohort create 12` first"):
        open_cohort(course_root, "12", where=tmp_path)


def test_roster_import_adds_then_updates_without_duplicating(cohort, roster_file):
    first = import_roster(cohort, roster_file)
    assert first.added == ["t01", "t02", "t03", "t04"] and not first.updated
    assert _mode(cohort.roster_file) == 0o600
    text = roster_file.read_text().replace("ben.okafor@example.org", "ben.okafor@nhs.net")
    roster_file.write_text("\n".join(text.splitlines()[:3]) + "\n")  # t01, t02 only
    second = import_roster(cohort, roster_file)
    assert (second.added, second.updated, second.unchanged) == ([], ["t02"], ["t01"])
    assert second.kept == ["t03", "t04"]
    students = _students(cohort)
    assert len(students) == 4 and students["t02"][2] == "ben.okafor@nhs.net"
    assert [t.id for t in read_roster(cohort)] == ["t01", "t02", "t03", "t04"]
    assert read_roster(cohort)[2].directorate == "Mental Health (Tower Hamlets)"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("t02,Bea,Smith,bea@example.org,Forensic", "line 6: id 't02' is already used on line 3"),
        (",Bea,Smith,bea@example.org,Forensic", "line 6: the trainee id is missing"),
        ("t09,Bea,Smith,bea.example.org,Forensic", "line 6: the e-mail address of t09 is malf"),
        ("t09,Bea,Smith,,Forensic", "line 6: the email is missing for t09"),
        ("t 9,Bea,Smith,bea@example.org,Forensic", "line 6: id 't 9' may hold only"),
    ],
)
def test_bad_rosters_are_refused_by_line_and_nothing_changes(cohort, roster_file, row, expected):
    import_roster(cohort, roster_file)
    before_students, before_file = _students(cohort), cohort.roster_file.read_bytes()
    roster_file.write_text(roster_file.read_text() + row + "\n")
    with pytest.raises(RosterError) as caught:
        import_roster(cohort, roster_file)
    assert expected in str(caught.value) and "nothing imported" in str(caught.value)
    assert _students(cohort) == before_students
    assert cohort.roster_file.read_bytes() == before_file


def test_a_roster_without_the_needed_columns(cohort, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nAsha,asha@example.org\n")
    with pytest.raises(RosterError, match="line 1: the column\\(s\\) id, first_name, last_name"):
        import_roster(cohort, bad)


def test_cli_create_and_import(tmp_path, course_root, roster_file):
    where = ["--root", str(course_root), "--cohorts-dir", str(tmp_path / "c")]
    created = run_icp("cohort", "create", "10", *where)
    assert created.returncode == 0, created.stderr
    assert "Cohort 10 is ready" in created.stdout and "icp-cohort-10" in created.stdout
    imported = run_icp("roster", "import", "10", str(roster_file), *where)
    assert imported.returncode == 0, imported.stderr
    assert "4 added, 0 updated, 0 unchanged" in imported.stdout
    assert "Asha" not in imported.stdout + imported.stderr  # no names in the output
    roster_file.write_text(roster_file.read_text() + "t05,Eve,Ng,not-an-email,Community\n")
    refused = run_icp("roster", "import", "10", str(roster_file), *where)
    assert refused.returncode == 2
    assert "line 6: the e-mail address of t05 is malformed" in refused.stderr
    assert "Traceback" not in refused.stderr
    settings = json.loads((tmp_path / "c" / "10" / "cohort.json").read_text())
    assert settings["course_id"] == "icp-cohort-10"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["grade", "10", "09-typo"], "no assignment '09-typo' in the syllabus"),
        (["grade", "10", "00-getting-started", "--jobs", "0"], "--jobs: 0 is not above zero"),
        (["collect", "10", "09-typo", "--zip", "x.zip"], "no assignment '09-typo'"),
        (["feedback", "10", "00-getting-started"], "run `icp grade 10 00-getting-started` first"),
        (["report", "10"], "has no released assignments yet"),
        (["release", "10", "--on", "next week"], "--on 'next week' is not a date"),
        (["grade", "12", "00-getting-started"], "run `icp cohort create 12` first"),
    ],
)
def test_cli_names_bad_arguments_and_the_fix(cohort, course_root, command, expected):
    done = run_icp(*command, "--root", str(course_root), "--cohorts-dir", str(cohort.root.parent))
    assert done.returncode == 2, done.stdout
    assert expected in done.stderr and "Traceback" not in done.stderr


def test_a_roster_that_cannot_be_saved_leaves_the_gradebook_as_it_was(cohort, roster_file):
    """roster.csv is written before the gradebook, so a roster that cannot be saved (here a
    folder stands where the file goes) changes neither."""
    cohort.roster_file.mkdir()
    with pytest.raises(OSError):
        import_roster(cohort, roster_file)
    assert _students(cohort) == {}
    assert cohort.roster_file.is_dir() and not any(cohort.roster_file.iterdir())
