"""Data dictionaries for the course data sets: what each column means, its unit and the story.

The entries live in ``data/dictionaries.yaml`` (plain text a course author can edit); this module
reads and checks them once, on import, into frozen :class:`DataDictionary` objects.

Every data set in :mod:`icp_helpers.datasets` is synthetic: generated from a fixed seed so that
every learner sees the same numbers. The dictionary records the seed, the setting, the kind of
measure (outcome, process or balancing), the chart the course suggests for it, the direction that
counts as improvement, and the date a change was introduced, so that a notebook can ask a learner
to find the change on a chart and then check the answer.

>>> entry = DICTIONARIES["falls"]
>>> entry.measure_type, entry.improvement_direction, entry.suggested_chart
('outcome', 'lower', 'u chart')
>>> entry.change_date.date().isoformat()
'2024-06-01'
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, get_args

import pandas as pd

from icp_helpers.files import parse_yaml

if TYPE_CHECKING:
    from icp_helpers.datasets.projects import Project

MeasureType = Literal["outcome", "process", "balancing"]
Direction = Literal["lower", "higher"]
DTYPES = ("datetime64[ns]", "int64", "float64", "str")
_TEXT_FIELDS = (
    "title",
    "description",
    "suggested_chart",
    "frequency",
    "date_column",
    "value_column",
    "change_description",
)


@dataclass(frozen=True)
class Column:
    """One column of a data set: its name, what it holds, its unit and its pandas dtype.

    >>> Column("falls", "Falls recorded in the month", "falls", "int64").unit
    'falls'
    """

    name: str
    description: str
    unit: str
    dtype: str


@dataclass(frozen=True)
class DataDictionary:
    """The data dictionary of one course data set.

    ``date_column``, ``value_column`` and ``denominator_column`` name the columns a chart needs;
    ``multiplier`` turns ``value / denominator`` into the plotted rate (1,000 for a rate per 1,000
    occupied bed days, 100 for a percentage, 1 for a plain value). ``change_date`` is the first
    period after the change; ``baseline_points`` counts the points before it.
    ``notable_points`` pairs an ISO date with what happened then (an unusual point worth a
    conversation, often astronomical on its chart). ``project`` is the team's project the data set
    belongs to (see :mod:`icp_helpers.datasets.projects`); :func:`icp_helpers.datasets.describe`
    fills it in.

    >>> d = DICTIONARIES["did_not_attend"]
    >>> d.column("dna_pct").unit
    '% of appointments'
    >>> d.column_table().columns.tolist()
    ['column', 'description', 'unit', 'dtype']
    """

    name: str
    title: str
    description: str
    measure_type: MeasureType
    suggested_chart: str
    improvement_direction: Direction
    frequency: str
    date_column: str
    value_column: str
    denominator_column: str | None
    multiplier: int
    start: pd.Timestamp
    change_date: pd.Timestamp
    change_description: str
    baseline_points: int
    seed: int
    columns: tuple[Column, ...]
    notable_points: tuple[tuple[str, str], ...] = ()
    project: Project | None = None

    def column(self, name: str) -> Column:
        """Return the entry for column ``name``; raise ``ValueError`` listing the columns if absent.

        >>> DICTIONARIES["violence"].column("incidents").unit
        'incidents'
        """
        for column in self.columns:
            if column.name == name:
                return column
        valid = ", ".join(c.name for c in self.columns)
        raise ValueError(f"The {self.name!r} data set has no column {name!r}; it has: {valid}.")

    @property
    def dtypes(self) -> dict[str, str]:
        """Column name → pandas dtype, in column order.

        >>> DICTIONARIES["falls"].dtypes["month"]
        'datetime64[ns]'
        """
        return {c.name: c.dtype for c in self.columns}

    def column_table(self) -> pd.DataFrame:
        """The columns as a table (column, description, unit, dtype), one row per column.

        >>> DICTIONARIES["restraint"].column_table()["column"].tolist()
        ['month', 'restraints', 'occupied_bed_days', 'rate_per_1000_obd']
        """
        rows = [(c.name, c.description, c.unit, c.dtype) for c in self.columns]
        return pd.DataFrame(rows, columns=["column", "description", "unit", "dtype"])

    def __str__(self) -> str:
        lines = [f"{self.title} ({self.name})"]
        if self.project is not None:
            lines.append(f"Team: {self.project}")
        lines += [
            self.description,
            f"Measure type: {self.measure_type}. Suggested chart: {self.suggested_chart}. "
            f"Improvement is {self.improvement_direction}. Frequency: {self.frequency}.",
            f"Change from {self.change_date.date().isoformat()} "
            f"(after {self.baseline_points} baseline points): {self.change_description}",
            "Columns:",
        ]
        lines += [f"  {c.name} [{c.unit}]: {c.description}" for c in self.columns]
        if self.notable_points:
            lines.append("Notable points:")
            lines += [f"  {day}: {story}" for day, story in self.notable_points]
        lines.append(f"Synthetic data, generated with numpy.random.default_rng({self.seed}).")
        return "\n".join(lines)


def parse_entry(name: str, fields: dict[str, Any]) -> DataDictionary:
    """Build and check one dictionary entry from its YAML mapping; errors name the field.

    >>> entry = parse_entry("demo", {
    ...     "title": "Demo", "description": "A demo.", "measure_type": "process",
    ...     "suggested_chart": "run chart", "improvement_direction": "higher",
    ...     "frequency": "monthly", "date_column": "month", "value_column": "count",
    ...     "denominator_column": None, "multiplier": 1, "start": "2022-04-01",
    ...     "change_date": "2024-04-01", "change_description": "Something changed.",
    ...     "baseline_points": 24, "seed": 1, "notable_points": [],
    ...     "columns": [{"name": "month", "unit": "date", "dtype": "datetime64[ns]",
    ...                  "description": "Month start"},
    ...                 {"name": "count", "unit": "people", "dtype": "int64",
    ...                  "description": "People seen"}]})
    >>> entry.change_date.year, entry.column("count").unit
    (2024, 'people')
    >>> parse_entry("demo", {"title": "Demo"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Data dictionary 'demo' lacks the field(s) ...
    """
    required = set(_TEXT_FIELDS) | {
        "measure_type",
        "improvement_direction",
        "denominator_column",
        "multiplier",
        "start",
        "change_date",
        "baseline_points",
        "seed",
        "columns",
    }
    missing = sorted(required - set(fields))
    if missing:
        raise ValueError(f"Data dictionary {name!r} lacks the field(s) {missing}; add them.")
    for field, allowed in (
        ("measure_type", get_args(MeasureType)),
        ("improvement_direction", get_args(Direction)),
    ):
        if fields[field] not in allowed:
            raise ValueError(f"{name}.{field} is {fields[field]!r}; use one of {allowed}.")
    for field in _TEXT_FIELDS:
        if not isinstance(fields[field], str) or not fields[field].strip():
            raise ValueError(f"{name}.{field} must be non-empty text.")
    columns = tuple(_parse_column(name, column) for column in fields["columns"])
    names = [column.name for column in columns]
    for field in ("date_column", "value_column", "denominator_column"):
        if fields[field] is not None and fields[field] not in names:
            raise ValueError(f"{name}.{field} {fields[field]!r} is not one of its columns {names}.")
    return DataDictionary(
        name=name,
        **{field: fields[field] for field in _TEXT_FIELDS},
        measure_type=fields["measure_type"],
        improvement_direction=fields["improvement_direction"],
        denominator_column=fields["denominator_column"],
        multiplier=int(fields["multiplier"]),
        start=pd.Timestamp(fields["start"]),
        change_date=pd.Timestamp(fields["change_date"]),
        baseline_points=int(fields["baseline_points"]),
        seed=int(fields["seed"]),
        columns=columns,
        notable_points=tuple(
            (str(point["date"]), str(point["story"])) for point in fields.get("notable_points", [])
        ),
    )


def _parse_column(name: str, fields: dict[str, Any]) -> Column:
    try:
        column = Column(fields["name"], fields["description"], fields["unit"], fields["dtype"])
    except (KeyError, TypeError) as error:
        raise ValueError(
            f"Each column of {name!r} needs name, description, unit and dtype; got {fields!r}."
        ) from error
    if column.dtype not in DTYPES:
        raise ValueError(f"{name}.{column.name} has dtype {column.dtype!r}; use one of {DTYPES}.")
    return column


def _read_dictionaries() -> dict[str, DataDictionary]:
    text = resources.files(__package__).joinpath("data", "dictionaries.yaml").read_text("utf-8")
    entries = parse_yaml(text, what="the data dictionaries", source="dictionaries.yaml")
    return {name: parse_entry(name, fields) for name, fields in entries.items()}


DICTIONARIES: dict[str, DataDictionary] = _read_dictionaries()
