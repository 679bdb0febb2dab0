"""Tests for icp_helpers.diagrams.fishbone: the cause-and-effect model, files and drawing."""

from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icp_helpers.diagrams import DiagramFileError
from icp_helpers.diagrams.fishbone import (
    STANDARD_CATEGORIES,
    Cause,
    Fishbone,
    FishboneError,
    draw_fishbone,
)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "tools" / "fishbone_bancroft_violence.yaml"


def test_standard_template_has_the_six_categories_and_no_causes():
    fb = Fishbone.standard("Missed appointments in the North CMHT")
    assert (
        fb.categories
        == list(STANDARD_CATEGORIES)
        == [
            "People",
            "Methods",
            "Equipment",
            "Materials",
            "Measurement",
            "Environment",
        ]
    )
    assert fb.n_causes == 0


def test_fixture_loads_with_causes_and_sub_causes():
    fb = Fishbone.load(FIXTURE)
    assert fb.n_causes == 13
    assert fb.causes("Environment")[0] == Cause(
        "Noisy ward at shift change", ("Handover held in the corridor", "Phones ringing")
    )
    table = fb.to_frame()
    assert list(table.columns) == ["category", "cause", "sub_cause"]
    # 13 causes, 3 of them with 2, 1 and 2 sub-causes: 13 - 3 + 5 rows
    assert len(table) == 15
    assert table["cause"].nunique() == 13


def test_sub_causes_can_be_added_later():
    fb = Fishbone("Falls on Bancroft ward", ["Environment"])
    fb.add_cause("Environment", "Wet floors")
    fb.add_sub_cause("Environment", "Wet floors", "Mopping at busy times")
    assert fb.causes("Environment") == [Cause("Wet floors", ("Mopping at busy times",))]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda fb: fb.add_category("People"), "'People' is listed twice"),
        (lambda fb: fb.add_category(""), "category: expected some words"),
        (
            lambda fb: fb.add_cause("Peple", "Tired staff"),
            "No category 'Peple'. Did you mean 'People'",
        ),
        (lambda fb: fb.add_cause("People", "Bank staff"), "listed twice under 'People'"),
        (lambda fb: fb.add_cause("People", None), "cause under 'People'"),
        (lambda fb: fb.add_cause("People", "X", sub_causes="one"), "expected a list"),
        (lambda fb: fb.add_cause("People", "X", sub_causes=["a", "a"]), "'a' is listed twice"),
        (lambda fb: fb.add_sub_cause("People", "Nobody", "why"), "no cause 'Nobody'"),
    ],
)
def test_bad_input_raises_clear_errors(action, message):
    fb = Fishbone.standard("Violence on Bancroft ward")
    fb.add_cause("People", "Bank staff")
    with pytest.raises(FishboneError, match=message):
        action(fb)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": {}}, 'must be a dict with an "effect"'),
        ({"effect": "", "categories": {}}, "effect: expected some words"),
        ({"effect": "E", "bones": {}}, "Unknown key"),
        ({"effect": "E", "categories": ["People"]}, "categories: expected a mapping"),
        ({"effect": "E", "categories": {"People": "Bank staff"}}, "expected a list of causes"),
        ({"effect": "E", "categories": {"People": [{"text": "x"}]}}, "write it as a phrase"),
    ],
)
def test_malformed_dicts_raise_clear_errors(data, message):
    with pytest.raises(FishboneError, match=message):
        Fishbone.from_dict(data)


def test_save_load_round_trip_and_malformed_file(tmp_path):
    fb = Fishbone.load(FIXTURE)
    for name in ("fb.yaml", "fb.json"):
        fb.save(tmp_path / name)
        assert Fishbone.load(tmp_path / name) == fb
    (tmp_path / "bad.yaml").write_text(
        "effect: E\ncategories:\n  People: [a, b\n", encoding="utf-8"
    )
    with pytest.raises(DiagramFileError, match="from bad.yaml: the YAML is malformed near line"):
        Fishbone.load(tmp_path / "bad.yaml")
    (tmp_path / "dup.yaml").write_text("effect: E\ncategories:\n  P: [a, a]\n", encoding="utf-8")
    with pytest.raises(FishboneError, match="dup.yaml: 'a' is listed twice"):
        Fishbone.load(tmp_path / "dup.yaml")


PHRASES = st.text(min_size=1, max_size=20).map(lambda s: " ".join(s.split())).filter(bool)


@settings(max_examples=75)
@given(
    PHRASES,
    st.dictionaries(
        PHRASES,
        st.dictionaries(PHRASES, st.lists(PHRASES, max_size=3, unique=True), max_size=4),
        max_size=6,
    ),
)
def test_any_fishbone_round_trips_through_dict_and_files(effect, categories):
    fb = Fishbone(effect, categories)
    for category, causes in categories.items():
        for cause, subs in causes.items():
            fb.add_cause(category, cause, subs)
    assert Fishbone.from_dict(fb.to_dict()) == fb
    assert len(fb.to_frame()) == sum(
        max(1, len(subs)) for causes in categories.values() for subs in causes.values()
    )


def test_drawing_shows_effect_categories_causes_and_sub_causes(tmp_path):
    fb = Fishbone.load(FIXTURE)
    ax = draw_fishbone(fb)
    texts = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert "Physical violence on Bancroft ward" in texts
    for category in fb.categories:
        assert category in texts
    causes = [c for cat in fb.categories for c in fb.causes(cat)]
    for cause in causes:
        assert cause.text in texts
        for sub in cause.sub_causes:
            assert f"– {sub}" in texts
    # spine + one bone per category + one tick per cause
    assert len(ax.lines) == 1 + len(fb.categories) + len(causes)
    assert len(ax.patches) == 1  # the head
    assert ax.get_title() == "Cause-and-effect diagram: Physical violence on Bancroft ward"
    ax.figure.savefig(tmp_path / "fishbone.png", dpi=60)
    assert (tmp_path / "fishbone.png").stat().st_size > 10_000
    plt.close(ax.figure)


def test_drawing_grows_with_categories_and_uses_given_axes():
    small = Fishbone("Falls", ["Environment"])
    big = Fishbone.standard("Falls")
    for i in range(8):
        big.add_cause("People", f"Cause number {i}", [f"why {i}"])
    ax_small, ax_big = draw_fishbone(small), draw_fishbone(big)
    w_small, h_small = ax_small.figure.get_size_inches()
    w_big, h_big = ax_big.figure.get_size_inches()
    assert w_big > w_small and h_big > h_small
    fig, ax = plt.subplots()
    assert draw_fishbone(small, ax=ax, title="Falls") is ax
    assert ax.get_title() == "Falls"
    plt.close("all")
