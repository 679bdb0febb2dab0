"""Input checks shared by the measurement tools (histogram, scatter plot, seasonality,
stratification, small multiples): every problem is one :class:`MeasureInputError` whose
message names the problem and the fix.

>>> import pandas as pd
>>> frame = pd.DataFrame({"falls": [3, 5, None]})
>>> numbers(frame_column(frame, "falls", "y"), "y").tolist()
[3.0, 5.0, nan]
>>> frame_column(frame, "fall", "y")
Traceback (most recent call last):
...
icp_helpers.charts.measure_input.MeasureInputError: Column 'fall' (given as y=) is not in ...
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from icp_helpers.charts.validation import as_float_array
from icp_helpers.errors import IcpError

__all__ = [
    "NOT_RECORDED",
    "MeasureInputError",
    "as_dates",
    "as_frame",
    "categories_in_order",
    "frame_column",
    "numbers",
]

#: The label given to rows whose category is missing: missing data are part of the picture.
NOT_RECORDED = "Not recorded"


class MeasureInputError(IcpError, ValueError):
    """Data a measurement chart cannot use; the message says what to change."""


def as_frame(data: Any, what: str) -> pd.DataFrame:
    """Refuse anything but a DataFrame, saying how to make one."""
    if not isinstance(data, pd.DataFrame):
        raise MeasureInputError(
            f"{what} needs a pandas DataFrame, not {type(data).__name__}; load one with "
            "icp_helpers.datasets.load(...) or load_csv(...), or build one with pd.DataFrame."
        )
    if data.empty:
        raise MeasureInputError(f"{what} was given an empty table: there is nothing to show.")
    return data


def frame_column(data: pd.DataFrame, name: Any, role: str) -> pd.Series:
    """The column ``name`` (given as ``role=``), or an error listing the columns there are."""
    if not isinstance(name, str) or name not in data.columns:
        raise MeasureInputError(
            f"Column {name!r} (given as {role}=) is not in the data; "
            f"available columns: {', '.join(map(str, data.columns))}."
        )
    return data[name]


def numbers(values: Any, name: str) -> np.ndarray:
    """``values`` as floats (missing values NaN); anything else is refused by name."""
    try:
        return as_float_array(values, name)
    except ValueError as error:
        raise MeasureInputError(str(error)) from error


def as_dates(values: pd.Series, name: str) -> pd.Series:
    """Dates (datetimes, monthly Periods or date text) as Timestamps, or a clear error."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.to_timestamp()
    try:
        return pd.Series(
            pd.to_datetime(values, format="mixed"), index=values.index, name=values.name
        )
    except (ValueError, TypeError) as error:
        raise MeasureInputError(
            f"{name} must hold dates (such as 2024-04-01); found {values.iloc[0]!r}. "
            "Convert the column with pd.to_datetime first."
        ) from error


def categories_in_order(column: pd.Series) -> pd.Categorical:
    """The category of every row as text, missing ones as "Not recorded" (listed last); a
    pandas Categorical keeps its own order, anything else is sorted.

    >>> list(categories_in_order(pd.Series(["Night", None, "Early"])).categories)
    ['Early', 'Night', 'Not recorded']
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        order = [str(c) for c in column.cat.categories]
        labels = column.astype(object).where(column.notna(), NOT_RECORDED).astype(str)
    else:
        labels = column.astype(object).where(column.notna(), NOT_RECORDED).astype(str)
        order = sorted(set(labels) - {NOT_RECORDED})
    missing = [NOT_RECORDED] if (labels == NOT_RECORDED).any() and NOT_RECORDED not in order else []
    return pd.Categorical(labels, categories=order + missing)
