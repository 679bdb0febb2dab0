"""A chart shown in a notebook carries its description as the ``alt`` text of its image.

When IPython shows a matplotlib figure (the inline backend's ``plt.show()``, or a figure left
at the end of a cell) it asks its display formatters for PNG or JPEG data. After
:func:`show_descriptions`, a figure with a description (every chart ``qic`` and ``mdc`` draw,
see :mod:`icp_helpers.charts.description`) is published with ``{"alt": description}`` in the
image's output metadata, which nbconvert's classic HTML template writes as the
``<img alt="...">`` (checked with a real kernel; nbconvert's lab template and JupyterLab do
not read it yet, but any front end may). Figures without a description are shown exactly
as before; outside IPython nothing changes. ``.plot()`` calls it, so a learner does nothing.

>>> show_descriptions(None)  # outside IPython there is nothing to do
False
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from IPython import get_ipython
from matplotlib.figure import Figure

from icp_helpers.charts.description import chart_description

__all__ = ["show_descriptions"]

#: Image formats whose display can carry alt text.
_IMAGE_TYPES = ("image/png", "image/jpeg")


@dataclass(frozen=True)
class _WithAltText:
    """A figure printer that adds the figure's description to the image's metadata."""

    printer: Callable[[Figure], Any]

    def __call__(self, figure: Figure) -> Any:
        data = self.printer(figure)
        text = chart_description(figure)
        if data is None or not text:
            return data
        if isinstance(data, tuple):  # e.g. retina images come with their width and height
            image, metadata = data
            return image, {**(metadata or {}), "alt": text}
        return data, {"alt": text}


def show_descriptions(shell: Any = "current") -> bool:
    """Make ``shell`` (the running IPython by default) show chart descriptions as alt text.

    Returns False when there is no IPython shell. Safe to call again: a formatter is wrapped
    once, and again only if a backend has since replaced it.
    """
    if isinstance(shell, str):
        shell = get_ipython()
    if shell is None:
        return False
    for mimetype in _IMAGE_TYPES:
        formatter = shell.display_formatter.formatters[mimetype]
        try:
            printer = formatter.lookup_by_type(Figure)
        except KeyError:
            continue
        if not isinstance(printer, _WithAltText):
            formatter.for_type(Figure, _WithAltText(printer))
    return True
