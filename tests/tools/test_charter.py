"""Tests for icp_helpers.charter: the project charter, its checks and its one-page Markdown."""

from __future__ import annotations

import pytest

from icp_helpers.aims import AimStatement
from icp_helpers.charter import CharterError, ProjectCharter
from icp_helpers.errors import IcpError
from icp_helpers.fields import FieldError
from icp_helpers.measures import Measure, MeasurementPlan

AIM = AimStatement(
    "Reduce physical violence",
    "Willow ward",
    "incidents per 1,000 occupied bed days",
    34,
    20,
    "2025-03-31",
)
MEASURES = [
    Measure("Physical violence per 1,000 occupied bed days", "outcome"),
    Measure("Days with a mutual help meeting", "process"),
    Measure("Restraint per 1,000 occupied bed days", "balancing"),
]


def _charter(**changes):
    values = {
        "title": "Willow ward: fewer violent incidents",
        "problem": "Physical violence averaged about 34 incidents per 1,000 occupied bed days.",
        "aim": AIM,
        "scope": "In: physical violence on Willow ward. Out: verbal aggression.",
        "team": {"Ward manager": "team lead", "Former patient of the ward": "lived experience"},
        "sponsor": "The directorate's head of nursing",
        "measures": MEASURES,
        "timeline": {"Aim date": "2025-03-31", "First PDSA cycles": "2023-11-01"},
    }
    values.update(changes)
    return ProjectCharter(**values)


def test_a_complete_charter_has_no_gaps_and_prints_every_section_in_order():
    charter = _charter()
    assert charter.gaps() == []
    text = charter.markdown()
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["Problem", "Aim", "Scope", "Team", "Sponsor", "Measures", "Timeline"]
    assert (
        "Reduce physical violence on Willow ward from 34 to 20 incidents per 1,000 occupied "
        "bed days by 31 March 2025"
    ) in text
    assert "- Balancing: Restraint per 1,000 occupied bed days" in text
    # milestones come out in date order, whatever order they were given in
    assert text.index("- 1 November 2023: First PDSA cycles") < text.index("31 March 2025: Aim")


def test_typed_text_cannot_become_html_in_the_markdown():
    text = _charter(scope="In: <script>alert(1)</script> & more").markdown()
    assert "<script>" not in text
    assert "In: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in text


def test_an_empty_charter_lists_every_section_to_agree():
    gaps = ProjectCharter(title="Cedar ward: fewer falls").gaps()
    assert [gap.split(":")[0] for gap in gaps] == [
        "Problem",
        "Aim",
        "Scope",
        "Team",
        "Sponsor",
        "Measures",
        "Measures",
        "Measures",
        "Timeline",
    ]
    with pytest.raises(CharterError, match=r"Sponsor: name the senior person") as caught:
        ProjectCharter(title="Cedar ward: fewer falls").markdown()
    assert isinstance(caught.value, IcpError)


def test_a_missing_balancing_measure_is_named():
    assert _charter(measures=MEASURES[:2]).gaps() == [
        "Measures: add a balancing measure (measures=[Measure(..., 'balancing')])"
    ]


def test_an_aim_given_as_text_must_be_smart():
    assert _charter(aim="Reduce violence on Willow ward by March 2025").gaps() == [
        "Aim: the aim is not SMART yet, it lacks measure, baseline, target (aim=...)"
    ]
    smart = (
        "Reduce physical violence on Willow ward from 34 to 20 incidents per 1,000 "
        "occupied bed days by March 2025"
    )
    assert _charter(aim=smart).gaps() == []


def test_a_timeline_that_ends_before_the_aim_date_is_flagged():
    gaps = _charter(timeline={"Start": "2023-11-01", "Review": "2024-06-30"}).gaps()
    assert gaps == [
        "Timeline: it ends before the aim's date (31 March 2025); add a milestone at or after "
        "it (timeline=...)"
    ]
    assert (
        _charter(timeline={"Start": "2023-11-01"})
        .gaps()[0]
        .startswith("Timeline: give at least a start and an end")
    )


def test_a_measurement_plan_is_accepted_as_the_measures():
    plan = MeasurementPlan("Willow ward", MEASURES)
    assert _charter(measures=plan).measures is plan


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"title": " "}, "title is empty"),
        ({"problem": 34}, "problem must be text"),
        ({"team": ["Ward manager"]}, "team must be a dictionary of person and role"),
        ({"team": {"Ward manager": ""}}, "team: Ward manager has no role"),
        ({"measures": "restraint"}, "measures must be a list of Measure"),
        ({"measures": [MEASURES[0], "restraint"]}, "measures item 2 is a str, not a Measure"),
        ({"timeline": ["2024-02-01"]}, "timeline must be a dictionary of milestone and date"),
        ({"timeline": {"Safewards": "Feb 2024"}}, "timeline: Safewards: 'Feb 2024' is not a date"),
        ({"timeline": {"Safewards": None}}, "timeline: Safewards has no date"),
    ],
)
def test_bad_values_raise_naming_the_field(changes, words):
    with pytest.raises(FieldError) as caught:
        _charter(**changes)
    assert words in str(caught.value)
