"""The teams and improvement projects behind the course data sets, read from ``projects.yaml``.

Every course data set that belongs to a project is told as one team's story in every notebook:
Willow ward's violence work, Cedar ward's falls, the North CMHT's missed appointments. This
module is the one place that names them. A project gives its team, setting and aim; its baseline
and change dates are not typed again but taken from the data dictionaries of its data sets, which
must agree with each other (checked when the module is read).

>>> PROJECTS["willow_violence"].team
'Willow ward'
>>> PROJECTS["willow_violence"].change_start.date().isoformat()
'2024-02-01'
>>> project_for("did_not_attend").team
'North CMHT'
>>> print(project_for("physical_health_checks"))
None
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd

from icp_helpers.datasets.dictionary import DICTIONARIES, DataDictionary
from icp_helpers.files import parse_yaml

__all__ = ["OTHER_TEAMS", "PROJECTS", "Project", "parse_projects", "project_for"]

_FIELDS = ("team", "setting", "topic", "data_sets", "aim", "aim_date")


@dataclass(frozen=True)
class Project:
    """One team's improvement project and the course data sets that measure it.

    ``baseline_start`` is the first month of data, ``change_start`` the first period after the
    change (both from the data dictionaries); ``baseline_points`` counts the points before it.
    ``aim`` and ``aim_date`` are ``None`` for a project the course never gives an aim.

    >>> falls = PROJECTS["cedar_falls"]
    >>> falls.data_sets, falls.baseline_points, falls.aim_date.date().isoformat()
    (('falls',), 26, '2025-06-30')
    >>> str(falls).splitlines()[0]
    'Cedar ward (an 18-bed older-adult (functional and organic) ward): falls'
    """

    key: str
    team: str
    setting: str
    topic: str
    data_sets: tuple[str, ...]
    aim: str | None
    aim_date: pd.Timestamp | None
    baseline_start: pd.Timestamp
    change_start: pd.Timestamp
    baseline_points: int
    change: str

    def __str__(self) -> str:
        head = f"{self.team} ({self.setting}): {self.topic}"
        return f"{head}\nAim: {self.aim}" if self.aim else head


def parse_projects(
    entries: Mapping[str, Any], dictionaries: Mapping[str, DataDictionary]
) -> dict[str, Project]:
    """Build and check the projects from their YAML mapping; each error names what to fix.

    Each data set may belong to one project only, and a project's data sets must share their
    start, change date and baseline length.

    >>> fields = {"team": "Willow ward", "setting": "a ward", "topic": "violence",
    ...           "data_sets": ["violence"], "aim": None, "aim_date": None}
    >>> parse_projects({"demo": fields}, DICTIONARIES)["demo"].baseline_points
    22
    >>> parse_projects({"demo": {**fields, "data_sets": ["violence", "falls"]}}, DICTIONARIES)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Project 'demo': its data sets disagree on the baseline or change date ...
    """
    projects: dict[str, Project] = {}
    owner: dict[str, str] = {}
    for key, fields in entries.items():
        missing = [field for field in _FIELDS if field not in fields]
        if missing:
            raise ValueError(f"Project {key!r} lacks the field(s) {missing}; add them.")
        data_sets = tuple(fields["data_sets"])
        for name in data_sets:
            if name not in dictionaries:
                raise ValueError(f"Project {key!r} names data set {name!r}, which has no "
                                 "entry in dictionaries.yaml; add one or correct the name.")
            if name in owner:
                raise ValueError(f"Data set {name!r} belongs to both {owner[name]!r} and "
                                 f"{key!r}; a data set tells one team's story.")
            owner[name] = key
        timelines = {(dictionaries[n].start, dictionaries[n].change_date,
                      dictionaries[n].baseline_points) for n in data_sets}
        if len(timelines) != 1:
            raise ValueError(f"Project {key!r}: its data sets disagree on the baseline or change "
                             f"date ({', '.join(data_sets)}); give each project data sets with "
                             "one timeline.")
        (start, change_start, points), = timelines
        if (fields["aim"] is None) != (fields["aim_date"] is None):
            raise ValueError(f"Project {key!r} needs both an aim and an aim_date, or neither.")
        projects[key] = Project(
            key=key,
            team=str(fields["team"]),
            setting=str(fields["setting"]),
            topic=str(fields["topic"]),
            data_sets=data_sets,
            aim=fields["aim"],
            aim_date=None if fields["aim_date"] is None else pd.Timestamp(fields["aim_date"]),
            baseline_start=start,
            change_start=change_start,
            baseline_points=points,
            change=dictionaries[data_sets[0]].change_description,
        )
    return projects


def project_for(data_set: str) -> Project | None:
    """The project whose story data set ``data_set`` tells, or ``None`` if it belongs to none.

    >>> project_for("restraint").key
    'willow_violence'
    """
    for project in PROJECTS.values():
        if data_set in project.data_sets:
            return project
    return None


def _read() -> tuple[dict[str, Project], dict[str, str]]:
    text = resources.files(__package__).joinpath("data", "projects.yaml").read_text("utf-8")
    entries = parse_yaml(text, what="the course projects", source="projects.yaml")
    return parse_projects(entries["projects"], DICTIONARIES), dict(entries["other_teams"])


# PROJECTS: project key -> Project; OTHER_TEAMS: name -> setting of each team that appears in an
# example but owns no data set.
PROJECTS, OTHER_TEAMS = _read()
