"""Tests for icp_helpers.diagrams.driver: building, validating and saving driver diagrams."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icp_helpers.aims import AimStatement
from icp_helpers.diagrams import DiagramFileError, DriverDiagram, DriverDiagramError
from icp_helpers.diagrams.driver import CHANGE_IDEA, KINDS, PRIMARY, SECONDARY

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tools"
BRICK_LANE = FIXTURES / "driver_bancroft_violence.yaml"
BOW_DRAFT = FIXTURES / "driver_north_cmht_dna_draft.json"


def trainee_diagram():
    return DriverDiagram.from_dict(
        {
            "aim": "Reduce physical violence on Bancroft ward",
            "primary": {
                "Safe ward environment": {"Predictable routines": ["Daily community meeting"]}
            },
        }
    )


# --- building ------------------------------------------------------------------------------


def test_friendly_nested_dict_builds_the_three_columns():
    d = trainee_diagram()
    assert d.primary_drivers == ["Safe ward environment"]
    assert d.secondary_drivers == ["Predictable routines"]
    assert d.change_ideas == ["Daily community meeting"]
    assert d.links == [
        ("Safe ward environment", "Predictable routines"),
        ("Predictable routines", "Daily community meeting"),
    ]
    assert d.children(d.aim) == ["Safe ward environment"]
    assert d.validate() == []


def test_fixture_loads_with_34_boxes_and_measures_on_change_ideas():
    d = DriverDiagram.load(BRICK_LANE)
    assert (len(d.primary_drivers), len(d.secondary_drivers), len(d.change_ideas)) == (4, 10, 19)
    assert len(d) == 33
    assert d.measure_for("Daily community meeting") == "Community meetings held as planned"
    assert d.measure_for("Protected mealtimes") is None
    assert d.gaps() == []


def test_the_same_name_twice_is_one_shared_box():
    d = DriverDiagram.from_dict(
        {
            "aim": "Reduce DNAs in the North CMHT",
            "primary": {
                "People remember appointments": {"Reminders": ["Text reminder"]},
                "Appointments suit people": {"Reminders": ["Text reminder"]},
            },
        }
    )
    assert d.secondary_drivers == ["Reminders"]
    assert d.parents("Reminders") == ["People remember appointments", "Appointments suit people"]
    assert d.validate() == []


def test_aim_statement_can_be_the_aim():
    aim = AimStatement(
        "Reduce falls", "Bancroft ward", "falls per 1,000 occupied bed days", 8, 4, "March 2026"
    )
    assert DriverDiagram(aim).aim == aim.text()


def test_names_are_tidied_of_extra_spaces():
    d = DriverDiagram("Reduce  falls")
    d.add_primary("  Safe   mobility ")
    assert d.primary_drivers == ["Safe mobility"]
    assert d.aim == "Reduce falls"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda d: d.add_primary(""), "primary driver: expected a name"),
        (lambda d: d.add_primary(42), "primary driver: expected a name"),
        (lambda d: d.add_secondary("Safe mobility"), "already a primary driver"),
        (
            lambda d: d.add_secondary("Footwear", under="Mobility"),
            "'Mobility' is not in the diagram",
        ),
        (lambda d: d.add_primary("Reduce falls"), "same name as the aim"),
        (lambda d: d.add_change_idea("Socks", measure=""), "measure for change idea 'Socks'"),
        (lambda d: d.link("Safe mobility", "Nowhere"), "child 'Nowhere' is not in the diagram"),
        (lambda d: d.kind("Nowhere"), "no box called 'Nowhere'"),
    ],
)
def test_builder_errors_name_the_problem(action, message):
    d = DriverDiagram("Reduce falls")
    d.add_primary("Safe mobility")
    with pytest.raises(DriverDiagramError, match=message):
        action(d)


def test_a_change_idea_cannot_have_two_measures():
    d = DriverDiagram("Reduce falls", measures=["A", "B"])
    d.add_primary("P")
    d.add_secondary("S", under="P")
    d.add_change_idea("C", under="S", measure="A")
    with pytest.raises(DriverDiagramError, match="two measures"):
        d.add_change_idea("C", under="S", measure="B")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not a dict", "must be a dict"),
        ({"primary": {}}, "no 'aim'"),
        ({"aim": "A", "primry": {}}, "Unknown key.*'primry'.*primary"),
        ({"aim": "A", "primary": ["P"]}, "primary: expected a mapping"),
        ({"aim": "A", "primary": {"P": ["S"]}}, "primary driver 'P': expected a mapping"),
        (
            {"aim": "A", "primary": {"P": {"S": "one idea"}}},
            "change ideas under 'S': expected a list",
        ),
        ({"aim": "A", "primary": {"P": {"S": [{"name": "C"}]}}}, "write it as a name"),
        ({"aim": "A", "measures": "one", "primary": {}}, "measures: expected a list"),
        ({"aim": "A", "primary": {"P": {}}, "links": [["P"]]}, r"\[parent, child\] pair"),
        ({"aim": "", "primary": {}}, "aim: expected a name"),
    ],
)
def test_malformed_dicts_raise_clear_errors(data, message):
    with pytest.raises(DriverDiagramError, match=message):
        DriverDiagram.from_dict(data)


# --- validation ----------------------------------------------------------------------------


def test_draft_lists_each_problem_in_plain_language():
    d = DriverDiagram.load(BOW_DRAFT, check=False)
    problems = d.validate()
    assert len(problems) == 3
    assert problems[0] == (
        "Secondary driver 'Easy to rearrange' is not connected to the aim: put it under a "
        "primary driver."
    )
    assert "hangs off primary driver 'Appointments that suit people'" in problems[1]
    assert "attach change ideas to a secondary driver" in problems[1]
    assert "measure 'Letters translated'" in problems[2]
    assert not d.is_valid()


def test_check_and_strict_construction_raise_every_problem():
    with pytest.raises(DriverDiagramError) as info:
        DriverDiagram.load(BOW_DRAFT)
    assert len(info.value.problems) == 3
    assert str(info.value).startswith("driver_north_cmht_dna_draft.json: The driver diagram has 3")


def test_an_empty_diagram_needs_a_primary_driver():
    assert DriverDiagram("Reduce falls").validate() == [
        "The diagram has no primary drivers: add at least one."
    ]


def test_orphan_change_idea_and_orphan_chain_are_reported():
    d = DriverDiagram("Reduce falls")
    d.add_primary("Safe mobility")
    d.add_secondary("Footwear")
    d.add_change_idea("Slipper socks", under="Footwear")
    problems = d.validate()
    assert "Secondary driver 'Footwear' is not connected to the aim" in problems[0]
    assert "Change idea 'Slipper socks' is not connected to the aim" in problems[1]


def test_loops_are_found_and_described():
    d = DriverDiagram("Reduce falls")
    d.add_primary("P")
    d.add_secondary("S", under="P")
    d.add_secondary("T", under="S")
    d.link("T", "S")
    problems = d.validate()
    assert "There is a loop: S -> T -> S." in " ".join(problems)
    assert any("Secondary driver 'T' is linked from secondary driver 'S'" in p for p in problems)


def test_backwards_link_into_a_primary_driver():
    d = DriverDiagram("Reduce falls")
    d.add_primary("P")
    d.add_secondary("S", under="P")
    d.link("S", "P")
    problems = d.validate()
    assert any("primary drivers connect to the aim only" in p for p in problems)
    assert any("loop: P -> S -> P" in p for p in problems)


def test_gaps_name_drivers_with_nothing_below():
    d = DriverDiagram.from_dict({"aim": "A", "primary": {"P": {"S": []}, "Q": None}})
    assert d.gaps() == [
        "Primary driver 'Q' has no secondary drivers yet.",
        "Secondary driver 'S' has no change ideas yet.",
    ]


# --- files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_save_and_load_round_trip(tmp_path, suffix):
    d = DriverDiagram.load(BRICK_LANE)
    path = tmp_path / f"diagram{suffix}"
    d.save(path)
    assert DriverDiagram.load(path) == d
    assert list(tmp_path.iterdir()) == [path], "no temporary files are left behind"


def test_draft_with_problems_round_trips_when_not_checked(tmp_path):
    d = DriverDiagram.load(BOW_DRAFT, check=False)
    d.save(tmp_path / "draft.yaml")
    again = DriverDiagram.load(tmp_path / "draft.yaml", check=False)
    assert again == d
    assert again.validate() == d.validate()


def test_malformed_yaml_names_the_file_and_line():
    expected = "driver_malformed.yaml: the YAML is malformed near line 6,"
    with pytest.raises(DiagramFileError, match=expected):
        DriverDiagram.load(FIXTURES / "driver_malformed.yaml")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", '{"aim": "A",', "the JSON is malformed at line 1"),
        ("list.json", '["aim"]', "holds a list"),
        ("empty.yaml", "", "holds nothing"),
        ("tabs.yaml", "aim: A\nprimary:\n\t- P\n", "the YAML is malformed"),
        ("diagram.txt", "aim: A", "extension '.txt'"),
        ("unknown.yaml", "aim: A\nprimaries: {}\n", "Unknown key"),
    ],
)
def test_bad_files_raise_clear_errors_not_library_tracebacks(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        DriverDiagram.load(path)
    assert info.value.__cause__ is None, "no chained library traceback"
    assert type(info.value).__module__.startswith("icp_helpers")


def test_missing_file_and_missing_folder(tmp_path):
    with pytest.raises(DiagramFileError, match="cannot read a driver diagram: there is no file at"):
        DriverDiagram.load(tmp_path / "nowhere.yaml")
    with pytest.raises(DiagramFileError, match="does not exist"):
        trainee_diagram().save(tmp_path / "no-folder" / "d.yaml")


def test_a_failed_save_leaves_the_old_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "diagram.yaml"
    trainee_diagram().save(path)
    before = path.read_text(encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("icp_helpers.files.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        DriverDiagram.load(BRICK_LANE).save(path)
    assert path.read_text(encoding="utf-8") == before
    assert list(tmp_path.iterdir()) == [path]


def test_from_yaml_and_from_json_text():
    d = trainee_diagram()
    assert DriverDiagram.from_yaml(d.to_yaml()) == d
    assert DriverDiagram.from_json(d.to_json()) == d
    assert json.loads(d.to_json())["primary"] == {
        "Safe ward environment": {"Predictable routines": ["Daily community meeting"]}
    }
    with pytest.raises(DiagramFileError, match="from the YAML text: the YAML is malformed"):
        DriverDiagram.from_yaml("aim: [unclosed")
    with pytest.raises(DiagramFileError, match="expected JSON as a string"):
        DriverDiagram.from_json(b"{}")


# --- properties ----------------------------------------------------------------------------

NAMES = st.text(min_size=1, max_size=12).map(lambda s: " ".join(s.split())).filter(bool)


@st.composite
def diagrams(draw, well_formed=False):
    """Any diagram (problems allowed), or a well-formed one built top-down."""
    names = draw(st.lists(NAMES, min_size=1, max_size=14, unique=True))
    aim, boxes = names[0], names[1:]
    measures = draw(st.lists(NAMES, max_size=3, unique=True))
    d = DriverDiagram(aim, measures=measures)
    placed = {kind: [] for kind in KINDS}
    for name in boxes:
        kind = draw(st.sampled_from(KINDS))
        if well_formed:
            parent_kind = {SECONDARY: PRIMARY, CHANGE_IDEA: SECONDARY}.get(kind)
            if parent_kind and not placed[parent_kind]:
                kind = PRIMARY
            under = draw(st.sampled_from(placed[parent_kind])) if kind != PRIMARY else None
        else:
            under = None
        if kind == PRIMARY:
            d.add_primary(name)
        elif kind == SECONDARY:
            d.add_secondary(name, under=under)
        else:
            measure = draw(st.none() | st.sampled_from(measures)) if measures else None
            if not well_formed and draw(st.booleans()):
                measure = draw(NAMES)
            d.add_change_idea(name, under=under, measure=measure)
        placed[kind].append(name)
    if not well_formed and boxes:
        for parent, child in draw(
            st.lists(st.tuples(st.sampled_from(boxes), st.sampled_from(boxes)), max_size=12)
        ):
            d.link(parent, child)
    return d


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(diagrams())
def test_any_diagram_round_trips_through_yaml_and_json_unchanged(d):
    assert DriverDiagram.from_yaml(d.to_yaml(), check=False) == d
    assert DriverDiagram.from_json(d.to_json(), check=False) == d
    # The same problems are found, though loops may be reported in a different order.
    again = DriverDiagram.from_dict(d.to_dict(), check=False)
    assert sorted(p for p in again.validate() if "loop" not in p) == sorted(
        p for p in d.validate() if "loop" not in p
    )
    assert any("loop" in p for p in again.validate()) == any("loop" in p for p in d.validate())


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(diagrams(well_formed=True))
def test_diagrams_built_top_down_are_valid_and_round_trip(d):
    if d.primary_drivers:
        assert d.validate() == []
    assert DriverDiagram.from_yaml(d.to_yaml(), check=False) == d


def connected_to_aim_by_correct_kinds(d):
    """An independent orphan check: walk down from the aim through correctly kinded links."""
    reached = set(d.primary_drivers)
    for kind in (SECONDARY, CHANGE_IDEA):
        parent_kind = PRIMARY if kind == SECONDARY else SECONDARY
        reached |= {
            c for p, c in d.links if p in reached and d.kind(p) == parent_kind and d.kind(c) == kind
        }
    return reached == set(d.primary_drivers + d.secondary_drivers + d.change_ideas)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(diagrams() | diagrams(well_formed=True))
def test_a_validated_diagram_never_has_orphans_or_misplaced_ideas(d):
    if d.validate():
        with pytest.raises(DriverDiagramError):
            d.check()
        return
    d.check()
    assert connected_to_aim_by_correct_kinds(d)
    for idea in d.change_ideas:
        assert d.parents(idea) and all(d.kind(p) == SECONDARY for p in d.parents(idea))


# --- drawing -------------------------------------------------------------------------------


def test_drawing_has_a_box_and_a_text_for_every_box_and_saves_to_png(tmp_path):
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    from icp_helpers.diagrams.driver_plot import COLUMN_TITLES, draw_driver_diagram

    d = DriverDiagram.load(BRICK_LANE)
    ax = draw_driver_diagram(d)
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 34
    texts = [t.get_text() for t in ax.texts]
    for heading in COLUMN_TITLES:
        assert heading in texts
    flat = " ".join(t.replace("\n", " ") for t in texts)
    for name in d.primary_drivers + d.secondary_drivers + d.change_ideas:
        assert name in flat
    assert "Measure: Community meetings held as planned" in flat
    assert ax.get_title() == "Driver diagram"
    # one connector per link, plus one from the aim to each primary driver
    assert len(ax.lines) == len(d.links) + len(d.primary_drivers)
    width, height = ax.figure.get_size_inches()
    assert height > width, "a 34-box diagram grows taller than it is wide"
    ax.figure.savefig(tmp_path / "driver.png", dpi=60)
    assert (tmp_path / "driver.png").stat().st_size > 10_000
    plt.close(ax.figure)


def test_rows_never_overlap_within_a_column():
    from icp_helpers.diagrams.driver_plot import driver_layout

    layout = driver_layout(DriverDiagram.load(BRICK_LANE))
    for column in range(4):
        rows = sorted(row for col, row in layout.values() if col == column)
        assert all(b - a >= 1 for a, b in zip(rows, rows[1:], strict=False))


def test_draft_drawing_dashes_links_that_break_the_rules():
    import matplotlib.pyplot as plt

    from icp_helpers.diagrams.driver_plot import draw_driver_diagram

    fig, ax = plt.subplots()
    returned = draw_driver_diagram(DriverDiagram.load(BOW_DRAFT, check=False), ax=ax, title="Draft")
    assert returned is ax
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1
    assert ax.get_title() == "Draft"
    plt.close(fig)
