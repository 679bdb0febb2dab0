"""Measurement plans: a family of measures, each with an operational definition.

A measure is typed ``outcome``, ``process`` or ``balancing`` and defined well enough that two
people counting would get the same number: numerator, denominator, inclusions, exclusions,
source, frequency and owner. Write ``none`` where a part does not apply (a plain count has no
denominator) so a reader knows it was not forgotten.

>>> plan = MeasurementPlan("Reducing violence on Willow ward", [
...     Measure("Physical violence rate", "outcome",
...             numerator="Incidents of physical violence recorded on Datix",
...             denominator="Occupied bed days / 1,000", inclusions="All inpatients",
...             exclusions="Verbal aggression only", source="Datix and bed management system",
...             frequency="Monthly", owner="Ward manager"),
...     Measure("Safety huddles held", "process", numerator="Nights with a huddle",
...             denominator="Nights in the month", source="Huddle tick sheet"),
... ])
>>> plan.completeness()
{'Safety huddles held': ['inclusions', 'exclusions', 'frequency', 'owner']}
>>> for gap in plan.family_gaps():
...     print(gap)  # doctest: +NORMALIZE_WHITESPACE
No balancing measure: add one that would show harm elsewhere, e.g. restraint or seclusion
when working on violence.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from icp_helpers.fields import FieldError, choose, clean_text, reject_unknown_keys
from icp_helpers.files import DataFileError, atomic_write, dump_yaml, read_yaml

__all__ = [
    "DEFINITION_FIELDS",
    "MEASURE_KINDS",
    "Measure",
    "MeasurementPlan",
]

MEASURE_KINDS = ("outcome", "process", "balancing")
#: The parts of an operational definition, in the order a plan lists them.
DEFINITION_FIELDS = (
    "numerator",
    "denominator",
    "inclusions",
    "exclusions",
    "source",
    "frequency",
    "owner",
)
_KIND_ADVICE = {
    "outcome": "add one that shows whether the aim is being met, e.g. incidents per 1,000 "
    "occupied bed days",
    "process": "add one that shows whether the change is happening as planned, e.g. % of "
    "shifts with a safety huddle",
    "balancing": "add one that would show harm elsewhere, e.g. restraint or seclusion when "
    "working on violence",
}


@dataclass
class Measure:
    """One measure of a measurement plan with its operational definition.

    >>> Measure("Restraint", "balanced")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: Restraint: kind must be one of outcome, process, ...
    """

    name: str
    kind: str
    numerator: str = ""
    denominator: str = ""
    inclusions: str = ""
    exclusions: str = ""
    source: str = ""
    frequency: str = ""
    owner: str = ""

    def __post_init__(self) -> None:
        self.name = clean_text(self.name, "name")
        if not self.name:
            raise FieldError("a measure's name is empty; give it a short name, e.g. 'DNA rate'")
        try:
            self.kind = choose(self.kind, MEASURE_KINDS, "kind")
            for part in DEFINITION_FIELDS:
                setattr(self, part, clean_text(getattr(self, part), part))
        except FieldError as exc:
            raise FieldError(f"{self.name}: {exc}") from None

    def missing(self) -> list[str]:
        """The parts of the operational definition that are still empty.

        >>> Measure("DNA rate", "outcome", numerator="Appointments not attended").missing()
        ['denominator', 'inclusions', 'exclusions', 'source', 'frequency', 'owner']
        """
        return [part for part in DEFINITION_FIELDS if not getattr(self, part)]

    def to_dict(self) -> dict[str, str]:
        """The measure as plain data, in field order."""
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object], where: str = "the measure") -> Measure:
        """Build a measure from plain data, rejecting unknown fields with a suggestion.

        >>> Measure.from_dict({"name": "Falls rate", "kind": "Outcome"}).kind
        'outcome'
        """
        if not isinstance(data, Mapping):
            raise FieldError(f"{where} must be a set of 'field: value' pairs, not {data!r}")
        known = tuple(item.name for item in fields(cls))
        reject_unknown_keys(data.keys(), known, where)
        for required in ("name", "kind"):
            if required not in data:
                raise FieldError(f"{where} has no {required}; add '{required}: ...'")
        try:
            values: dict[str, Any] = {str(key): value for key, value in data.items()}
            return cls(**values)  # each field is checked as the object is made
        except FieldError as exc:
            raise FieldError(f"{where}: {exc}") from None


class MeasurementPlan:
    """A titled list of measures with completeness and family-of-measures checks.

    >>> MeasurementPlan("DNA project", [Measure("DNA rate", "outcome"),
    ...                                 Measure("dna rate", "process")])
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: two measures are called 'dna rate'; give each its own name
    """

    def __init__(self, title: str, measures: Iterable[Measure]) -> None:
        self.title = clean_text(title, "title")
        if not self.title:
            raise FieldError("the plan's title is empty; name the project, e.g. 'DNA project'")
        self.measures = list(measures)
        seen: set[str] = set()
        for number, measure in enumerate(self.measures, start=1):
            if not isinstance(measure, Measure):
                raise FieldError(
                    f"item {number} of the plan is a {type(measure).__name__}, not a Measure; "
                    "build each with Measure(name, kind, ...)"
                )
            key = measure.name.casefold()
            if key in seen:
                raise FieldError(
                    f"two measures are called {measure.name!r}; give each its own name"
                )
            seen.add(key)

    def __repr__(self) -> str:
        return f"MeasurementPlan({self.title!r}, {len(self.measures)} measures)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MeasurementPlan):
            return NotImplemented
        return (self.title, self.measures) == (other.title, other.measures)

    def by_kind(self, kind: str) -> list[Measure]:
        """The measures of one kind (outcome, process or balancing)."""
        wanted = choose(kind, MEASURE_KINDS, "kind")
        return [measure for measure in self.measures if measure.kind == wanted]

    def completeness(self) -> dict[str, list[str]]:
        """Measure name -> the empty parts of its definition, for incomplete measures only."""
        return {m.name: m.missing() for m in self.measures if m.missing()}

    def family_gaps(self) -> list[str]:
        """One sentence for each kind of measure the plan lacks (empty when the family is whole)."""
        return [
            f"No {kind} measure: {_KIND_ADVICE[kind]}."
            for kind in MEASURE_KINDS
            if not self.by_kind(kind)
        ]

    def problems(self) -> list[str]:
        """Everything to fix, in plain language: family gaps first, then each measure's gaps.

        >>> plan = MeasurementPlan("Falls, Cedar ward", [Measure("Falls", "outcome")])
        >>> print(plan.problems()[-1])  # doctest: +NORMALIZE_WHITESPACE
        Falls: the definition lacks numerator, denominator, inclusions, exclusions, source,
        frequency, owner.
        """
        found = self.family_gaps()
        for name, missing in self.completeness().items():
            found.append(f"{name}: the definition lacks {', '.join(missing)}.")
        return found

    def to_dict(self) -> dict[str, object]:
        """The plan as plain data: ``title`` and a list of ``measures``."""
        return {"title": self.title, "measures": [m.to_dict() for m in self.measures]}

    def save(self, path: str | os.PathLike) -> None:
        """Save the plan as YAML; the file is written completely or not at all."""
        atomic_write(path, dump_yaml(self.to_dict()))

    @classmethod
    def load(cls, path: str | os.PathLike) -> MeasurementPlan:
        """Load a plan from YAML with ``title:`` and a list under ``measures:``.

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> plan = MeasurementPlan("DNA project", [Measure("DNA rate", "outcome")])
        >>> plan.save(path)
        >>> MeasurementPlan.load(path) == plan
        True
        """
        what = "a measurement plan"
        data = read_yaml(path, what=what)
        if not isinstance(data, dict) or "measures" not in data:
            raise DataFileError(
                f"cannot read {what} from {path}: expected 'title: ...' and 'measures:' followed "
                "by a list of measures"
            )
        try:
            reject_unknown_keys(data.keys(), ("title", "measures"), "the plan")
            items = data["measures"] or []
            if not isinstance(items, list):
                raise FieldError(
                    "'measures:' must be followed by a list, each item starting '- name:'"
                )
            measures = [
                Measure.from_dict(item, where=f"measure {number}")
                for number, item in enumerate(items, start=1)
            ]
            return cls(data.get("title") or "", measures)
        except FieldError as exc:
            raise DataFileError(f"cannot read {what} from {path}: {exc}") from None
