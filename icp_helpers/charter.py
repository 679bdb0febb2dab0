"""The project charter: the one page a team and its sponsor agree before the work starts.

A charter says what the problem is, what the team is trying to accomplish (a SMART aim, see
:mod:`icp_helpers.aims`), what is in and out of scope, who is on the team and in which role,
who the sponsor is, the family of measures (outcome, process and balancing, see
:mod:`icp_helpers.measures`) and a timeline of milestones. Construction checks each value
and raises :class:`~icp_helpers.fields.FieldError` naming the field; :meth:`ProjectCharter.gaps`
lists what is still to agree, and :meth:`ProjectCharter.require_complete` raises
:class:`CharterError` listing it.

A worked example, Willow ward's violence project:

>>> from icp_helpers.aims import AimStatement
>>> from icp_helpers.measures import Measure
>>> charter = ProjectCharter(
...     title="Willow ward: fewer violent incidents",
...     problem="Physical violence averaged about 34 incidents per 1,000 occupied bed days "
...             "from April 2022 to January 2024, harming patients and staff.",
...     aim=AimStatement("Reduce physical violence", "Willow ward",
...                      "incidents per 1,000 occupied bed days", 34, 20, "2025-03-31"),
...     scope="In: physical violence on Willow ward, all shifts. Out: verbal aggression; "
...           "other wards until the work spreads.",
...     team={"Ward manager": "team lead", "Ward psychologist": "clinical lead",
...           "Former patient of the ward": "lived experience partner"},
...     sponsor="The directorate's head of nursing",
...     measures=[Measure("Physical violence per 1,000 occupied bed days", "outcome"),
...               Measure("Days with a mutual help meeting", "process"),
...               Measure("Restraint per 1,000 occupied bed days", "balancing")],
...     timeline={"First PDSA cycles": "2023-11-01", "Safewards on the ward": "2024-02-01",
...               "Aim date": "2025-03-31"})
>>> charter.gaps()
[]
>>> print(charter.markdown().splitlines()[0])
# Project charter: Willow ward: fewer violent incidents
>>> for gap in ProjectCharter(title="Cedar ward: fewer falls", aim="Reduce falls").gaps()[:2]:
...     print(gap)
Problem: say what is wrong now and for whom, with a number if you have one (problem=...)
Aim: the aim is not SMART yet, it lacks where, measure, baseline, target, by when (aim=...)
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from icp_helpers.aims import AimStatement, check_aim
from icp_helpers.errors import IcpError
from icp_helpers.fields import FieldError, clean_text, parse_date
from icp_helpers.measures import MEASURE_KINDS, Measure, MeasurementPlan

__all__ = ["CharterError", "ProjectCharter"]


class CharterError(IcpError, ValueError):
    """The charter is not complete; the message lists each section still to agree."""


def _mapping(value: object, name: str, pairs: str, example: str) -> list[tuple[Any, Any]]:
    """The (key, value) pairs of a dictionary field (none for ``None``), or a
    :class:`FieldError` naming the field, what it pairs and an example.

    >>> _mapping(None, "team", "person and role", "{'Ward manager': 'team lead'}")
    []
    >>> _mapping(["Ward manager"], "team", "person and role", "{'Ward manager': 'team lead'}")
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: team must be a dictionary of person and role, e.g. ...
    """
    if value is None:
        return []
    if not isinstance(value, Mapping):
        raise FieldError(
            f"{name} must be a dictionary of {pairs}, e.g. {example}, not {type(value).__name__}"
        )
    return list(value.items())


def _team(value: object) -> dict[str, str]:
    """``{person: role}`` with both cleaned; people may be named by their post."""
    team = {}
    for person, role in _mapping(value, "team", "person and role", "{'Ward manager': 'team lead'}"):
        name = clean_text(person, "team member")
        job = clean_text(role, f"the role of {name or 'a team member'}")
        if not name:
            raise FieldError("team has an empty name; name each person (or their post)")
        if not job:
            raise FieldError(f"team: {name} has no role; say what they do, e.g. 'team lead'")
        team[name] = job
    return team


def _measures(value: object, title: str) -> MeasurementPlan:
    if isinstance(value, MeasurementPlan):
        return value
    if value is None:
        value = []
    if isinstance(value, Measure) or not isinstance(value, Iterable) or isinstance(value, str):
        raise FieldError(
            "measures must be a list of Measure(...) (outcome, process and balancing), not "
            + type(value).__name__
        )
    items = list(value)
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Measure):
            raise FieldError(f"measures item {number} is a {type(item).__name__}, not a Measure")
    return MeasurementPlan(title or "Project measures", items)


def _timeline(value: object) -> dict[str, dt.date]:
    """``{milestone: date}`` in date order."""
    dates = {}
    example = "{'Baseline data collected': '2023-10-31'}"
    for milestone, when in _mapping(value, "timeline", "milestone and date", example):
        name = clean_text(milestone, "timeline milestone")
        if not name:
            raise FieldError("timeline has an empty milestone; name each one")
        day = parse_date(when, f"timeline: {name}")
        if day is None:
            raise FieldError(f"timeline: {name} has no date; give it as YYYY-MM-DD")
        dates[name] = day
    return dict(sorted(dates.items(), key=lambda item: item[1]))


@dataclass
class ProjectCharter:
    """A project charter, checked as it is made.

    ``aim`` is an :class:`~icp_helpers.aims.AimStatement` or the aim as text (read by
    :func:`~icp_helpers.aims.check_aim`); ``team`` maps each person (or post) to their role;
    ``measures`` is a list of :class:`~icp_helpers.measures.Measure` or a
    :class:`~icp_helpers.measures.MeasurementPlan`; ``timeline`` maps each milestone to its
    date (``YYYY-MM-DD`` text or a date). See the module's worked example.
    """

    title: str
    problem: str = ""
    aim: AimStatement | str = ""
    scope: str = ""
    team: dict[str, str] = field(default_factory=dict)
    sponsor: str = ""
    measures: Any = field(default_factory=list)
    timeline: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.title = clean_text(self.title, "title")
        if not self.title:
            raise FieldError("title is empty; name the project, e.g. 'Cedar ward: fewer falls'")
        for name in ("problem", "scope", "sponsor"):
            setattr(self, name, clean_text(getattr(self, name), name))
        if not isinstance(self.aim, AimStatement):
            self.aim = clean_text(self.aim, "aim")
        self.team = _team(self.team)
        self.measures = _measures(self.measures, self.title)
        self.timeline = _timeline(self.timeline)

    def gaps(self) -> list[str]:
        """Each section still to agree, with what to add (an empty list when complete)."""
        found = []
        if not self.problem:
            found.append(
                "Problem: say what is wrong now and for whom, with a number if you have one "
                "(problem=...)"
            )
        if not self.aim:
            found.append("Aim: write the aim statement (aim=...)")
        elif isinstance(self.aim, str) and not check_aim(self.aim).is_smart:
            lacking = ", ".join(name.replace("_", " ") for name in check_aim(self.aim).missing)
            found.append(f"Aim: the aim is not SMART yet, it lacks {lacking} (aim=...)")
        if not self.scope:
            found.append("Scope: say what is in the project and what is left out (scope=...)")
        if not self.team:
            found.append("Team: name the people who will do the work, each with a role (team=...)")
        if not self.sponsor:
            found.append(
                "Sponsor: name the senior person who owns the problem and can unblock the work "
                "(sponsor=...)"
            )
        for kind in MEASURE_KINDS:
            if not self.measures.by_kind(kind):
                found.append(f"Measures: add a {kind} measure (measures=[Measure(..., '{kind}')])")
        if len(self.timeline) < 2:
            found.append(
                "Timeline: give at least a start and an end milestone with dates (timeline=...)"
            )
        elif isinstance(self.aim, AimStatement) and self.aim.by_when > max(self.timeline.values()):
            found.append(
                f"Timeline: it ends before the aim's date ({_day(self.aim.by_when)}); add a "
                "milestone at or after it (timeline=...)"
            )
        return found

    def require_complete(self) -> None:
        """Raise :class:`CharterError` listing every section still to agree, if any."""
        gaps = self.gaps()
        if gaps:
            raise CharterError("the charter is not complete yet:\n- " + "\n- ".join(gaps))

    def markdown(self) -> str:
        """The charter as one page of Markdown, with ``&``, ``<`` and ``>`` in the text escaped
        so that typed text cannot become HTML (raises :class:`CharterError` if incomplete)."""
        self.require_complete()
        esc = _escape
        lines = [f"# Project charter: {esc(self.title)}", "", "## Problem", "", esc(self.problem)]
        lines += ["", "## Aim", "", esc(str(self.aim)), "", "## Scope", "", esc(self.scope), ""]
        lines += ["## Team", ""]
        lines += [f"- {esc(person)}: {esc(role)}" for person, role in self.team.items()]
        lines += ["", "## Sponsor", "", esc(self.sponsor), "", "## Measures", ""]
        lines += [f"- {m.kind.capitalize()}: {esc(m.name)}" for m in self.measures.measures]
        lines += ["", "## Timeline", ""]
        lines += [f"- {_day(when)}: {esc(name)}" for name, when in self.timeline.items()]
        return "\n".join(lines) + "\n"


def _day(when: dt.date) -> str:
    """``1 April 2022``: the day without a leading zero, as the aims module writes dates."""
    return f"{when.day} {when:%B %Y}"


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
