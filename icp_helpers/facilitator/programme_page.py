"""Each trainee's whole programme on one page: their marks, feedback and outstanding work.

``icp report 10`` writes, for every trainee on the roster, a folder of their own::

    reports/trainees/t01/
      programme.html                                  every assignment, one row each
      00-getting-started-feedback/getting-started.html   their feedback pages (as in the
                                                          feedback zip), linked from the page

A page is made from that trainee's own progress rows and feedback only, so it holds no other
trainee's id, name or marks, and the folder can be shared with that trainee alone. Times are
in the cohort's time zone (GMT or BST for Europe/London). Written owner-only, like every
report.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from icp_helpers.facilitator.cohort import AssignmentDates, Schedule
from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.dashboard import score_text
from icp_helpers.facilitator.outcomes import GRADED, UNUSABLE
from icp_helpers.facilitator.privacy import private_folder, write_private_text
from icp_helpers.facilitator.roster import Trainee, read_roster

PAGE = "programme.html"


def when(moment: dt.datetime) -> str:
    """A date and time as the pages show it, with its zone's abbreviation.

    >>> import zoneinfo
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> when(dt.datetime(2024, 10, 31, 17, 0, tzinfo=london))
    'Thu 31 Oct 2024 17:00 GMT'
    """
    return f"{moment:%a %d %b %Y %H:%M %Z}"


def standing(dates: AssignmentDates, row: Mapping | None) -> tuple[str, str, bool]:
    """An assignment's marks, where it stands, and whether it is work still to do, in the
    trainee's terms, from their progress row (None: not released to the cohort yet).

    >>> import zoneinfo
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> due = dt.datetime(2024, 9, 27, 17, 0, tzinfo=london)
    >>> dates = AssignmentDates("00-a", "A", (), "joining", "workshop-1", due, due, False)
    >>> standing(dates, {"outcome": "missing", "late": False})
    ('–', 'Not handed in; it was due Fri 27 Sep 2024 17:00 BST.', True)
    """
    due = when(dates.due)
    if row is None:
        return "–", f"Not released yet; due {due}.", True
    outcome = row["outcome"]
    if outcome == "not_due":
        return "–", f"To hand in by {due}.", True
    if outcome == "missing":
        return "–", f"Not handed in; it was due {due}.", True
    if outcome == "not_graded":
        return "–", "Handed in; not marked yet.", False
    if outcome in UNUSABLE:
        return "–", f"Could not be marked ({UNUSABLE[outcome]}); please send it again.", True
    if outcome not in GRADED:
        return "–", "Handed in; your facilitator is checking it.", False
    marks = score_text(row["score"], row["max_score"], row["awaiting_marking"])
    text = (
        "Marked" if not row["awaiting_marking"] else "Autograded; your reflection is to be marked"
    )
    if row.get("needs_remarking"):
        text = "Being marked again (you changed your answer after it was marked)"
    return marks, text + (", handed in late." if row["late"] else "."), False


def programme_html(
    trainee: Trainee,
    schedule: Schedule,
    progress: pd.DataFrame,
    feedback: Mapping[str, Sequence[str]],
) -> str:
    """``trainee``'s page: ``progress`` holds their rows only (see
    :func:`~icp_helpers.facilitator.report.progress_table`), ``feedback`` the links to their
    feedback pages by assignment, relative to the page."""
    rows = {str(row["assignment"]): row for row in progress.to_dict("records")}
    table, outstanding = [], []
    for dates in schedule.assignments:
        marks, text, to_do = standing(dates, rows.get(dates.assignment))
        if to_do:
            outstanding.append(f"<li>{html.escape(dates.title)}: {html.escape(text)}</li>")
        links = (
            " ".join(
                f'<a href="{html.escape(link)}">{html.escape(Path(link).stem)}</a>'
                for link in feedback.get(dates.assignment, ())
            )
            or "–"
        )
        table.append(
            f"<tr><th>{html.escape(dates.assignment)}<br>{html.escape(dates.title)}</th>"
            f"<td>{html.escape(when(dates.due))}</td><td>{html.escape(marks)}</td>"
            f"<td>{html.escape(text)}</td><td>{links}</td></tr>"
        )
    name = f"{trainee.first_name} {trainee.last_name}".strip()
    return _PAGE.format(
        title=html.escape(f"{name} ({trainee.id}): your programme"),
        subtitle=html.escape(
            f"{schedule.title}. Made {when(dt.datetime.now(schedule.zone))}; times are "
            f"{schedule.zone.key} time."
        ),
        outstanding="<ul>" + "".join(outstanding) + "</ul>"
        if outstanding
        else "<p>Nothing outstanding: every assignment so far is handed in.</p>",
        rows="".join(table),
    )


def write_programme_pages(folder: CohortFolder, progress: pd.DataFrame, out: Path) -> Path:
    """Write every trainee's folder (page and feedback) under ``out``; return ``out``."""
    schedule = folder.schedule()
    private_folder(out)
    for trainee in read_roster(folder):
        mine = private_folder(out / trainee.id)
        links: dict[str, list[str]] = {}
        for assignment in dict.fromkeys(progress["assignment"]):
            pages = sorted((folder.root / "feedback" / trainee.id / assignment).glob("*.html"))
            for page in pages:
                link = f"{assignment}-feedback/{page.name}"
                private_folder(mine / f"{assignment}-feedback")
                write_private_text(mine / link, page.read_text(encoding="utf-8"))
                links.setdefault(assignment, []).append(link)
        rows = progress[progress["trainee"] == trainee.id]
        write_private_text(mine / PAGE, programme_html(trainee, schedule, rows, links))
    return out


_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: Arial, sans-serif; margin: 2em; color: #222; max-width: 1000px; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
th, td {{ border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
</style></head><body>
<h1>{title}</h1>
<p>{subtitle}</p>
<h2>Still to do</h2>
{outstanding}
<h2>Every assignment</h2>
<p>Marks are out of each assignment's total; a reflection counts once your facilitator has
marked it. Open the feedback for what each check found.</p>
<table><tr><th>assignment</th><th>due</th><th>marks</th><th>where it stands</th>
<th>feedback</th></tr>{rows}</table>
</body></html>
"""
