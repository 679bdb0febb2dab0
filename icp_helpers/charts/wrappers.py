"""DataFrame-friendly chart functions in the pandas/seaborn style: name the columns.

``run_chart(data, x="month", y="falls")`` and ``control_chart(data, x=..., y=..., n=...,
chart="u")`` pull the named columns out of a DataFrame and call :func:`~icp_helpers.charts.qic`,
so the axis labels default to the column names. Dates may be real datetimes, pandas
Periods (e.g. monthly periods) or Python ``date`` objects. ``notes`` may be a column name.

>>> import pandas as pd
>>> wards = pd.DataFrame({
...     "month": pd.date_range("2024-01-01", periods=12, freq="MS"),
...     "falls": [7, 5, 9, 6, 8, 7, 4, 6, 5, 7, 8, 6],
... })
>>> res = run_chart(wards, x="month", y="falls")
>>> float(res.summary.loc[0, "cl"]), res.ylab, res.xlab
(6.5, 'falls', 'month')
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from icp_helpers.charts.qic import qic
from icp_helpers.charts.result import QicResult


def _column(data: pd.DataFrame, name: str, role: str) -> pd.Series:
    if name not in data.columns:
        raise ValueError(
            f"Column {name!r} (given as {role}=) is not in the data; "
            f"available columns: {', '.join(map(str, data.columns))}."
        )
    return data[name]


def _as_dates(values: pd.Series) -> pd.Series:
    """Periods and Python dates become Timestamps; anything else is returned unchanged."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.to_timestamp()
    if values.dtype == object:
        present = values.dropna()
        if len(present) and all(hasattr(v, "year") and hasattr(v, "month") for v in present):
            return pd.Series(pd.to_datetime(values), index=values.index, name=values.name)
    return values


def _prepare(
    data: pd.DataFrame, x: str | None, y: str | None, n: str | None, kwargs: dict[str, Any]
) -> dict[str, Any]:
    """qic arguments from column names, with labels defaulting to the column names."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"data must be a pandas DataFrame, not {type(data).__name__}; "
            "for plain lists call qic(y, n=..., x=...) instead."
        )
    if y is None:
        raise ValueError("Say which column holds the values, e.g. y='incidents'.")
    args: dict[str, Any] = {"y": _column(data, y, "y").to_numpy()}
    if n is not None:
        args["n"] = _column(data, n, "n").to_numpy()
    if x is not None:
        args["x"] = _as_dates(_column(data, x, "x")).to_numpy()
    notes = kwargs.pop("notes", None)
    if isinstance(notes, str):
        notes = _column(data, notes, "notes").to_numpy(dtype=object)
    args["notes"] = notes
    args["ylab"] = kwargs.pop("ylab", None) or y
    args["xlab"] = kwargs.pop("xlab", None) or x
    return {**args, **kwargs}


def run_chart(
    data: pd.DataFrame,
    x: str | None = None,
    y: str | None = None,
    n: str | None = None,
    **qic_kwargs: Any,
) -> QicResult:
    """Run chart of column ``y`` (over ``n`` if given) against column ``x``.

    Other keyword arguments (``part``, ``freeze``, ``exclude``, ``target``, ``notes``,
    ``rules``, ``title`` ...) go to :func:`~icp_helpers.charts.qic`.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"week": range(1, 9), "delays": [3, 4, 2, 5, 4, 3, 6, 4]})
    >>> run_chart(df, x="week", y="delays").chart
    'run'
    """
    if "chart" in qic_kwargs:
        raise ValueError("run_chart always draws a run chart; use control_chart(chart=...).")
    return qic(chart="run", **_prepare(data, x, y, n, qic_kwargs))


def control_chart(
    data: pd.DataFrame,
    x: str | None = None,
    y: str | None = None,
    n: str | None = None,
    chart: str = "i",
    **qic_kwargs: Any,
) -> QicResult:
    """Shewhart control chart (``chart`` = i, mr, xbar, s, t, p, pp, c, u, up or g) of column
    ``y`` (over column ``n`` for p and u charts) against column ``x``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "month": pd.period_range("2024-01", periods=6, freq="M"),
    ...     "infections": [4, 6, 3, 5, 4, 6],
    ...     "bed_days": [900, 1100, 800, 1000, 950, 1050],
    ... })
    >>> res = control_chart(df, x="month", y="infections", n="bed_days", chart="u",
    ...                     multiply=1000)
    >>> round(float(res.summary.loc[0, "cl"]), 3)
    4.828
    """
    return qic(chart=chart, **_prepare(data, x, y, n, qic_kwargs))
