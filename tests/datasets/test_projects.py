"""The one register of teams and projects: it agrees with the data dictionaries, refuses drift."""

from __future__ import annotations

import pytest

from icp_helpers.datasets import PROJECTS, describe, names, project_for
from icp_helpers.datasets.dictionary import DICTIONARIES
from icp_helpers.datasets.projects import OTHER_TEAMS, parse_projects

FIELDS = {"team": "Willow ward", "setting": "a ward", "topic": "violence",
          "data_sets": ["violence"], "aim": None, "aim_date": None}


def test_the_canonical_names_of_this_course() -> None:
    assert project_for("violence").team == "Willow ward"
    assert project_for("restraint").team == "Willow ward"
    assert project_for("did_not_attend").team == "North CMHT"
    assert project_for("falls").team == "Cedar ward"
    assert project_for("physical_health_checks") is None


@pytest.mark.parametrize("key", list(PROJECTS))
def test_each_project_takes_its_timeline_from_its_dictionaries(key: str) -> None:
    project = PROJECTS[key]
    for name in project.data_sets:
        entry = DICTIONARIES[name]
        assert (project.baseline_start, project.change_start, project.baseline_points) == (
            entry.start, entry.change_date, entry.baseline_points)
    if project.aim is not None:
        assert project.team in project.aim
        assert project.aim_date is not None and project.aim_date > project.change_start
        assert f"{project.aim_date:%B %Y}" in project.aim


def test_describe_shows_the_team_and_its_aim() -> None:
    text = str(describe("did_not_attend"))
    assert "Team: North CMHT (a community mental health team" in text
    assert "Aim: Reduce did-not-attends in the North CMHT from 18% to 12%" in text
    assert "Team:" not in str(describe("physical_health_checks"))


def test_every_data_set_with_a_change_belongs_to_one_project_or_none() -> None:
    owned = [name for project in PROJECTS.values() for name in project.data_sets]
    assert len(owned) == len(set(owned))
    assert set(owned) <= set(names())


def test_other_teams_do_not_reuse_a_project_team_name() -> None:
    assert not set(OTHER_TEAMS) & {project.team for project in PROJECTS.values()}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"a": FIELDS, "b": FIELDS}, "Data set 'violence' belongs to both 'a' and 'b'"),
        ({"a": {**FIELDS, "data_sets": ["violent"]}}, "names data set 'violent', which has no"),
        ({"a": {**FIELDS, "aim": "Reduce it"}}, "needs both an aim and an aim_date, or neither"),
        ({"a": {k: v for k, v in FIELDS.items() if k != "team"}}, "lacks the field(s) ['team']"),
        ({"a": {**FIELDS, "data_sets": ["violence", "did_not_attend"]}},
         "its data sets disagree on the baseline or change date"),
    ],
)
def test_a_register_that_drifts_is_refused_with_what_to_fix(entries: dict, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_projects(entries, DICTIONARIES)
    assert message in str(caught.value)
