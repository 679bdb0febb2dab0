"""Scatter plot: correlations against published and hand-worked values, the caption that
association is not cause, and clear errors."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from PIL import Image

from icp_helpers.charts import chart_description, save_figure, scatter
from icp_helpers.charts.measure_input import MeasureInputError
from icp_helpers.charts.scatter import NOT_CAUSE, strength

# Anscombe's quartet (Anscombe 1973, The American Statistician 27:17-21): four data sets with
# the same published correlation, 0.816, and very different pictures.
ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
ANSCOMBE_X4 = [8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8]
ANSCOMBE_Y = {
    1: [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68],
    2: [9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74],
    3: [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73],
    4: [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_pearson_r_matches_anscombes_published_value(number):
    x = ANSCOMBE_X4 if number == 4 else ANSCOMBE_X
    res = scatter(x=x, y=ANSCOMBE_Y[number])
    assert res.n == 11
    assert res.pearson_r == pytest.approx(0.816, abs=0.001)  # published to three places


def test_pearson_and_spearman_by_hand():
    # x deviations -2..2, y deviations -2, 0, 1, 0, 1: r = 6 / sqrt(10 × 6)
    # y ranks 1, 2.5, 4.5, 2.5, 4.5: rho = 7 / sqrt(10 × 9)
    res = scatter(x=[1, 2, 3, 4, 5], y=[2, 4, 5, 4, 5])
    assert res.pearson_r == pytest.approx(6 / 60**0.5)
    assert res.spearman_rho == pytest.approx(7 / 90**0.5)


def test_rows_missing_either_measure_are_left_out_and_counted():
    frame = pd.DataFrame({"a": [1, 2, None, 4, 5, 6], "b": [2, 4, 9, None, 5, 7]})
    res = scatter(frame, x="a", y="b")
    assert (res.n, res.n_missing) == (4, 2)
    assert res.points["x"].tolist() == [1, 2, 5, 6]


def test_strength_words():
    assert [strength(r) for r in (0.816, -0.5, 0.29, float("nan"))] == [
        "strong positive",
        "moderate negative",
        "weak positive",
        "no measurable",
    ]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: scatter(pd.DataFrame({"a": [1]}), x="a"), "Say which two measures"),
        (lambda: scatter(pd.DataFrame({"a": [1, 2, 3]}), x="a", y="z"), "Column 'z'"),
        (lambda: scatter(x="a", y="b"), "no data was given"),
        (lambda: scatter([1, 2, 3], x="a", y="b"), "must be a pandas DataFrame"),
        (lambda: scatter(x=[1, 2, 3], y=[1, 2]), "pair up one to one; got 3 and 2"),
        (lambda: scatter(x=[1, 2, None], y=[1, 2, 3]), "at least 3 rows with both"),
    ],
)
def test_bad_input_is_one_plain_error_naming_the_fix(call, message):
    with pytest.raises(MeasureInputError, match=message):
        call()


@pytest.mark.parametrize("own_figure", [True, False])
def test_the_picture_says_association_is_not_cause_inside_the_figure(tmp_path, own_figure):
    res = scatter(x=ANSCOMBE_X, y=ANSCOMBE_Y[1], title="Anscombe I")
    ax = res.plot(ax=None if own_figure else plt.subplots(layout="constrained")[1])
    (points,) = [line for line in ax.lines if line.get_gid() == "points"]
    assert list(points.get_xdata()) == ANSCOMBE_X
    assert not [line for line in ax.lines if line.get_gid() != "points"]  # no fitted line
    (caption,) = [text for text in ax.texts if text.get_gid() == "not_cause"]
    assert caption.get_text().replace("\n", " ") == NOT_CAUSE
    fig = ax.get_figure()
    fig.canvas.draw()
    box, page = caption.get_window_extent(), fig.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0, (box, page)
    assert box.y1 < ax.xaxis.label.get_window_extent().y0  # below the axis label
    text = chart_description(ax)
    assert text.startswith("Anscombe I. Scatter plot of y against x: 11 pairs. Pearson r 0.82")
    assert text.endswith(NOT_CAUSE)
    save_figure(ax, tmp_path / "a.png", dpi=60)
    assert Image.open(tmp_path / "a.png").text["Description"] == text
