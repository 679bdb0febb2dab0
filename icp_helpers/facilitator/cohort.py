"""A cohort's schedule as data: its sessions, its late policy, and each assignment's dates.

A schedule lives in ``course/cohorts/<id>.yml`` (see ``course/cohorts/template.yml``). Every
assignment is released when the session named by ``released_after`` in the syllabus ends,
and due ``deadline_days_before`` days before the session named by ``due_before`` starts, at
``deadline_time``; ``assignments:`` in the schedule can override either date. A schedule
that cannot work (sessions out of order, unknown kinds, an assignment due before it is
released) is rejected with every problem and the line at fault.

>>> from pathlib import Path
>>> schedule = load_schedule(Path("course/cohorts/10.yml"), Path("course/syllabus.yml"))
>>> first = schedule.assignments[0]
>>> first.assignment, f"{first.due:%a %d %b %Y %H:%M}"
('00-getting-started', 'Fri 27 Sep 2024 17:00')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icp_helpers.errors import IcpError, UsageError
from icp_helpers.files import LineDict, NotADate, read_yaml

SESSION_KINDS = {
    "induction": "induction",
    "workshop": "workshop",
    "action-learning-set": "action learning set",
    "webinar": "webinar",
    "coaching": "coaching session",
    "milestone": "milestone",
}
LATE_POLICIES = {
    "flag": "late work is flagged, not penalised",
    "zero": "late work scores zero",
}
_TIMES = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_WHEN = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?\s*$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class ScheduleError(IcpError, ValueError):
    """A cohort schedule cannot be used; ``problems`` lists each one with its line."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{path} has {len(problems)} problem(s):\n{listed}")


@dataclass(frozen=True)
class Session:
    """One programme session: a workshop, an action learning set, an induction..."""

    id: str
    kind: str
    title: str
    days: tuple[dt.date, ...]
    start: dt.time | None
    end: dt.time | None
    venue: str
    line: int

    def starts(self, zone: ZoneInfo) -> dt.datetime:
        """When the session begins (its first day; midnight if it has no times)."""
        return dt.datetime.combine(self.days[0], self.start or dt.time(0, 0), zone)

    def ends(self, zone: ZoneInfo) -> dt.datetime:
        """When the session is over (its last day; the end of that day if it has no times)."""
        return dt.datetime.combine(self.days[-1], self.end or dt.time(23, 59), zone)


@dataclass(frozen=True)
class AssignmentDates:
    """When one assignment is released and due for this cohort."""

    assignment: str
    title: str
    notebooks: tuple[str, ...]
    released_after: str
    due_before: str
    release: dt.datetime
    due: dt.datetime
    overridden: bool


@dataclass(frozen=True)
class Schedule:
    """A cohort: its sessions, late policy and each assignment's dates."""

    cohort: str
    title: str
    start: dt.date
    end: dt.date
    zone: ZoneInfo
    late_policy: str
    sessions: tuple[Session, ...]
    assignments: tuple[AssignmentDates, ...]
    path: Path

    def dates_for(self, assignment: str) -> AssignmentDates:
        """The dates of ``assignment``, or a :class:`UsageError` listing those there are."""
        for dates in self.assignments:
            if dates.assignment == assignment:
                return dates
        known = ", ".join(d.assignment for d in self.assignments)
        raise UsageError(
            f"no assignment {assignment!r} in the syllabus; the assignments are: {known}."
        )

    def released_by(self, when: dt.datetime) -> list[AssignmentDates]:
        """The assignments whose release time has come by ``when``."""
        return [dates for dates in self.assignments if dates.release <= when]


#: Releasing an assignment earlier than this before its release date is worth a warning.
EARLY_RELEASE = dt.timedelta(weeks=6)


def release_warning(dates: AssignmentDates, now: dt.datetime) -> str:
    """Why releasing ``dates.assignment`` at ``now`` looks wrong (after it is due, or more
    than :data:`EARLY_RELEASE` before its release date), with the dates; or ``""``.

    >>> import zoneinfo
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> release, due = (dt.datetime(2024, 9, d, h, tzinfo=london) for d, h in [(10, 12), (27, 17)])
    >>> dates = AssignmentDates("00-a", "A", (), "joining", "workshop-1-2", release, due, False)
    >>> release_warning(dates, dt.datetime(2024, 9, 12, tzinfo=dt.UTC))
    ''
    >>> release_warning(dates, dt.datetime(2024, 10, 1, tzinfo=dt.UTC))[:52]
    '00-a was due Fri 27 Sep 2024 17:00 BST, before this '
    """
    zone = dates.due.tzinfo
    if now > dates.due:
        return (
            f"{dates.assignment} was due {dates.due:%a %d %b %Y %H:%M %Z}, before this release "
            f"({now.astimezone(zone):%a %d %b %Y %H:%M %Z}), so no one can hand it in on time; "
            "give it a later due date under assignments: in the cohort's schedule if trainees "
            "need one."
        )
    if dates.release - now > EARLY_RELEASE:
        return (
            f"{dates.assignment} is released more than {EARLY_RELEASE.days // 7} weeks before "
            f"its release date, {dates.release:%a %d %b %Y %H:%M %Z} (due "
            f"{dates.due:%a %d %b %Y %H:%M %Z}); check that this is the assignment you meant."
        )
    return ""


def load_schedule(cohort_file: Path, syllabus_file: Path) -> Schedule:
    """Read and check a cohort schedule against the syllabus; raise ScheduleError listing faults."""
    data = read_yaml(cohort_file, what="a cohort schedule", keep_lines=True)
    problems: list[str] = []
    if not isinstance(data, LineDict):
        raise ScheduleError(
            cohort_file, ["line 1: the file must be a mapping (cohort:, sessions:)"]
        )
    cohort = _text(data, "cohort", problems, pattern=_ID)
    title = _text(data, "title", problems, default=f"Cohort {cohort}")
    start = _date(data, "start", problems)
    end = _date(data, "end", problems)
    zone = _zone(data, problems)
    late_policy = _choice(data, "late_policy", LATE_POLICIES, problems, default="flag")
    days_before = data.get("deadline_days_before", 2)
    if not isinstance(days_before, int) or isinstance(days_before, bool) or days_before < 0:
        problems.append(
            f"line {data.line_of('deadline_days_before')}: deadline_days_before is "
            f"{days_before!r}; give a whole number of days (0 or more)."
        )
        days_before = 0
    deadline_time = _clock(data, "deadline_time", problems, default=dt.time(17, 0))
    sessions = _sessions(data, start, end, problems)
    assignments: list[AssignmentDates] = []
    if not problems:
        assignments = _assignment_dates(
            data, sessions, zone, days_before, deadline_time, syllabus_file, problems
        )
    if problems:
        raise ScheduleError(cohort_file, problems)
    return Schedule(
        cohort,
        title,
        start,
        end,
        zone,
        late_policy,
        tuple(sessions),
        tuple(assignments),
        cohort_file,
    )


def _text(data: LineDict, key: str, problems: list[str], *, default=None, pattern=None) -> str:
    value = data.get(key, default)
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(f"line {data.line_of(key)}: {key} is missing; add `{key}: ...`.")
        return ""
    text = str(value).strip()
    if pattern and not pattern.match(text):
        problems.append(
            f"line {data.line_of(key)}: {key} {text!r} may hold only letters, digits, - and _."
        )
    return text


def _date(data: LineDict, key: str, problems: list[str], value=None, line=None) -> dt.date:
    value = data.get(key) if value is None else value
    line = line or data.line_of(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, NotADate):
        problems.append(
            f"line {line}: {key} {value} is not a real date ({value.problem}); write a date "
            "as YYYY-MM-DD, e.g. 2024-10-01."
        )
    else:
        problems.append(f"line {line}: {key} is {value!r}; write a date as YYYY-MM-DD.")
    return dt.date.min


def _zone(data: LineDict, problems: list[str]) -> ZoneInfo:
    name = data.get("timezone", "Europe/London")
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"line {data.line_of('timezone')}: timezone {name!r} is unknown; "
            "use a name such as Europe/London."
        )
        return ZoneInfo("Europe/London")


def _choice(data: LineDict, key: str, choices: dict, problems: list[str], default: str) -> str:
    value = data.get(key, default)
    if value not in choices:
        problems.append(
            f"line {data.line_of(key)}: {key} {value!r} is not known; "
            f"choose one of: {', '.join(choices)}."
        )
        return default
    return value


def _clock(data: LineDict, key: str, problems: list[str], default: dt.time) -> dt.time:
    value = data.get(key)
    if value is None:
        return default
    match = re.match(r"^\s*(\d{1,2}):(\d{2})\s*$", value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        problems.append(
            f'line {data.line_of(key)}: {key} is {value!r}; write a time in quotes, e.g. "17:00".'
        )
        return default
    return dt.time(int(match[1]), int(match[2]))


def _sessions(data: LineDict, start: dt.date, end: dt.date, problems: list[str]) -> list[Session]:
    entries = data.get("sessions")
    if not isinstance(entries, list) or not entries:
        problems.append(f"line {data.line_of('sessions')}: sessions is missing or empty.")
        return []
    sessions: list[Session] = []
    for entry in entries:
        if not isinstance(entry, LineDict):
            problems.append(f"line {data.line_of('sessions')}: each session must be a mapping.")
            continue
        session = _session(entry, problems)
        if session is None:
            continue
        where = f"line {entry.line}: session {session.id}"
        if any(other.id == session.id for other in sessions):
            problems.append(f"{where} is listed twice; give each session its own id.")
        if sessions and session.days[0] < sessions[-1].days[-1]:
            problems.append(
                f"{where} ({session.days[0]}) comes before session {sessions[-1].id} "
                f"({sessions[-1].days[-1]}, line {sessions[-1].line}); list sessions in date "
                "order and check the dates."
            )
        if start != dt.date.min and end != dt.date.min:
            if session.days[0] < start or session.days[-1] > end:
                problems.append(
                    f"{where} ({session.days[0]}) falls outside the cohort's start "
                    f"{start} and end {end}; correct the date or the cohort's start/end."
                )
        sessions.append(session)
    if start != dt.date.min and end != dt.date.min and end < start:
        problems.append(f"line {data.line_of('end')}: end {end} is before start {start}.")
    return sessions


def _session(entry: LineDict, problems: list[str]) -> Session | None:
    before = len(problems)
    session_id = _text(entry, "id", problems, pattern=_ID)
    kind = entry.get("kind")
    if kind not in SESSION_KINDS:
        problems.append(
            f"line {entry.line_of('kind')}: session {session_id or '?'} has kind {kind!r}, "
            f"which is not known; use one of: {', '.join(SESSION_KINDS)}."
        )
    raw_days = entry.get("days")
    raw_days = raw_days if isinstance(raw_days, list) else [raw_days]
    days = [_date(entry, "days", problems, value=day) for day in raw_days]
    if len(problems) == before and days != sorted(days):
        problems.append(
            f"line {entry.line_of('days')}: session {session_id}'s days are out of order."
        )
    start = end = None
    times = entry.get("times")
    if times is not None:
        match = _TIMES.match(str(times))
        if not match:
            problems.append(
                f'line {entry.line_of("times")}: times {times!r}; write them as "09:00-17:00".'
            )
        else:
            try:
                start = dt.time(int(match[1]), int(match[2]))
                end = dt.time(int(match[3]), int(match[4]))
            except ValueError:
                problems.append(
                    f"line {entry.line_of('times')}: times {times!r} is not a real time."
                )
            else:
                if end <= start:
                    problems.append(
                        f"line {entry.line_of('times')}: session {session_id} ends ({end:%H:%M}) "
                        f"before it starts ({start:%H:%M})."
                    )
    elif kind != "milestone":
        problems.append(
            f'line {entry.line}: session {session_id} has no times; add times: "10:00-12:00".'
        )
    venue = str(entry.get("venue") or "").strip()
    if not venue:
        problems.append(
            f"line {entry.line}: session {session_id} has no venue; give a place or 'virtual'."
        )
    if len(problems) > before:
        return None
    title = str(entry.get("title") or session_id)
    return Session(session_id, str(kind), title, tuple(days), start, end, venue, entry.line)


def _assignment_dates(
    data: LineDict,
    sessions: list[Session],
    zone: ZoneInfo,
    days_before: int,
    deadline_time: dt.time,
    syllabus_file: Path,
    problems: list[str],
) -> list[AssignmentDates]:
    syllabus = read_yaml(syllabus_file, what="the syllabus", keep_lines=True)
    by_id = {session.id: session for session in sessions}
    overrides = data.get("assignments") or LineDict()
    entries = syllabus.get("assignments") or [] if isinstance(syllabus, dict) else []
    known = {entry.get("id") for entry in entries if isinstance(entry, dict)}
    for name in overrides:
        if name not in known:
            problems.append(
                f"line {overrides.line_of(name)}: assignment {name!r} is not in the syllabus; "
                f"the assignments are: {', '.join(sorted(map(str, known)))}."
            )
    result = []
    for entry in entries:
        name = entry.get("id")
        missing = [
            f"session {entry.get(key)!r} ({key}, {syllabus_file} line {entry.line_of(key)})"
            for key in ("released_after", "due_before")
            if entry.get(key) not in by_id
        ]
        if missing:
            problems.append(
                f"line {data.line_of('sessions')}: the schedule has no {' or '.join(missing)} "
                f"for assignment {name}; add the session, or correct the syllabus."
            )
            continue
        release = by_id[entry["released_after"]].ends(zone)
        due_day = by_id[entry["due_before"]].days[0] - dt.timedelta(days=days_before)
        due = dt.datetime.combine(due_day, deadline_time, zone)
        override = overrides.get(name) or LineDict()
        if override and not isinstance(override, LineDict):
            problems.append(
                f"line {overrides.line_of(name)}: give {name}'s dates as release:/due:."
            )
            continue
        for key in set(override) - {"release", "due"}:
            problems.append(
                f"line {override.line_of(key)}: {name} has {key!r}; only release and due "
                "can be overridden."
            )
        if "release" in override:
            release = _when(override, "release", zone, dt.time(9, 0), problems) or release
        if "due" in override:
            due = _when(override, "due", zone, deadline_time, problems) or due
        if due <= release:
            line = override.line_of("due") if "due" in override else data.line_of("sessions")
            problems.append(
                f"line {line}: assignment {name} is due {due:%Y-%m-%d %H:%M}, before it is "
                f"released {release:%Y-%m-%d %H:%M}; move the due date later (or the release "
                "earlier)."
            )
        result.append(
            AssignmentDates(
                assignment=name,
                title=str(entry.get("title") or name),
                notebooks=tuple(entry.get("notebooks") or ()),
                released_after=entry["released_after"],
                due_before=entry["due_before"],
                release=release,
                due=due,
                overridden=bool(override),
            )
        )
    return result


def _when(
    data: LineDict, key: str, zone: ZoneInfo, default_time: dt.time, problems: list[str]
) -> dt.datetime | None:
    value = data[key]
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, default_time, zone)
    match = _WHEN.match(str(value))
    try:
        day = dt.date.fromisoformat(match[1]) if match else None
        clock = dt.time(int(match[2]), int(match[3])) if match and match[2] else default_time
    except ValueError:
        day = None
    if day is None:
        problems.append(
            f'line {data.line_of(key)}: {key} is {value!r}; write it as "2024-09-27 17:00".'
        )
        return None
    return dt.datetime.combine(day, clock, zone)
