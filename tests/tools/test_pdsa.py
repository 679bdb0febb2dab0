"""Tests for icp_helpers.pdsa: cycles, scores, ramps, files, chart marks and the form."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from icp_helpers.pdsa import (  # noqa: E402
    CYCLE_FIELDS,
    DataFileError,
    FieldError,
    PdsaCycle,
    PdsaRamp,
    choose_test_scale,
    draw_pdsa_cycles,
    load_cycles,
    load_cycles_csv,
    load_cycles_yaml,
    notes_for_periods,
    pdsa_form,
    pdsa_notes,
    ramps_from_cycles,
    save_cycles,
    save_cycles_csv,
    save_cycles_yaml,
    score_pdsa,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tools"


def complete_cycle(**changes: object) -> PdsaCycle:
    values: dict[str, object] = {
        "cycle_id": "PDSA 1",
        "ramp": "Protected mealtimes",
        "change_idea": "Protected mealtimes on Cedar ward (older adults)",
        "question": "Can we keep visitors and ward rounds away from lunchtime?",
        "prediction": "Interruptions will fall from about 6 to 2 per lunchtime",
        "who": "Ward manager and housekeeper",
        "what": "Sign on the door and no ward round 12:00-13:00",
        "when": "One week",
        "where": "Cedar ward",
        "data_to_collect": "Count of interruptions at lunch, by day",
        "observations": "Interruptions averaged 3 a day; doctors still came on Tuesday",
        "study": "Fewer than before but more than the 2 we predicted",
        "act": "adapt",
        "next_steps": "Agree the time with the consultants before the next test",
        "start": "2024-06-03",
        "end": "2024-06-09",
    }
    values.update(changes)
    return PdsaCycle(**values)


# --- the record and its checks -------------------------------------------------------------


def test_complete_cycle_has_no_problems_and_full_score():
    cycle = complete_cycle()
    assert cycle.validate() == []
    result = score_pdsa(cycle)
    assert (result.points, result.out_of) == (6, 6)
    assert result.feedback == ()


def test_construction_normalises_text_dates_and_decision():
    cycle = complete_cycle(act=" Adopt ", start=dt.datetime(2024, 6, 3, 9, 30), who="  Nurse\r\n")
    assert cycle.act == "adopt"
    assert cycle.start == dt.date(2024, 6, 3)
    assert cycle.who == "Nurse"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"change_idea": "  "}, "change_idea is empty"),
        ({"act": "continue"}, "act must be one of adopt, adapt, abandon"),
        ({"act": "adpot"}, "did you mean 'adopt'"),
        ({"start": "03/06/2024"}, "start: '03/06/2024' is not a date"),
        ({"end": "2024-06-01"}, "the end (2024-06-01) is before the start (2024-06-03)"),
        ({"prediction": 7}, "prediction must be text"),
        ({"observations": "bad\x00byte"}, "observations contains a hidden control character"),
    ],
)
def test_bad_values_raise_naming_the_field(changes, words):
    with pytest.raises(FieldError, match=None) as caught:
        complete_cycle(**changes)
    assert words in str(caught.value)


def test_missing_prediction_and_decision_are_listed_in_plain_language():
    cycle = complete_cycle(prediction="", act="", next_steps="")
    problems = cycle.validate()
    assert any(p.startswith("Plan: write a prediction") for p in problems)
    assert "Act: decide to adopt, adapt or abandon the change." in problems
    assert score_pdsa(cycle).met == {
        "prediction": False,
        "plan": True,
        "observations": True,
        "study_compares": True,
        "act_decided": False,
        "dates": True,
    }


def test_study_must_refer_to_the_prediction():
    cycle = complete_cycle(study="Interruptions averaged 3 a day")
    assert any("compared with the prediction" in p for p in cycle.validate())
    assert score_pdsa(cycle).met["study_compares"] is False
    assert score_pdsa(cycle).points == 5


def test_validate_reports_end_before_start_after_a_later_edit():
    cycle = complete_cycle()
    cycle.end = dt.date(2024, 5, 1)
    assert any(p.startswith("Dates: the end (2024-05-01)") for p in cycle.validate())
    assert score_pdsa(cycle).met["dates"] is False


def test_validate_up_to_plan_ignores_later_stages():
    planned = complete_cycle(observations="", study="", act="", next_steps="", end=None)
    assert planned.validate(up_to="plan") == []
    assert len(planned.validate()) == 3
    with pytest.raises(FieldError, match="up_to must be one of plan, do, study, act"):
        planned.validate(up_to="check")


def test_adapt_needs_next_steps():
    problems = complete_cycle(next_steps="").validate()
    assert problems == ["Act: say what you will change and test in the next cycle."]


def test_score_rejects_non_cycles():
    with pytest.raises(TypeError, match="needs a PdsaCycle"):
        score_pdsa({"change_idea": "Huddle"})


def test_from_dict_rejects_unknown_field_with_suggestion():
    with pytest.raises(FieldError, match="unknown field 'predicton' .*did you mean 'prediction'"):
        PdsaCycle.from_dict({"change_idea": "Huddle", "predicton": "Better"})


# --- ramps --------------------------------------------------------------------------------


def test_fixture_ramp_links_correctly():
    cycles = load_cycles_yaml(FIXTURES / "pdsa_willow_ward_log.yaml")
    (ramp,) = ramps_from_cycles(cycles)
    assert ramp.name == "Night-shift safety huddle"
    assert [c.cycle_id for c in ramp] == ["PDSA 1", "PDSA 2", "PDSA 3"]
    assert ramp.check_order() == []
    assert [score_pdsa(c).points for c in ramp] == [6, 6, 6]


def test_ramp_order_problems_are_named():
    first = complete_cycle(cycle_id="A", act="", end=None)
    second = complete_cycle(cycle_id="A", start="2024-06-01", end="2024-06-02", ramp="Other")
    problems = PdsaRamp("Protected mealtimes", [first, second]).check_order()
    assert problems == [
        "Cycle 2 has the same id ('A') as cycle 1; give each cycle its own id.",
        "Cycle 2 says it belongs to ramp 'Other', not 'Protected mealtimes'.",
        "Cycle 2 starts on 2024-06-01, before cycle 1 started on 2024-06-03; put the cycles "
        "in the order they were run.",
        "Cycle 1 has no act decision, yet cycle 2 follows it; decide to adopt, adapt or "
        "abandon before the next cycle.",
    ]


def test_ramp_flags_missing_next_steps_and_missing_dates():
    first = complete_cycle(cycle_id="A", act="adopt", next_steps="")
    second = complete_cycle(cycle_id="B", start=None, end=None)
    problems = PdsaRamp("Protected mealtimes", [first, second]).check_order()
    assert problems[0].startswith("Cycle 2 has no start date")
    assert problems[1].startswith("Cycle 1 does not say what comes next")


def test_ramp_rejects_non_cycles():
    with pytest.raises(FieldError, match="item 2 is a dict, not a PdsaCycle"):
        PdsaRamp("Huddles", [complete_cycle(), {"change_idea": "x"}])
    with pytest.raises(FieldError, match="ramp name is empty"):
        PdsaRamp(" ", [complete_cycle()])


# --- files --------------------------------------------------------------------------------


def test_csv_fixture_loads_with_commas_and_quotes():
    cycles = load_cycles_csv(FIXTURES / "pdsa_community_dna_log.csv")
    assert [c.cycle_id for c in cycles] == ["DNA 1", "DNA 2"]
    assert cycles[0].observations.startswith("38 texts sent; 5 DNAs")
    assert cycles[1].act == "adopt"
    assert ramps_from_cycles(cycles)[0].check_order() == []


def test_yaml_and_csv_agree(tmp_path):
    cycles = load_cycles(FIXTURES / "pdsa_willow_ward_log.yaml")
    save_cycles(cycles, tmp_path / "log.csv")
    assert load_cycles(tmp_path / "log.csv") == cycles
    header = (tmp_path / "log.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(CYCLE_FIELDS)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("pdsa_malformed_syntax.yaml", "the YAML is malformed near line"),
        ("pdsa_malformed_unknown_field.yaml", "unknown field 'predicton'"),
        ("pdsa_malformed_quote.csv", "the CSV is malformed"),
        ("pdsa_malformed_extra_value.csv", "row 2 has 5 values but there are 4 column headings"),
    ],
)
def test_malformed_fixtures_raise_clear_errors(name, words):
    with pytest.raises(DataFileError) as caught:
        load_cycles(FIXTURES / name)
    message = str(caught.value)
    assert words in message
    assert name in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__ is True or caught.value.__context__ is None


@pytest.mark.parametrize(
    ("text", "suffix", "words"),
    [
        ("", ".csv", "the file is empty"),
        ("cycle_id,act\nA,adopt\n", ".csv", "there is no change_idea column"),
        ("change_idea,act,act\nA,adopt,adopt\n", ".csv", "'act' appears more than once"),
        ("change_idea,ramp\n,Huddles\n", ".csv", "row 2 has no change_idea"),
        ("- just a list of words\n", ".yaml", "must be a set of 'field: value' pairs"),
        ("pdsa_cycles: 3\n", ".yaml", "expected 'pdsa_cycles:' followed by a list"),
        ("pdsa_cycles:\n- change_idea: Huddle\n  when: 20:00\n", ".yaml", "when must be text"),
        (
            "pdsa_cycles:\n- change_idea: Huddle\n  start: 2024-13-01\n",
            ".yaml",
            "malformed near line 3, column 10 ('2024-13-01' is not a real date",
        ),
    ],
)
def test_malformed_files_raise_clear_errors(tmp_path, text, suffix, words):
    path = tmp_path / f"log{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=None) as caught:
        load_cycles(path)
    assert words in str(caught.value)


def test_missing_file_wrong_suffix_and_bad_encoding(tmp_path):
    with pytest.raises(DataFileError, match="there is no file at"):
        load_cycles(tmp_path / "nowhere.yaml")
    with pytest.raises(DataFileError, match="name the file ending .yaml, .yml or .csv"):
        save_cycles([complete_cycle()], tmp_path / "log.txt")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("change_idea\nCaf\xe9 drop-in\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="save the file as UTF-8"):
        load_cycles(latin)


def test_blank_rows_and_bom_are_tolerated(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffchange_idea,act\r\nHuddle,adopt\r\n,\r\n".encode())
    assert load_cycles(path) == [PdsaCycle(change_idea="Huddle", act="adopt")]


def test_failed_save_leaves_the_old_file_untouched(tmp_path, monkeypatch):
    for suffix in (".yaml", ".csv"):
        path = tmp_path / f"log{suffix}"
        save_cycles([complete_cycle()], path)
        before = path.read_bytes()
        with pytest.raises(FieldError, match="item 2 of the PDSA log is a str"):
            save_cycles([complete_cycle(), "not a cycle"], path)
        assert path.read_bytes() == before

        def broken_replace(src, dst):
            raise OSError("disk full")

        monkeypatch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError, match="disk full"):
            save_cycles([complete_cycle(cycle_id="PDSA 9")], path)
        monkeypatch.undo()
        assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "log.yaml"]


def test_loading_a_malformed_file_writes_nothing(tmp_path):
    path = tmp_path / "log.yaml"
    path.write_text("pdsa_cycles: [\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        load_cycles(path)
    assert path.read_text(encoding="utf-8") == "pdsa_cycles: [\n"
    assert [p.name for p in tmp_path.iterdir()] == ["log.yaml"]


def test_save_into_missing_folder_is_clear(tmp_path):
    with pytest.raises(DataFileError, match="the folder .* does not exist"):
        save_cycles_yaml([complete_cycle()], tmp_path / "missing" / "log.yaml")


# --- round trips (property tests) ----------------------------------------------------------

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
    max_size=40,
)
_dates = st.one_of(
    st.none(), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1))
)


@st.composite
def cycles(draw) -> PdsaCycle:
    values = {name: draw(_text) for name in CYCLE_FIELDS if name not in ("act", "start", "end")}
    values["change_idea"] = draw(_text.filter(lambda t: t.strip() != ""))
    values["act"] = draw(st.sampled_from(["", "adopt", "adapt", "abandon"]))
    start, end = draw(_dates), draw(_dates)
    if start and end and end < start:
        start, end = end, start
    return PdsaCycle(**values, start=start, end=end)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(log=st.lists(cycles(), min_size=1, max_size=3))
def test_cycles_round_trip_through_yaml_and_csv(tmp_path, log):
    save_cycles_yaml(log, tmp_path / "log.yaml")
    save_cycles_csv(log, tmp_path / "log.csv")
    assert load_cycles_yaml(tmp_path / "log.yaml") == log
    assert load_cycles_csv(tmp_path / "log.csv") == log


@settings(max_examples=60, deadline=None)
@given(cycle=cycles())
def test_score_is_consistent_with_its_criteria(cycle):
    result = score_pdsa(cycle)
    assert 0 <= result.points <= result.out_of == 6
    assert result.points == sum(result.met.values())
    assert len(result.feedback) == result.out_of - result.points
    assert result.met["prediction"] == (cycle.prediction != "")


# --- run chart marks -----------------------------------------------------------------------


def _run_chart():
    fig, ax = plt.subplots()
    months = pd.date_range("2024-01-01", periods=8, freq="MS")
    ax.plot(months, [21, 18, 24, 19, 17, 12, 11, 10], marker="o")
    ax.set_title("Physical violence, Willow ward")
    return fig, ax


def test_pdsa_notes_sorted_with_labels():
    cycles = load_cycles(FIXTURES / "pdsa_willow_ward_log.yaml")
    notes = pdsa_notes(reversed(cycles))
    assert notes == [
        (pd.Timestamp("2024-03-04"), "PDSA 1 (adapt)"),
        (pd.Timestamp("2024-03-11"), "PDSA 2 (adapt)"),
        (pd.Timestamp("2024-03-25"), "PDSA 3 (adopt)"),
    ]


def test_pdsa_notes_needs_start_dates():
    with pytest.raises(FieldError, match="cycle 1 .* has no start date"):
        pdsa_notes([complete_cycle(start=None, end=None)])


def test_notes_for_periods_lines_up_with_months():
    cycles = load_cycles(FIXTURES / "pdsa_willow_ward_log.yaml")
    months = pd.date_range("2024-01-01", periods=5, freq="MS")
    assert notes_for_periods(cycles, months) == [
        None,
        None,
        "PDSA 1 (adapt); PDSA 2 (adapt); PDSA 3 (adopt)",
        None,
        None,
    ]
    with pytest.raises(FieldError, match="periods must be dates"):
        notes_for_periods(cycles, ["January", "February"])


def test_draw_marks_each_cycle_at_its_date(tmp_path):
    fig, ax = _run_chart()
    xlim = ax.get_xlim()
    cycles = load_cycles(FIXTURES / "pdsa_willow_ward_log.yaml")
    assert draw_pdsa_cycles(ax, cycles) is ax
    assert ax.get_xlim() == xlim
    labels = [text.get_text() for text in ax.texts]
    assert labels == ["PDSA 1 (adapt)", "PDSA 2 (adapt)", "PDSA 3 (adopt)"]
    vertical = [line for line in ax.lines if line.get_linestyle() == "--"]
    positions = [line.get_xdata()[0] for line in vertical]
    expected = [mdates.date2num(pd.Timestamp(c.start)) for c in cycles]
    assert positions == pytest.approx(expected)
    fig.savefig(tmp_path / "pdsa_on_run_chart.png")
    assert (tmp_path / "pdsa_on_run_chart.png").stat().st_size > 1000
    plt.close(fig)


def test_draw_works_on_an_icp_helpers_run_chart():
    charts = pytest.importorskip("icp_helpers.charts")
    if not hasattr(charts, "qic"):
        pytest.skip("icp_helpers.charts.qic is not available yet")
    months = pd.date_range("2024-01-01", periods=12, freq="MS")
    result = charts.qic([21, 18, 24, 19, 17, 20, 12, 11, 10, 9, 12, 10], x=months)
    ax = result.plot()
    draw_pdsa_cycles(ax, load_cycles(FIXTURES / "pdsa_willow_ward_log.yaml"))
    assert "PDSA 3 (adopt)" in [text.get_text() for text in ax.texts]
    low, high = ax.get_xlim()
    assert low < mdates.date2num(pd.Timestamp("2024-03-04")) < high
    plt.close(ax.figure)


def test_draw_refuses_a_chart_without_dates():
    fig, ax = plt.subplots()
    ax.plot(range(8), range(8))
    with pytest.raises(FieldError, match="x axis does not show dates"):
        draw_pdsa_cycles(ax, [complete_cycle()])
    with pytest.raises(FieldError, match="needs a matplotlib Axes"):
        draw_pdsa_cycles(fig, [complete_cycle()])
    plt.close(fig)


# --- the notebook form ---------------------------------------------------------------------


def test_form_saves_a_complete_cycle_and_calls_back():
    received: list[PdsaCycle] = []
    form = pdsa_form(on_save=received.append)
    expected = complete_cycle()
    for name, value in expected.to_dict().items():
        widget = form.fields[name]
        widget.value = dt.date.fromisoformat(value) if name in ("start", "end") else value
    form.save_button.click()
    assert form.last_cycle == expected
    assert received == [expected]
    assert "The record is complete" in form.message.value


def test_form_reports_gaps_and_errors_escaped():
    form = pdsa_form()
    form.fields["change_idea"].value = "<b>Peer support</b> at ward round"
    form.save_button.click()
    assert form.last_cycle.change_idea == "<b>Peer support</b> at ward round"
    assert "Still to complete" in form.message.value
    assert "Plan: write a prediction" in form.message.value
    form.fields["start"].value = dt.date(2024, 6, 10)
    form.fields["end"].value = dt.date(2024, 6, 1)
    form.save_button.click()
    assert len(form.cycles) == 1
    assert form.message.value.startswith("<p><b>Not saved:</b> Dates: the end")


def test_form_builds_headless_with_every_field():
    form = pdsa_form()
    assert set(form.fields) == set(CYCLE_FIELDS)
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    with pytest.raises(FieldError, match="on_save must be a function"):
        pdsa_form(on_save="print")


def test_form_appends_each_saved_cycle_to_a_log(tmp_path):
    log = tmp_path / "willow_pdsa.yaml"
    form = pdsa_form(log_path=log)
    for number in (1, 2):
        form.fields["cycle_id"].value = f"PDSA {number}"
        form.fields["change_idea"].value = "Night-shift safety huddle"
        form.save_button.click()
    assert [cycle.cycle_id for cycle in load_cycles(log)] == ["PDSA 1", "PDSA 2"]
    assert load_cycles(log) == form.cycles


def test_form_leaves_a_broken_log_untouched(tmp_path):
    log = tmp_path / "broken.csv"
    log.write_text('change_idea,act\n"Huddle,adopt\n', encoding="utf-8")
    form = pdsa_form(log_path=log)
    form.fields["change_idea"].value = "Carer phone call"
    form.save_button.click()
    assert form.cycles == []
    assert "Not saved to the log:" in form.message.value
    assert "the CSV is malformed" in form.message.value
    assert log.read_text(encoding="utf-8") == 'change_idea,act\n"Huddle,adopt\n'
    with pytest.raises(FieldError, match="log_path 'log.txt' must end .yaml, .yml or .csv"):
        pdsa_form(log_path="log.txt")


# --- scale of a test -----------------------------------------------------------------------


def test_scale_of_test_grows_with_belief_and_readiness():
    table = {
        (belief, cost): [
            choose_test_scale(belief, cost, r) for r in ("resistant", "indifferent", "ready")
        ]
        for belief in ("low", "high")
        for cost in ("large", "small")
    }
    very_small, small, large = "very small-scale test", "small-scale test", "large-scale test"
    assert table == {
        ("low", "large"): [very_small] * 3,
        ("low", "small"): [very_small, very_small, small],
        ("high", "large"): [very_small, small, large],
        ("high", "small"): [small, large, "implement"],
    }
    assert choose_test_scale(" High ", "SMALL", "Ready") == "implement"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("some", "large", "ready"), "belief must be one of low, high"),
        (("low", "huge", "ready"), "cost_of_failure must be one of large, small"),
        (("low", "large", "keen"), "readiness must be one of resistant, indifferent, ready"),
    ],
)
def test_scale_of_test_names_the_bad_judgement(args, words):
    with pytest.raises(FieldError) as caught:
        choose_test_scale(*args)
    assert words in str(caught.value)


def test_yaml_python_tags_are_refused(tmp_path):
    path = tmp_path / "log.yaml"
    path.write_text("pdsa_cycles:\n- change_idea: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(DataFileError, match="could not determine a constructor"):
        load_cycles(path)


def test_form_labels_are_shown_whole():
    form = pdsa_form()
    for name, widget in form.fields.items():
        # a fixed label width cuts off the longer labels ("Study: results against the ...")
        assert widget.style.description_width == "initial", name
        assert widget.description


def test_form_messages_use_the_labels_the_learner_sees():
    form = pdsa_form()
    form.save_button.click()
    assert "change_idea" not in form.message.value
    assert "Change idea is empty" in form.message.value
    form.fields["change_idea"].value = "Night-shift safety huddle"
    form.fields["data_to_collect"].value = "Tick sheet\x07"
    form.save_button.click()
    assert "data_to_collect" not in form.message.value
    assert "“Plan: data to collect” contains a hidden control character" in form.message.value
