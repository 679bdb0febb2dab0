"""Cohort schedules: cohort 10 as published, due dates from the syllabus, and bad schedules
rejected with the line at fault."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from icp_helpers.facilitator.cohort import ScheduleError, load_schedule
from icp_helpers.facilitator.cohort_calendar import calendar_ics, calendar_text
from icp_helpers.files import DataFileError

from ..conftest import run_icp

ROOT = Path(__file__).resolve().parents[2]
COHORT_10 = (ROOT / "course" / "cohorts" / "10.yml").read_text(encoding="utf-8")
SYLLABUS = ROOT / "course" / "syllabus.yml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "10.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScheduleError) as caught:
        load_schedule(_write(tmp_path, text), SYLLABUS)
    return caught.value.problems


def test_cohort_10_has_the_published_sessions():
    schedule = load_schedule(ROOT / "course" / "cohorts" / "10.yml", SYLLABUS)
    workshops = [s for s in schedule.sessions if s.kind == "workshop"]
    assert [s.days for s in workshops] == [
        (dt.date(2024, 10, 1), dt.date(2024, 10, 2)),
        (dt.date(2025, 1, 21), dt.date(2025, 1, 22)),
        (dt.date(2025, 3, 18), dt.date(2025, 3, 19)),
    ]
    assert [s.venue for s in workshops] == [
        "NCVO, London",
        "Hampton Hotel, Luton Airport",
        "NCVO, London",
    ]
    sets = [s for s in schedule.sessions if s.kind == "action-learning-set"]
    assert [s.days[0] for s in sets] == [
        dt.date(2024, 11, 4),
        dt.date(2024, 12, 10),
        dt.date(2025, 2, 18),
    ]
    assert all(
        s.venue == "virtual" and (s.start, s.end) == (dt.time(10), dt.time(12)) for s in sets
    )
    assert schedule.late_policy == "flag"


def test_every_syllabus_assignment_is_dated_released_before_due():
    schedule = load_schedule(ROOT / "course" / "cohorts" / "10.yml", SYLLABUS)
    syllabus = yaml.safe_load(SYLLABUS.read_text(encoding="utf-8"))
    assert [d.assignment for d in schedule.assignments] == [
        a["id"] for a in syllabus["assignments"]
    ]
    sessions = {s.id: s for s in schedule.sessions}
    for dates in schedule.assignments:
        assert dates.release < dates.due
        # due four days before the session it prepares for, at 17:00 London time
        session_day = sessions[dates.due_before].days[0]
        assert dates.due.date() == session_day - dt.timedelta(days=4)
        assert (dates.due.hour, dates.due.minute) == (17, 0)
        assert dates.release == sessions[dates.released_after].ends(schedule.zone)


def test_first_assignment_due_friday_before_workshop_one_in_bst():
    schedule = load_schedule(ROOT / "course" / "cohorts" / "10.yml", SYLLABUS)
    due = schedule.dates_for("00-getting-started").due
    assert due.astimezone(dt.UTC) == dt.datetime(2024, 9, 27, 16, 0, tzinfo=dt.UTC)


def test_a_facilitator_can_override_one_due_date(tmp_path):
    text = COHORT_10 + 'assignments:\n  00-getting-started: {due: "2024-09-30 09:30"}\n'
    schedule = load_schedule(_write(tmp_path, text), SYLLABUS)
    dates = schedule.dates_for("00-getting-started")
    assert dates.overridden and dates.due == dt.datetime(2024, 9, 30, 9, 30, tzinfo=schedule.zone)
    assert "(date set in the schedule)" in calendar_text(schedule)


def test_sessions_out_of_order_are_rejected_with_their_line(tmp_path):
    text = COHORT_10.replace("days: [2024-12-10]", "days: [2024-10-20]")
    problems = _problems(tmp_path, text)
    line = _line_of(text, "id: als-2")
    assert any(p.startswith(f"line {line}: session als-2") and "date order" in p for p in problems)


def test_unknown_session_kind_is_rejected_with_its_line(tmp_path):
    text = COHORT_10.replace(
        "kind: action-learning-set\n    title: Virtual action learning set 3",
        "kind: away-day\n    title: Virtual action learning set 3",
    )
    problems = _problems(tmp_path, text)
    line = _line_of(text, "kind: away-day")
    assert problems == [
        f"line {line}: session als-3 has kind 'away-day', which is not known; use one of: "
        "induction, workshop, action-learning-set, webinar, coaching, milestone."
    ]


def test_assignment_due_before_release_is_rejected_with_its_line(tmp_path):
    text = COHORT_10 + 'assignments:\n  01-coach-and-system: {due: "2024-09-20 17:00"}\n'
    problems = _problems(tmp_path, text)
    line = _line_of(text, "01-coach-and-system: {due")
    assert len(problems) == 1
    assert problems[0].startswith(f"line {line}: assignment 01-coach-and-system is due 2024-09-20")
    assert "before it is released 2024-10-02 17:00" in problems[0]


def test_an_override_for_an_assignment_not_in_the_syllabus(tmp_path):
    text = COHORT_10 + 'assignments:\n  09-typo: {due: "2024-12-01 17:00"}\n'
    problems = _problems(tmp_path, text)
    assert problems[0].startswith(f"line {_line_of(text, '09-typo')}: assignment '09-typo' is not")


def test_a_session_the_syllabus_needs_is_missing(tmp_path):
    text = COHORT_10.replace("id: als-1", "id: als-one")
    problems = _problems(tmp_path, text)
    assert any("no session 'als-1'" in p and "01-coach-and-system" in p for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'times: "10:00-12:00"\n    venue: virtual\n  - id: workshop-1-2',
            'times: "12:00-10:00"\n    venue: virtual\n  - id: workshop-1-2',
            "ends (10:00) before",
        ),
        ('deadline_time: "17:00"', "deadline_time: 17:00", "write a time in quotes"),
        ("late_policy: flag", "late_policy: halve", "choose one of: flag, zero"),
        ("days: [2024-11-04]", "days: [2024-11-31]", "is not a real date"),
        ("timezone: Europe/London", "timezone: London", "timezone 'London' is unknown"),
        ("  - id: als-2", "  - id: als-1", "session als-1 is listed twice"),
    ],
)
def test_other_bad_entries_name_their_line_and_fix(tmp_path, old, new, expected):
    text = COHORT_10.replace(old, new, 1)
    assert text != COHORT_10
    try:
        load_schedule(_write(tmp_path, text), SYLLABUS)
    except (ScheduleError, DataFileError) as error:
        message = str(error)
    else:
        pytest.fail("the bad schedule was accepted")
    assert expected in message
    assert "line " in message


def test_malformed_yaml_names_its_line(tmp_path):
    text = COHORT_10.replace("    venue: NCVO, London\n", "    venue: [NCVO, London\n", 1)
    with pytest.raises(DataFileError, match=r"line \d+"):
        load_schedule(_write(tmp_path, text), SYLLABUS)


def test_a_key_given_twice_is_an_error_not_silently_dropped(tmp_path):
    text = COHORT_10.replace("late_policy: flag", "late_policy: flag\nlate_policy: zero")
    with pytest.raises(DataFileError, match="'late_policy' is given twice"):
        load_schedule(_write(tmp_path, text), SYLLABUS)


def test_template_is_a_valid_schedule():
    schedule = load_schedule(ROOT / "course" / "cohorts" / "template.yml", SYLLABUS)
    assert schedule.cohort == "11" and len(schedule.assignments) >= 1


def test_ics_file_is_well_formed():
    schedule = load_schedule(ROOT / "course" / "cohorts" / "10.yml", SYLLABUS)
    ics = calendar_ics(schedule, stamp=dt.datetime(2024, 9, 1, tzinfo=dt.UTC))
    lines = ics.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    assert ics.count("BEGIN:VEVENT") == ics.count("END:VEVENT")
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(uids) == len(set(uids))
    assert "LOCATION:Hampton Hotel\\, Luton Airport" in ics
    assert "DTSTART;TZID=Europe/London:20250121T090000" in ics


def test_cli_show_and_ics(tmp_path, course_root):
    shown = run_icp("cohort", "show", "10", "--root", str(course_root))
    assert shown.returncode == 0, shown.stderr
    assert "Tue 21 Jan 2025  09:00-17:00  Workshop days 3 & 4" in shown.stdout
    out = tmp_path / "cohort.ics"
    made = run_icp("cohort", "ics", "10", "--root", str(course_root), "-o", str(out))
    assert made.returncode == 0 and out.read_text().startswith("BEGIN:VCALENDAR")
    bad = _write(tmp_path, COHORT_10.replace("kind: workshop", "kind: party", 1))
    refused = run_icp("cohort", "show", "10", "--root", str(course_root), "--schedule", str(bad))
    assert refused.returncode == 2
    assert (
        f"line {_line_of(bad.read_text(), 'kind: party')}: session workshop-1-2" in refused.stderr
    )
    assert "Traceback" not in refused.stderr


def test_every_bad_date_is_reported_with_its_line_and_the_format(tmp_path, course_root):
    text = (
        COHORT_10.replace("days: [2024-11-04]", "days: [2024-11-31]", 1)
        .replace("start: 2024-09-10", "start: 2024-13-10", 1)
        .replace("days: [2024-12-10]", "days: [10/12/2024]", 1)
    )
    bad = _write(tmp_path, text)
    refused = run_icp("cohort", "show", "10", "--root", str(course_root), "--schedule", str(bad))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    for fragment in ("2024-11-31", "start: 2024-13-10", "10/12/2024"):
        line = _line_of(text, fragment)
        assert re.search(rf"line {line}: .*YYYY-MM-DD", refused.stderr), (fragment, refused.stderr)
    assert "2024-11-31 is not a real date" in refused.stderr
    assert "indentation" not in refused.stderr
