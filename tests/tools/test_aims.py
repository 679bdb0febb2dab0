"""Tests for icp_helpers.aims: the AimStatement model and the SMART checker."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icp_helpers.aims import ELEMENTS, AimError, AimStatement, check_aim

BRICK_LANE = (
    "Reduce physical violence on Bancroft ward by 30% from 18 to 12 incidents per 1,000 "
    "occupied bed days by March 2026"
)


def make_aim(**changes):
    fields = {
        "what": "Reduce physical violence",
        "where": "Bancroft ward",
        "measure": "incidents per 1,000 occupied bed days",
        "baseline": 18,
        "target": 12,
        "by_when": "March 2026",
    }
    fields.update(changes)
    return AimStatement(**fields)


# --- the model ---------------------------------------------------------------------------


def test_aim_statement_reads_as_one_sentence():
    aim = make_aim()
    assert aim.by_when == date(2026, 3, 31)
    assert aim.text() == (
        "Reduce physical violence on Bancroft ward from 18 to 12 incidents per 1,000 "
        "occupied bed days by 31 March 2026"
    )
    assert aim.direction == "reduce"
    assert aim.relative_change_percent == pytest.approx(-33.3)


def test_percentage_measure_puts_percent_signs_on_the_numbers():
    aim = AimStatement(
        "Increase physical health checks",
        "Tower Hamlets GP practices",
        "% of people with serious mental illness on the register",
        35,
        60,
        date(2027, 3, 31),
        who="people with serious mental illness",
    )
    assert "from 35% to 60% of people" in aim.text()
    assert "in Tower Hamlets GP practices for people with serious mental illness" in aim.text()
    assert aim.direction == "increase"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("2026-02", date(2026, 2, 28)),
        ("31/03/2026", date(2026, 3, 31)),
        ("1st April 2026", date(2026, 4, 1)),
        ("Sept 2025", date(2025, 9, 30)),
        (date(2025, 12, 1), date(2025, 12, 1)),
    ],
)
def test_by_when_accepts_common_date_forms(value, expected):
    assert make_aim(by_when=value).by_when == expected


@pytest.mark.parametrize(
    ("changes", "field", "fix"),
    [
        ({"what": ""}, "what", "For example"),
        ({"where": None}, "where", "Bancroft ward"),
        ({"measure": 3}, "measure", "For example"),
        ({"baseline": "18"}, "baseline", "not in quotes"),
        ({"target": True}, "target", "as a number"),
        ({"target": float("nan")}, "target", "as a number"),
        ({"baseline": -1}, "baseline", "negative"),
        ({"by_when": "next year"}, "by_when", "31 March 2026"),
        ({"by_when": "31 February 2026"}, "by_when", "31 March 2026"),
        ({"target": 18}, "target", "different from where you are now"),
        ({"target": 25}, "target", "Lower the target"),
        ({"what": "Increase time in therapeutic activity", "target": 10}, "target", "Raise"),
        ({"who": "  "}, "who", "For example"),
    ],
)
def test_bad_fields_raise_a_clear_error_naming_the_field(changes, field, fix):
    with pytest.raises(AimError, match=field) as info:
        make_aim(**changes)
    assert str(info.value).startswith(field)
    assert fix in str(info.value)


def test_aim_is_immutable():
    with pytest.raises(AttributeError):
        make_aim().target = 10


# --- the free-text checker ----------------------------------------------------------------


def test_bancroft_ward_aim_has_every_element_and_the_right_parts():
    result = check_aim(BRICK_LANE)
    assert result.is_smart
    assert result.present == list(ELEMENTS)
    assert result.feedback == []
    found = {e.name: e.found for e in result.elements}
    assert found == {
        "what": "Reduce physical violence",
        "where": "Bancroft ward",
        "measure": "per 1,000 occupied bed days",
        "baseline": "from 18",
        "target": "to 12",
        "by_when": "by March 2026",
    }


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("Reduce violence by 30%", ["where", "measure", "baseline", "by_when"]),
        (
            "Reduce DNAs in the North CMHT from 18% to 12% of appointments by 31 March 2026",
            [],
        ),
        (
            "Increase the percentage of people seen within 28 days of referral in the Hackney "
            "CMHT from 45% to 75% by 31 December 2025",
            [],
        ),
        ("We want fewer incidents", list(ELEMENTS)),
        (
            "Reduce restraint on Rosebank ward from 14 per 1,000 occupied bed days",
            ["target", "by_when"],
        ),
        ("Halve restraint on Rosebank ward by 2026", ["measure", "baseline"]),
        (
            "Increase physical health checks for people with serious mental illness on the GP "
            "register from 35% to 60% by Q4 2026/27",
            [],
        ),
        ("Reduce falls on Bancroft ward to 4 per 1,000 occupied bed days", ["baseline", "by_when"]),
    ],
)
def test_free_text_elements(text, missing):
    assert check_aim(text).missing == missing


def test_numbers_in_dates_are_not_read_as_baseline_or_target():
    result = check_aim("Reduce restraint on Rosebank ward by 31 March 2026")
    assert result.missing == ["measure", "baseline", "target"]


def test_relative_change_alone_is_not_a_measure():
    result = check_aim("Reduce violence on Bancroft ward by 30% by March 2026")
    assert "measure" in result.missing
    assert result.element("target").found == "by 30%"


def test_each_missing_element_gets_an_actionable_sentence():
    result = check_aim("We want fewer incidents")
    assert len(result.feedback) == 6
    for sentence, name in zip(result.feedback, ELEMENTS, strict=True):
        assert sentence.endswith(".")
        assert "e.g." in sentence, f"feedback for {name} should show an example"


def test_a_date_without_a_deadline_word_gets_specific_advice():
    result = check_aim("Reduce falls on Bancroft ward since April 2024")
    assert "by_when" in result.missing
    assert "you mention 'April 2024' but not as a deadline" in result.element("by_when").advice


def test_relative_deadline_counts_but_gets_a_tip():
    result = check_aim("Reduce DNAs in North CMHT from 18% to 12% within six months")
    assert result.is_smart
    assert any("fixed date" in sentence for sentence in result.feedback)


def test_improve_counts_as_what_but_gets_a_tip():
    result = check_aim("Improve the experience of carers")
    assert result.element("what").present
    assert any("'improve' is vague" in sentence for sentence in result.feedback)


def test_report_text_marks_each_element_in_words():
    report = str(check_aim("Reduce violence by 30%"))
    assert report.count("[present]") == 2
    assert report.count("[missing]") == 4


# --- the checker on fields and on models --------------------------------------------------


def test_dict_of_fields_reports_missing_and_invalid_without_raising():
    result = check_aim({"what": "Reduce falls", "where": "Bancroft ward", "baseline": "8"})
    assert result.missing == ["measure", "baseline", "target", "by_when"]
    assert "not in quotes" in result.element("baseline").advice


def test_who_stands_in_for_where_in_a_dict():
    result = check_aim({"what": "Reduce DNAs", "who": "people on the North CMHT caseload"})
    assert result.element("where").present


def test_dict_with_unknown_field_raises_with_the_names_to_use():
    with pytest.raises(AimError, match="Unknown aim field.*deadline.*by_when"):
        check_aim({"what": "Reduce falls", "deadline": "March 2026"})


def test_aim_statement_is_always_complete():
    assert check_aim(make_aim()).is_smart


@pytest.mark.parametrize("bad", [None, 42, ["Reduce falls"], "   "])
def test_check_aim_rejects_things_that_are_not_aims(bad):
    with pytest.raises(AimError, match="aim"):
        check_aim(bad)


# --- property: any valid statement's sentence passes the free-text checker -----------------

WHATS = st.sampled_from(
    [
        ("Reduce physical violence", "down"),
        ("Reduce did-not-attend appointments", "down"),
        ("Reduce the use of restraint", "down"),
        ("Increase the percentage of people seen within 28 days", "up"),
        ("Increase physical health checks", "up"),
    ]
)
WHERES = st.sampled_from(
    ["Bancroft ward", "the North CMHT", "Rosebank ward", "the home treatment team"]
)
MEASURES = st.sampled_from(
    ["incidents per 1,000 occupied bed days", "% of appointments", "falls per 1,000 bed days"]
)
NUMBERS = st.integers(min_value=1, max_value=3000) | st.floats(min_value=0.5, max_value=99.5)


@given(WHATS, WHERES, MEASURES, NUMBERS, NUMBERS, st.dates(date(2024, 1, 1), date(2030, 12, 31)))
def test_every_valid_aim_sentence_passes_the_text_checker(what, where, measure, a, b, by_when):
    (verb, direction) = what
    if a == b:
        return
    baseline, target = (max(a, b), min(a, b)) if direction == "down" else (min(a, b), max(a, b))
    aim = AimStatement(verb, where, measure, baseline, target, by_when)
    result = check_aim(aim.text())
    assert result.is_smart, str(result)
