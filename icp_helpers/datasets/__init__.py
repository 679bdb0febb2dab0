"""Synthetic NHS-like data sets with data dictionaries, and loaders for a learner's own data.

The data sets are made up but shaped like real ward and community-team data: monthly (or
quarterly) counts with denominators that vary, seasonal dips, the odd unusual point, and a real
change at a documented date. Every call returns the same numbers, on every machine.

>>> names()[:3]
['violence', 'restraint', 'days_between_incidents']
>>> falls = load("falls")
>>> falls.columns.tolist()
['month', 'falls', 'occupied_bed_days', 'rate_per_1000_obd']
>>> describe("falls").improvement_direction
'lower'

For your own project's data, :func:`load_csv` and :func:`load_excel` read a file, check it, and
return a tidy frame sorted by date (see :mod:`icp_helpers.datasets.loaders`).
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from importlib import resources

import pandas as pd

from icp_helpers.datasets.dictionary import DICTIONARIES, Column, DataDictionary
from icp_helpers.datasets.loaders import DataFileError, load_csv, load_excel
from icp_helpers.datasets.projects import PROJECTS, Project, project_for

__all__ = [
    "Column",
    "DataDictionary",
    "DataFileError",
    "PROJECTS",
    "Project",
    "describe",
    "load",
    "load_csv",
    "load_excel",
    "names",
    "project_for",
]


def names() -> list[str]:
    """The names of the course data sets, in the order the course meets them.

    >>> "did_not_attend" in names()
    True
    >>> len(names())
    9
    """
    return list(DICTIONARIES)


def describe(name: str) -> DataDictionary:
    """The data dictionary for data set ``name``: columns and units, measure type, chart, story.

    Print it for a readable summary, or use its fields (``change_date``, ``seed``,
    ``column_table()`` …) in code. ``project`` names the team whose story the data set tells,
    with its setting and aim (``None`` for a data set that belongs to no team's project).

    >>> entry = describe("violence")
    >>> entry.measure_type, entry.change_date.date().isoformat(), entry.project.team
    ('outcome', '2024-02-01', 'Willow ward')
    >>> str(describe("restraint")).splitlines()[:2]  # doctest: +NORMALIZE_WHITESPACE
    ['Restraint on an adult acute ward (balancing measure for the violence work) (restraint)',
     'Team: Willow ward (a 21-bed adult acute mental health ward): physical violence']
    """
    known = _known_name(name)
    return replace(DICTIONARIES[known], project=project_for(known))


def load(name: str) -> pd.DataFrame:
    """Load data set ``name`` as a new DataFrame (changing it never changes the next call's copy).

    Dates are ``datetime64`` columns; counts are whole numbers. Names are forgiving about case,
    spaces and hyphens ("Did not attend" works); an unknown name raises ``ValueError`` listing the
    valid ones.

    >>> dna = load("did_not_attend")
    >>> dna.loc[0, "month"].date().isoformat(), int(dna.loc[0, "appointments"])
    ('2022-04-01', 533)
    >>> load("fall")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: There is no data set called 'fall'. Did you mean 'falls'? ...
    """
    spec = describe(name)
    dates = [column for column, dtype in spec.dtypes.items() if dtype.startswith("datetime")]
    others = {column: dtype for column, dtype in spec.dtypes.items() if column not in dates}
    source = resources.files(__name__).joinpath("data", f"{spec.name}.csv")
    with resources.as_file(source) as path:
        frame = pd.read_csv(path, dtype=others, parse_dates=dates)
    return frame.astype(spec.dtypes)


def _known_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"A data set name is text, such as 'falls'; got {type(name).__name__}.")
    tidy = name.strip().lower().replace("-", "_").replace(" ", "_")
    if tidy in DICTIONARIES:
        return tidy
    valid = ", ".join(repr(known) for known in DICTIONARIES)
    close = difflib.get_close_matches(tidy, list(DICTIONARIES), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"There is no data set called {name!r}.{hint} The data sets are: {valid}.")
