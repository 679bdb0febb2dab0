"""Interactive explorers: a chart the learner redraws by moving a control.

A notebook describes its controls as plain data and hands them to :func:`explorer` with the
function that draws::

    explorer(show_team, team=choice(list(teams), "Team"))
    explorer(explore_run_chart, step=slider(0, -8, 8, "Step size"))

The widgets are made here, so the notebook shows one line rather than widget plumbing. While
nbgrader grades a notebook (``NBGRADER_EXECUTION`` is set) no widget is made at all: there is
no browser to move it, and stock ``nbgrader autograde`` was seen to wait 60 seconds after some
widget cells.

>>> choice(["Willow", "Cedar"], "Ward")
Choice(options=['Willow', 'Cedar'], label='Ward', value=None)
>>> slider(16, 2, 30, "From week").whole
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from icp_helpers.errors import UsageError

__all__ = ["Choice", "Slider", "choice", "explorer", "slider"]

_WIDE_LABEL = {"description_width": "initial"}


@dataclass(frozen=True)
class Choice:
    """A drop-down list: ``options`` to pick from, shown with ``label``; ``value`` first."""

    options: list[Any]
    label: str
    value: Any = None


@dataclass(frozen=True)
class Slider:
    """A slider from ``low`` to ``high`` in steps of ``step``, starting at ``value``.

    ``percent`` shows the value as a percentage (0.8 as 80%)."""

    value: float
    low: float
    high: float
    label: str
    step: float = 1
    percent: bool = False

    @property
    def whole(self) -> bool:
        """Whether every number is whole (an integer slider)."""
        numbers = (self.value, self.low, self.high, self.step)
        return all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)


def choice(options: Sequence[Any], label: str, value: Any = None) -> Choice:
    """A drop-down control (see :class:`Choice`).

    >>> choice(["a"], "Letter", value="b")
    Traceback (most recent call last):
    ...
    icp_helpers.errors.UsageError: the control 'Letter' starts at 'b', which is not an option.
    """
    options = list(options)
    if not options:
        raise UsageError(f"the control {label!r} has no options to choose from.")
    if value is not None and value not in options:
        raise UsageError(f"the control {label!r} starts at {value!r}, which is not an option.")
    return Choice(options, label, value)


def slider(
    value: float, low: float, high: float, label: str, step: float = 1, *, percent: bool = False
) -> Slider:
    """A slider control (see :class:`Slider`).

    >>> slider(40, 2, 30, "From week")
    Traceback (most recent call last):
    ...
    icp_helpers.errors.UsageError: the control 'From week' starts at 40, outside 2 to 30.
    """
    if not low <= value <= high:
        raise UsageError(f"the control {label!r} starts at {value!r}, outside {low!r} to {high!r}.")
    return Slider(value, low, high, label, step, percent)


def _widget(control: Choice | Slider) -> Any:
    import ipywidgets

    if isinstance(control, Choice):
        first = control.options[0] if control.value is None else control.value
        return ipywidgets.Dropdown(
            options=control.options,
            value=first,
            description=control.label,
            style=_WIDE_LABEL,
            layout={"width": "max-content"},  # long option names are never cut off
        )
    kind = ipywidgets.IntSlider if control.whole else ipywidgets.FloatSlider
    extra = {"readout_format": ".0%"} if control.percent else {}
    return kind(
        value=control.value,
        min=control.low,
        max=control.high,
        step=control.step,
        description=control.label,
        style=_WIDE_LABEL,
        **extra,
    )


def explorer(show: Callable[..., None], **controls: Choice | Slider) -> Any:
    """``show`` drawn once now and again whenever the learner moves a control.

    Each keyword names an argument of ``show`` and gives its control. Returns the widget
    (Jupyter shows it when it is a cell's last line); while nbgrader grades the notebook,
    prints a one-line note instead and returns None.

    >>> import os
    >>> os.environ["NBGRADER_EXECUTION"] = "autograde"
    >>> explorer(print, text=choice(["hello"], "Text"))
    (An interactive explorer: open the notebook in JupyterLab to use it.)
    >>> del os.environ["NBGRADER_EXECUTION"]
    """
    for name, control in controls.items():
        if not isinstance(control, Choice | Slider):
            raise UsageError(
                f"the control for {name!r} should be made with choice(...) or slider(...), "
                f"not {type(control).__name__}."
            )
    if os.environ.get("NBGRADER_EXECUTION"):
        print("(An interactive explorer: open the notebook in JupyterLab to use it.)")
        return None
    import ipywidgets

    return ipywidgets.interactive(show, **{name: _widget(c) for name, c in controls.items()})
