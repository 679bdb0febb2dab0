"""The checking helpers reject look-alike answers and never reveal the expected value."""

import math

import numpy as np
import pandas as pd
import pytest

from icp_helpers import check
from icp_helpers.check import CheckFailed


class AlwaysEqual:
    """An object that claims to equal everything (the classic autograder cheat)."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class SneakyInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class SneakyList(list):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "cheat", [AlwaysEqual(), SneakyInt(1), True, "12", 12.0, None, [12], np.array([12])]
)
def test_check_integer_rejects_look_alikes(cheat):
    with pytest.raises(CheckFailed, match="should be a whole number"):
        check.check_integer(cheat, 12, name="total")


def test_check_integer_accepts_python_and_numpy_integers():
    check.check_integer(12, 12, name="total")
    check.check_integer(np.int64(12), 12, name="total")
    with pytest.raises(CheckFailed, match="not the right number"):
        check.check_integer(13, 12, name="total")


def test_messages_never_contain_the_expected_value():
    with pytest.raises(CheckFailed) as failure:
        check.check_number(1.5, 987.654, name="rate", hint="Look at section 3.")
    assert "987" not in str(failure.value)
    assert "Look at section 3." in str(failure.value)


@pytest.mark.parametrize("cheat", [AlwaysEqual(), "0.25", True, float("nan")])
def test_check_number_rejects_non_numbers(cheat):
    with pytest.raises(CheckFailed):
        check.check_number(cheat, 0.25, name="x")


def test_check_proportion_names_the_wrong_scale():
    with pytest.raises(CheckFailed, match="0–100 scale"):
        check.check_proportion(25, 0.25, name="dna_rate")
    with pytest.raises(CheckFailed, match="between 0 and 1"):
        check.check_proportion(-0.1, 0.25, name="dna_rate")
    check.check_proportion(np.float64(0.25), 0.25, name="dna_rate")


def test_check_text_and_choice():
    check.check_text("  Outcome ", "outcome", name="kind")
    with pytest.raises(CheckFailed, match="text in quotation marks"):
        check.check_text(AlwaysEqual(), "outcome", name="kind")
    with pytest.raises(CheckFailed, match="should be one of 'p', 'u'"):
        check.check_choice("x", "u", name="chart", options=["p", "u"])
    with pytest.raises(CheckFailed, match="not the best option"):
        check.check_choice("P", "u", name="chart", options=["p", "u"])
    check.check_choice("U", "u", name="chart", options=["p", "u"])


def test_check_list_is_exact_about_type_items_and_order():
    check.check_list([1, "a", 2.5], [1, "a", 2.5], name="xs")
    with pytest.raises(CheckFailed, match="should be a list"):
        check.check_list(SneakyList([1]), [1, 2], name="xs")
    with pytest.raises(CheckFailed, match="not a plain value"):
        check.check_list([AlwaysEqual(), AlwaysEqual()], [1, 2], name="xs")
    with pytest.raises(CheckFailed, match="wrong order"):
        check.check_list([2, 1], [1, 2], name="xs")
    check.check_list([2, 1], [1, 2], name="xs", ordered=False)
    with pytest.raises(CheckFailed, match="does not belong"):
        check.check_list([2, 2], [1, 2], name="xs", ordered=False)
    with pytest.raises(CheckFailed, match="has 1 items"):
        check.check_list([1], [1, 2], name="xs")
    with pytest.raises(CheckFailed):
        check.check_list(["1", "2"], [1, 2], name="xs")


def test_check_dataframe_checks_columns_rows_and_cells():
    expected = pd.DataFrame({"month": ["Apr", "May"], "rate": [20.5, 18.25]})
    check.check_dataframe(expected.copy(), expected, name="t")
    with pytest.raises(CheckFailed, match="missing the column"):
        check.check_dataframe(expected[["month"]], expected, name="t")
    with pytest.raises(CheckFailed, match="wrong values in column 'rate'"):
        check.check_dataframe(expected.assign(rate=[20.5, 18.0]), expected, name="t")
    cheat = expected.astype(object)
    cheat.loc[0, "rate"] = AlwaysEqual()
    with pytest.raises(CheckFailed, match="not a plain value"):
        check.check_dataframe(cheat, expected, name="t")
    with pytest.raises(CheckFailed, match="should be a table"):
        check.check_dataframe(expected.to_dict(), expected, name="t")


def test_check_figure_needs_title_and_labels():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2])
    ax.set_title("Incidents")
    with pytest.raises(CheckFailed, match="axis labels"):
        check.check_figure(fig, name="fig")
    ax.set_xlabel("Month")
    ax.set_ylabel("Incidents")
    check.check_figure(fig, name="fig", min_lines=1)
    with pytest.raises(CheckFailed, match="matplotlib chart"):
        check.check_figure("a chart", name="fig")
    plt.close(fig)


def test_check_figure_accepts_a_course_chart_whose_title_sits_on_the_left():
    from icp_helpers.charts import run_chart

    data = pd.DataFrame(
        {
            "month": pd.date_range("2024-01-01", periods=12, freq="MS"),
            "falls": [5, 7, 6, 8, 5, 6, 7, 4, 6, 5, 7, 6],
        }
    )
    ax = run_chart(data, x="month", y="falls", title="Falls on Cedar ward").plot()
    assert ax.get_title() == "" and ax.get_title(loc="left")
    check.check_figure(ax, name="ax")


def test_check_your_work_reruns_checks_against_current_answers():
    check._REGISTRY.clear()
    answers = {"total": 5}

    @check.visible_check("Exercise 1")
    def _():
        check.check_integer(answers["total"], 5, name="total")

    answers["total"] = 6
    summary = check.check_your_work()
    assert not summary.loc[0, "passes"]
    assert "not the right number" in summary.loc[0, "hint"]
    check._REGISTRY.clear()


def test_visible_check_raises_so_nbgrader_sees_the_failure(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(CheckFailed):

        @check.visible_check("Exercise 2")
        def _():
            check.check_integer(1, 2, name="x")

    check._REGISTRY.clear()


def test_visible_check_tells_a_learner_in_one_line_and_carries_on(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    @check.visible_check("Exercise 2")
    def _():
        check.check_integer(1, 2, name="x", hint="Count again. (Section 1)")

    said = capsys.readouterr().out
    assert said == "✗ Exercise 2: `x` is not the right number. Count again. (Section 1)\n"
    check._REGISTRY.clear()


def test_a_decimal_rounded_by_hand_does_not_match_the_full_value():
    full = 16.856104538776773
    assert check.answer_digest(round(full, 2)) != check.answer_digest(full)  # 4 s.f.
    with pytest.raises(CheckFailed) as failure:
        check.check_answer(
            16.86,
            check.answer_digest(full),
            name="falls_cl",
            kind="number",
            hint="Add up falls and bed days. (Section 5)",
            rounded=check.answer_digest(full, figures=3),
        )
    said = str(failure.value)
    assert "looks rounded" in said and "keep the full value" in said, said
    assert "16.856" not in said and "16.9" not in said


def test_a_digest_check_passes_only_what_a_hidden_check_passes():
    full = 12.345670123
    # differences far below the hidden tests' tolerance (1e-6 relative) still match
    for same in (full * (1 + 9e-8), full * (1 - 9e-8), 12.34567):
        assert check.answer_digest(same) == check.answer_digest(full), same
        check.check_number(same, full, name="ucl")
    # a value the hidden tests reject never matches, even typed to 6 significant figures
    for other in (full * (1 + 3e-6), full * (1 - 3e-6), 12.3457, 12.35):
        assert check.answer_digest(other) != check.answer_digest(full), other
        with pytest.raises(CheckFailed):
            check.check_number(other, full, name="ucl")


def test_any_two_decimals_with_the_same_digest_pass_check_number():
    rng = np.random.default_rng(13)
    for value in rng.lognormal(0, 4, size=2000):
        text = f"{value:.7g}"  # the value as the digest counts it
        unit = 10 ** (math.floor(math.log10(abs(float(text)))) - 6)
        for near in (float(text) - 0.49 * unit, float(text) + 0.49 * unit):
            assert check.answer_digest(near) == check.answer_digest(value), (value, near)
            check.check_number(near, value, name="x")


def test_the_rounding_hint_needs_a_short_value_close_to_the_answer():
    full, rounded = 3.090909090909091, check.answer_digest(3.090909090909091, figures=3)
    wrong = {"name": "mr_bar", "hint": "Use the moving ranges. (Section 3)", "rounded": rounded}
    for typed in (3.09, 3.091, 3.0909):
        with pytest.raises(CheckFailed, match="looks rounded"):
            check.check_answer(typed, check.answer_digest(full), **wrong)
    # a value that is not short, or not close, gets the ordinary hint
    for slip in (3.0912345678, 3.1, 30.91):
        with pytest.raises(CheckFailed, match="is not right yet. Use the moving ranges"):
            check.check_answer(slip, check.answer_digest(full), **wrong)
    # a known slip is named first, and a list rounded item by item is told too
    with pytest.raises(CheckFailed, match="is the standard deviation"):
        check.check_answer(
            3.09,
            check.answer_digest(full),
            mistakes={check.answer_digest(3.09): "is the standard deviation."},
            **wrong,
        )
    limits = [0.0, 12.3456789, 20.987654321]
    with pytest.raises(CheckFailed, match="looks rounded"):
        check.check_answer(
            [0.0, 12.35, 20.99],
            check.answer_digest(limits),
            name="limits",
            hint="Use CL ± 3σ.",
            rounded=check.answer_digest(limits, figures=3),
        )


def test_a_learners_numpy_values_are_shown_as_plain_numbers():
    assert check.shown([np.int64(5), np.float64(2.5), np.str_("shift")]) == "[5, 2.5, 'shift']"
    assert check.shown((np.int64(5),)) == "(5,)"
    with pytest.raises(CheckFailed) as failure:
        check.check_choice(np.str_("xmr"), "u", name="chart", options=["run", "u"])
    assert "it is 'xmr'" in str(failure.value) and "np." not in str(failure.value)
    with pytest.raises(CheckFailed) as failure:
        check.check_option(np.str_("trend"), check.answer_digest("shift"), name="signal",
                           options=["shift"], hint="Section 5.")
    assert "it is 'trend'" in str(failure.value) and "np." not in str(failure.value)


def test_a_function_that_prints_instead_of_returning_is_told_so(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)

    def rate_per_1000(incidents, bed_days):
        print(incidents / bed_days * 1000)

    @check.visible_check("Exercise 6: rate function")
    def _():
        check.check_number(check.result_of(rate_per_1000, 12, 600, name="rate_per_1000",
                                           where="(Section 6)"), 20.0, name="rate_per_1000")

    told = capsys.readouterr().out.splitlines()[-1]
    assert told == ("✗ Exercise 6: rate function: `rate_per_1000` gives back nothing: end it "
                    "with `return ...` to give back its result, rather than print() it. "
                    "(Section 6)")
    assert check.result_of(lambda a, b: a / b * 1000, 12, 600, name="rate_per_1000") == 20.0
    with pytest.raises(CheckFailed, match="should be a function made with def"):
        check.result_of(20.0, 12, 600, name="rate_per_1000")


def test_check_your_work_shows_every_hint_in_full():
    """pandas cuts table cells at 50 characters; a learner must read the whole hint."""
    check._REGISTRY.clear()
    hint = "add up the incidents of all seven days with sum(), not len(). (Section 3)"

    @check.visible_check("Exercise 2")
    def _():
        raise CheckFailed(f"`weekly_total` counts days, or leaves a day out: {hint}")

    summary = check.check_your_work()
    assert hint in summary._repr_html_() and hint in repr(summary)
    assert type(summary).__mro__[1] is pd.DataFrame and not summary.loc[0, "passes"]
    check._REGISTRY.clear()
