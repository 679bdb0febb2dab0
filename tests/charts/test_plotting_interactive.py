"""The slider explorer builds and redraws headless, and its chart follows the slider."""

import matplotlib.pyplot as plt
import pytest

from icp_helpers.charts import qic
from icp_helpers.charts.interactive import ChartExplorer, explore

VALUES = [5, 7, 6, 8, 6, 7, 5, 9, 12, 11, 13, 12, 11, 12, 13, 11]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def gids(ax, gid):
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def test_part_slider_moves_the_phase_line_and_recalculates():
    explorer = ChartExplorer(VALUES, chart="i", mode="part", value=8)
    assert (explorer.slider.min, explorer.slider.max, explorer.slider.value) == (2, 15, 8)
    (sep,) = gids(explorer.ax, "part")
    assert sep.get_xdata()[0] == pytest.approx(8.5)
    result = explorer.set_value(5)
    expected = qic(VALUES, chart="i", part=[5])
    assert result.summary["cl"].tolist() == pytest.approx(expected.summary["cl"].tolist())
    (sep,) = gids(explorer.ax, "part")
    assert sep.get_xdata()[0] == pytest.approx(5.5)
    assert len(gids(explorer.ax, "data")) == 2  # old drawing cleared, two parts drawn


def test_freeze_slider_sets_the_baseline():
    explorer = ChartExplorer(VALUES, chart="i", title="Clinic waits")
    assert explorer.slider.value == 8
    assert explorer.result.points["baseline"].sum() == 8
    explorer.slider.value = 12  # as a learner dragging the slider would
    assert explorer.result.points["baseline"].sum() == 12
    (base,) = gids(explorer.ax, "baseline")
    assert base.get_xdata()[0] == pytest.approx(12.5)
    assert explorer.ax.get_title(loc="left") == "Clinic waits"


def test_explore_returns_the_widget_with_slider_and_output():
    box = explore(VALUES, chart="run")
    slider, output = box.children
    assert type(slider).__name__ == "IntSlider" and type(output).__name__ == "Output"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"mode": "phase"}, "mode must be one of"),
        ({"freeze": 4}, "do not pass freeze="),
        ({"value": 40}, "between 2 and 15"),
    ],
)
def test_bad_settings_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ChartExplorer(VALUES, chart="i", **kwargs)


def test_too_few_points():
    with pytest.raises(ValueError, match="at least 4 subgroups"):
        ChartExplorer([1, 2, 3], chart="i")
