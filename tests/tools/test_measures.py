"""Tests for icp_helpers.measures: measures, plans, completeness, family and YAML files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icp_helpers.measures import (
    DEFINITION_FIELDS,
    MEASURE_KINDS,
    Measure,
    MeasurementPlan,
)
from icp_helpers.pdsa import DataFileError, FieldError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tools"


def test_complete_plan_has_no_problems():
    plan = MeasurementPlan.load(FIXTURES / "measures_willow_violence_plan.yaml")
    assert plan.title == "Reducing physical violence on Willow ward"
    assert [m.kind for m in plan.measures] == ["outcome", "process", "balancing"]
    assert plan.completeness() == {}
    assert plan.family_gaps() == []
    assert plan.problems() == []


def test_incomplete_plan_lists_missing_fields_per_measure():
    plan = MeasurementPlan.load(FIXTURES / "measures_incomplete_dna_plan.yaml")
    assert plan.completeness() == {
        "Did-not-attend rate, first appointments": ["inclusions", "exclusions", "owner"],
        "Reminder texts sent": [
            "denominator",
            "inclusions",
            "exclusions",
            "source",
            "frequency",
            "owner",
        ],
    }
    gaps = plan.family_gaps()
    assert len(gaps) == 1
    assert gaps[0].startswith("No balancing measure:")
    assert plan.problems()[1] == (
        "Did-not-attend rate, first appointments: the definition lacks inclusions, exclusions, "
        "owner."
    )


def test_family_check_names_each_missing_kind():
    plan = MeasurementPlan("Memory service waits", [Measure("Days to assessment", "process")])
    assert [gap.split(":")[0] for gap in plan.family_gaps()] == [
        "No outcome measure",
        "No balancing measure",
    ]
    empty = MeasurementPlan("Memory service waits", [])
    assert len(empty.family_gaps()) == 3


def test_none_counts_as_an_answer():
    measure = Measure("Days between falls", "outcome", denominator="none (days between events)")
    assert "denominator" not in measure.missing()


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: Measure("", "outcome"), "a measure's name is empty"),
        (lambda: Measure("Falls", "result"), "Falls: kind must be one of outcome, process"),
        (lambda: Measure("Falls", "balanceing"), "did you mean 'balancing'"),
        (lambda: Measure("Falls", "outcome", owner=12), "Falls: owner must be text"),
        (lambda: MeasurementPlan("", []), "the plan's title is empty"),
        (lambda: MeasurementPlan("Falls", ["Falls rate"]), "item 1 of the plan is a str"),
        (
            lambda: MeasurementPlan("Falls", [Measure("Falls", "outcome")] * 2),
            "two measures are called 'Falls'",
        ),
        (lambda: Measure.from_dict({"name": "Falls"}), "the measure has no kind"),
        (
            lambda: Measure.from_dict({"name": "Falls", "kind": "outcome", "numerater": "x"}),
            "did you mean 'numerator'",
        ),
        (lambda: MeasurementPlan("Falls", []).by_kind("input"), "kind must be one of"),
    ],
)
def test_bad_input_raises_naming_the_field(build, words):
    with pytest.raises(FieldError) as caught:
        build()
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("measures_malformed_syntax.yaml", "the YAML is malformed near line"),
        ("measures_malformed_kind.yaml", "measure 1: Falls rate: kind must be one of"),
    ],
)
def test_malformed_files_raise_clear_errors(name, words):
    with pytest.raises(DataFileError) as caught:
        MeasurementPlan.load(FIXTURES / name)
    assert words in str(caught.value)
    assert name in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "expected 'title: ...' and 'measures:'"),
        ("title: Falls\nmeasures: 3\n", "'measures:' must be followed by a list"),
        ("title: Falls\nmeasures: []\nowner: me\n", "unknown field 'owner'"),
        ("title: Falls\nmeasures:\n- Falls rate\n", "measure 1 must be a set of"),
    ],
)
def test_structurally_wrong_files(tmp_path, text, words):
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        MeasurementPlan.load(path)
    assert words in str(caught.value)
    assert path.read_text(encoding="utf-8") == text


def test_failed_save_leaves_the_old_plan(tmp_path, monkeypatch):
    path = tmp_path / "plan.yaml"
    plan = MeasurementPlan.load(FIXTURES / "measures_willow_violence_plan.yaml")
    plan.save(path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        MeasurementPlan("Other", []).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
    max_size=30,
)
_name = _text.filter(lambda t: t.strip() != "")


@st.composite
def plans(draw) -> MeasurementPlan:
    names = draw(st.lists(_name, max_size=4, unique_by=lambda t: t.strip().casefold()))
    measures = [
        Measure(
            name,
            draw(st.sampled_from(MEASURE_KINDS)),
            **{f: draw(_text) for f in DEFINITION_FIELDS},
        )
        for name in names
    ]
    return MeasurementPlan(draw(_name), measures)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=plans())
def test_plan_round_trips_through_yaml(tmp_path, plan):
    plan.save(tmp_path / "plan.yaml")
    assert MeasurementPlan.load(tmp_path / "plan.yaml") == plan


@settings(max_examples=60, deadline=None)
@given(plan=plans())
def test_problem_list_matches_the_checks(plan):
    kinds = {m.kind for m in plan.measures}
    assert len(plan.family_gaps()) == 3 - len(kinds)
    incomplete = [m for m in plan.measures if m.missing()]
    assert len(plan.problems()) == len(plan.family_gaps()) + len(incomplete)
