"""An interactive control-chart explorer for notebooks: move the baseline with a slider.

Learners often ask "what if the limits were calculated from fewer months?" or "where did the
process change?". :class:`ChartExplorer` answers both by redrawing the chart as a slider
moves either the end of the frozen baseline (``mode="freeze"``) or the point after which a
new part (phase) starts (``mode="part"``). It works with any chart ``qic`` draws.

>>> explorer = ChartExplorer([5, 7, 6, 8, 6, 7, 5, 9, 12, 11, 13, 12, 11, 12], chart="i",
...                          mode="part", value=8)
>>> explorer.result.summary["part"].tolist()
[1, 2]
>>> explorer.set_value(10).summary["n_obs"].tolist()
[10, 4]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import clear_output, display

from icp_helpers.charts.plotting import plot_qic
from icp_helpers.charts.qic import qic
from icp_helpers.charts.result import QicResult
from icp_helpers.charts.style import FIGSIZE

MODES = {"freeze": "Baseline ends after", "part": "New phase starts after"}


class ChartExplorer:
    """A run or control chart with a slider for the baseline (freeze) or phase (part) point.

    Args:
        y, n, x, chart: as for :func:`~icp_helpers.charts.qic`.
        mode: ``"freeze"`` (the slider sets ``freeze``) or ``"part"`` (it sets ``part``).
        value: the starting slider position (subgroups); the middle of the data by default.
        **qic_kwargs: any other ``qic`` arguments (``target``, ``notes``, ``title`` ...).

    ``explorer.widget`` is what to show in a notebook (the slider above the chart);
    ``explorer.result`` is the latest :class:`QicResult` and ``explorer.ax`` its drawing.
    """

    def __init__(
        self,
        y: Sequence[float],
        n: Sequence[float] | None = None,
        x: Sequence[Any] | None = None,
        chart: str = "i",
        mode: str = "freeze",
        value: int | None = None,
        **qic_kwargs: Any,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}, not {mode!r}.")
        for clash in ("freeze", "part"):
            if clash in qic_kwargs:
                raise ValueError(f"The slider sets {mode}; do not pass {clash}= as well.")
        self._args = {"y": y, "n": n, "x": x, "chart": chart, **qic_kwargs}
        self.mode = mode
        size = len(qic(**self._args).points)
        if size < 4:
            raise ValueError(
                f"The explorer needs at least 4 subgroups to move through; got {size}."
            )
        start = size // 2 if value is None else value
        if not 2 <= start <= size - 1:
            raise ValueError(f"value must be between 2 and {size - 1} subgroups; got {value}.")
        self.figure, self.ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        plt.close(self.figure)  # shown through the widget, not by pyplot
        self.slider = widgets.IntSlider(
            value=start,
            min=2,
            max=size - 1,
            description=MODES[mode],
            style={"description_width": "initial"},
            layout=widgets.Layout(width="60%"),
            continuous_update=False,
        )
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.slider, self.output])
        self.result: QicResult = self._draw(start)
        self.slider.observe(lambda change: self._draw(change["new"]), names="value")

    def set_value(self, value: int) -> QicResult:
        """Move the slider to ``value`` (which redraws the chart) and return the new result."""
        self.slider.value = value
        return self.result

    def _draw(self, value: int) -> QicResult:
        setting = {"freeze": value} if self.mode == "freeze" else {"part": [value]}
        self.result = qic(**self._args, **setting)
        self.ax.clear()
        plot_qic(self.result, ax=self.ax)
        self.figure.canvas.draw_idle()
        if _in_notebook():
            with self.output:
                clear_output(wait=True)
                display(self.figure)
        return self.result


def _in_notebook() -> bool:
    """True inside a Jupyter kernel, where the widget's output area can show the figure."""
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def explore(y: Sequence[float], **kwargs: Any) -> widgets.VBox:
    """Show a :class:`ChartExplorer` in a notebook cell: ``explore(values, chart="i")``.

    >>> box = explore([5, 7, 6, 8, 6, 7, 5, 9, 12, 11], chart="i")
    >>> type(box.children[0]).__name__
    'IntSlider'
    """
    return ChartExplorer(y, **kwargs).widget
