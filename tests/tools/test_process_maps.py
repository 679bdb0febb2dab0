"""Tests for icp_helpers.diagrams.process_map and its swimlane drawing."""

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icp_helpers.diagrams import DiagramFileError
from icp_helpers.diagrams.process_map import (
    KINDS,
    ProcessMap,
    ProcessMapError,
    ProcessStep,
    format_minutes,
)
from icp_helpers.diagrams.process_map_plot import SHAPES, draw_process_map

FIXTURE = Path(__file__).parents[1] / "fixtures" / "tools" / "process_map_north_cmht_referral.yaml"
DAY = 24 * 60


def test_referral_pathway_measures_counted_by_hand():
    pm = ProcessMap.load(FIXTURE)
    # Owners in order: GP, GP, Admin x3, Duty x3, Team manager, Admin x2, Care coordinator:
    # changes GP->Admin, Admin->Duty, Duty->Manager, Manager->Admin, Admin->Care coordinator.
    assert pm.measures() == {
        "steps": 12,
        "handoffs": 5,
        "decisions": 1,
        "waits": 3,
        "value_added_minutes": 175.0,
        "waiting_minutes": 2 * DAY + 3 * DAY + DAY + 2 * DAY + 14 * DAY,
        "lead_time_minutes": 175.0 + 22 * DAY,
        "percent_value_added": pytest.approx(100 * 175 / (175 + 22 * DAY)),
    }
    assert pm.handoffs()[0] == (
        "Referral e-mailed to single point of access",
        "Referral waits in shared inbox",
    )
    assert pm.owners == ["GP", "Admin", "Duty clinician", "Team manager", "Care coordinator"]
    assert pm.summary() == (
        "12 steps, 5 hand-offs, 1 decision point; lead time 22 d 2 h 55 min, 0.5% value-added"
    )


def test_owner_changes_count_even_without_an_explicit_handoff_step():
    pm = ProcessMap.from_dict(
        {
            "title": "Physical health check",
            "steps": [
                {"name": "Invite sent", "owner": "Admin", "value_added_minutes": 5},
                {"name": "Bloods taken", "owner": "Nurse", "value_added_minutes": 15},
                {"name": "Results reviewed", "owner": "Doctor", "value_added_minutes": 10},
            ],
        }
    )
    assert pm.n_handoffs == 2
    assert pm.to_frame()["handoff_after"].tolist() == [True, True, False]


def test_a_map_with_no_times_has_nan_percent_value_added():
    pm = ProcessMap("Ward round", [ProcessStep("Review", owner="Consultant")])
    assert math.isnan(pm.percent_value_added)
    assert pm.summary().endswith("no times recorded")


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 min"), (59.6, "1 h"), (61, "1 h 1 min"), (DAY + 30, "1 d 30 min"), (3 * DAY, "3 d")],
)
def test_format_minutes(minutes, text):
    assert format_minutes(minutes) == text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "", "owner": "Admin"}, "Step name: expected some words"),
        ({"name": "Triage", "owner": ""}, "Step 'Triage', owner: say who does this step"),
        ({"name": "Triage", "owner": "Duty", "kind": "check"}, "kind: 'check' is not a kind"),
        ({"name": "Triage", "owner": "Duty", "value_added_minutes": "20"}, "expected a number"),
        ({"name": "Triage", "owner": "Duty", "waiting_minutes": -5}, "negative"),
        ({"name": "Triage", "owner": "Duty", "waiting_minutes": math.inf}, "expected a number"),
        (
            {"name": "Queue", "owner": "Admin", "kind": "wait", "value_added_minutes": 5},
            "adds no value",
        ),
    ],
)
def test_bad_steps_raise_errors_naming_step_and_field(kwargs, message):
    with pytest.raises(ProcessMapError, match=message):
        ProcessStep(**kwargs)


def step(name, owner, **kw):
    return ProcessStep(name, owner, **kw)


@pytest.mark.parametrize(
    ("title", "steps", "message"),
    [
        ("", [step("A", "X")], "title: give the map a title"),
        ("Map", [], "at least one step"),
        ("Map", "A", "expected a list of steps"),
        ("Map", [{"name": "A", "owner": "X"}], "use ProcessMap.from_dict"),
        ("Map", [step("A", "X"), step("A", "Y")], "'A' appears more than once"),
        ("Map", [step("A", "X", kind="handoff")], "it is the last step"),
        ("Map", [step("A", "X", kind="handoff"), step("B", "X")], "has the same owner"),
    ],
)
def test_bad_maps_raise_clear_errors(title, steps, message):
    with pytest.raises(ProcessMapError, match=message):
        ProcessMap(title, steps)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"steps": []}, 'exactly two keys, "title" and "steps"'),
        ({"title": "T", "steps": {"name": "A"}}, "expected a list of step dicts"),
        ({"title": "T", "steps": ["A"]}, r"steps\[0\]: expected a dict"),
        ({"title": "T", "steps": [{"name": "A"}]}, r"steps\[0\]: missing \['owner'\]"),
        ({"title": "T", "steps": [{"name": "A", "owner": "B", "who": "C"}]}, "unknown key"),
    ],
)
def test_bad_dicts_raise_clear_errors(data, message):
    with pytest.raises(ProcessMapError, match=message):
        ProcessMap.from_dict(data)


def test_dataframe_and_file_round_trips(tmp_path):
    pm = ProcessMap.load(FIXTURE)
    frame = pm.to_frame().drop(columns="handoff_after")
    assert ProcessMap.from_frame(pm.title, frame) == pm
    for name in ("map.yaml", "map.json"):
        pm.save(tmp_path / name)
        assert ProcessMap.load(tmp_path / name) == pm
    (tmp_path / "bad.yaml").write_text("title: T\nsteps:\n  - {name: A, owner: B\n", "utf-8")
    with pytest.raises(DiagramFileError, match="from bad.yaml: the YAML is malformed near line"):
        ProcessMap.load(tmp_path / "bad.yaml")
    (tmp_path / "kind.yaml").write_text("title: T\nsteps:\n  - {name: A, owner: B, kind: x}\n")
    with pytest.raises(ProcessMapError, match="kind.yaml: Step 'A', kind"):
        ProcessMap.load(tmp_path / "kind.yaml")


def test_from_frame_rejects_non_frames():
    with pytest.raises(ProcessMapError, match="expected a DataFrame"):
        ProcessMap.from_frame("T", [{"name": "A", "owner": "B"}])
    assert ProcessMap.from_frame("T", pd.DataFrame({"name": ["A"], "owner": ["B"]})).n_steps == 1


MINUTES = st.integers(0, 30 * DAY) | st.floats(0, 1e6, allow_nan=False)


@st.composite
def process_maps(draw):
    n = draw(st.integers(1, 25))
    owners = draw(
        st.lists(st.sampled_from(["Admin", "Nurse", "Doctor", "GP"]), min_size=n, max_size=n)
    )
    steps = []
    for i, owner in enumerate(owners):
        kind = draw(st.sampled_from([k for k in KINDS if k != "handoff"]))
        if i + 1 < n and owners[i + 1] != owner and draw(st.booleans()):
            kind = "handoff"
        value = 0 if kind == "wait" else draw(MINUTES)
        steps.append(ProcessStep(f"Step {i}", owner, kind, value, draw(MINUTES)))
    return ProcessMap("Generated", steps)


@given(process_maps())
def test_lead_time_is_value_added_plus_waiting(pm):
    assert pm.lead_time_minutes == pytest.approx(pm.value_added_minutes + pm.waiting_minutes)
    owners = [s.owner for s in pm.steps]
    assert pm.n_handoffs == sum(a != b for a, b in zip(owners, owners[1:], strict=False))
    assert pm.n_handoffs >= sum(s.kind == "handoff" for s in pm.steps)
    assert pm.n_handoffs <= pm.n_steps - 1
    if pm.lead_time_minutes:
        assert 0 <= pm.percent_value_added <= 100
    assert ProcessMap.from_dict(pm.to_dict()) == pm


def test_drawing_has_one_shape_per_step_lanes_and_summary(tmp_path):
    pm = ProcessMap.load(FIXTURE)
    ax = draw_process_map(pm)
    gids = [p.get_gid() for p in ax.patches]
    assert gids.count("step") == 12
    assert gids.count("arrow") == 11
    assert [t.get_text() for t in ax.get_yticklabels()] == pm.owners
    texts = " ".join(t.get_text().replace("\n", " ") for t in ax.texts)
    for s in pm.steps:
        assert s.name in texts
    assert "waits 14 d" in texts and "adds value 1 h 30 min" in texts
    assert pm.summary() in ax.get_xlabel()
    for shape in SHAPES.values():
        assert shape in ax.get_xlabel()
    assert ax.get_ylabel().startswith("Who does it")
    assert ax.get_title() == "Process map: Referral to first assessment, North CMHT"
    width, _ = ax.figure.get_size_inches()
    assert width > 20, "a 12-step map is drawn wide enough to read"
    ax.figure.savefig(tmp_path / "process_map.png", dpi=60)
    assert (tmp_path / "process_map.png").stat().st_size > 10_000
    plt.close(ax.figure)


def test_drawing_on_given_axes():
    fig, ax = plt.subplots()
    pm = ProcessMap("Ward round", [ProcessStep("Review", owner="Consultant")])
    assert draw_process_map(pm, ax=ax) is ax
    plt.close(fig)
