"""The checking helpers reject look-alike answers and never reveal the expected value."""

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
