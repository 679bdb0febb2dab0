"""A cohort's calendar: printed for facilitators, and as an iCalendar file for trainees.

>>> from pathlib import Path
>>> from icp_helpers.facilitator.cohort import load_schedule
>>> schedule = load_schedule(Path("course/cohorts/10.yml"), Path("course/syllabus.yml"))
>>> print(calendar_text(schedule).splitlines()[4])
Tue 10 Sep 2024  10:00-12:00  Induction (joining the programme) (induction, virtual)
>>> ics = calendar_ics(schedule, stamp=dt.datetime(2024, 9, 1, tzinfo=dt.UTC))
>>> ics.count("BEGIN:VEVENT") == 11 + len(schedule.assignments)  # 11 session days, due dates
True
>>> "DTSTART;TZID=Europe/London:20241001T090000" in ics
True
"""

from __future__ import annotations

import datetime as dt

from icp_helpers.facilitator.cohort import LATE_POLICIES, SESSION_KINDS, Schedule


def calendar_text(schedule: Schedule) -> str:
    """Every session, release and due date in date order, as a plain-text table."""
    events: list[tuple[dt.datetime, int, str, str]] = []
    for session in schedule.sessions:
        times = f"{session.start:%H:%M}-{session.end:%H:%M}" if session.start else "all day"
        kind = SESSION_KINDS[session.kind]
        for day in session.days:
            when = dt.datetime.combine(day, session.start or dt.time(0, 0), schedule.zone)
            events.append((when, 0, times, f"{session.title} ({kind}, {session.venue})"))
    for dates in schedule.assignments:
        note = " (date set in the schedule)" if dates.overridden else ""
        events.append(
            (dates.release, 1, f"{dates.release:%H:%M}", f"  released: {dates.assignment}{note}")
        )
        events.append((dates.due, 1, f"{dates.due:%H:%M}", f"  due:      {dates.assignment}{note}"))
    lines = [
        f"Cohort {schedule.cohort}: {schedule.title}",
        f"{schedule.start:%d %b %Y} to {schedule.end:%d %b %Y} ({schedule.zone.key}); "
        f"{LATE_POLICIES[schedule.late_policy]}.",
        "",
        f"{'date':<15}  {'time':<11}  what",
    ]
    for when, _, time_text, what in sorted(events, key=lambda e: (e[0], e[1])):
        lines.append(f"{when:%a %d %b %Y}  {time_text:<11}  {what}")
    return "\n".join(lines) + "\n"


# Europe/London: GMT in winter, BST from the last Sunday of March to the last Sunday of October.
_LONDON = """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""


def calendar_ics(schedule: Schedule, stamp: dt.datetime | None = None) -> str:
    """An iCalendar (RFC 5545) file: one event per session day and one per due date.

    Times are in the cohort's time zone (Europe/London carries its own definition; other
    zones are written in UTC).
    """
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    london = schedule.zone.key == "Europe/London"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Improvement Coaching Programme//icp//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(schedule.title)}",
    ]
    if london:
        lines += _LONDON.splitlines()

    def when(key: str, moment: dt.datetime) -> str:
        if london:
            return f"{key};TZID=Europe/London:{moment:%Y%m%dT%H%M%S}"
        return f"{key}:{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"

    uid_base = f"icp-cohort-{schedule.cohort}"
    for session in schedule.sessions:
        for day in session.days:
            lines += ["BEGIN:VEVENT", f"UID:{uid_base}-{session.id}-{day:%Y%m%d}@icp"]
            lines.append(f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}")
            if session.start and session.end:
                lines.append(
                    when("DTSTART", dt.datetime.combine(day, session.start, schedule.zone))
                )
                lines.append(when("DTEND", dt.datetime.combine(day, session.end, schedule.zone)))
            else:
                lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
            lines.append(f"SUMMARY:{_escape(session.title)}")
            lines.append(f"LOCATION:{_escape(session.venue)}")
            lines.append(f"CATEGORIES:{_escape(SESSION_KINDS[session.kind])}")
            lines.append("END:VEVENT")
    for dates in schedule.assignments:
        lines += ["BEGIN:VEVENT", f"UID:{uid_base}-due-{dates.assignment}@icp"]
        lines.append(f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}")
        lines.append(when("DTSTART", dates.due))
        lines.append(when("DTEND", dates.due))
        lines.append(f"SUMMARY:{_escape(f'Due: {dates.title} ({dates.assignment})')}")
        lines.append(f"DESCRIPTION:{_escape(f'Submit your notebook before {dates.due_before}.')}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _escape(text: str) -> str:
    """Escape text for an iCalendar value.

    >>> _escape("NCVO, London; room 2")
    'NCVO\\\\, London\\\\; room 2'
    """
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, as RFC 5545 asks."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74
    return "\r\n ".join(parts)
