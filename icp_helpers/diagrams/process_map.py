"""Process maps: the steps of a pathway, who does each, and where the time goes.

A process map lists the steps in the order they happen. Each step has a kind:

- ``step``: an ordinary piece of work;
- ``decision``: a point where the path can branch (e.g. "Urgent?");
- ``handoff``: the moment work is passed to someone else (e.g. "Referral e-mailed");
- ``wait``: time when nothing happens to the person or the work (a queue).

Each step has an ``owner`` (who does it) and two durations in minutes:
``value_added_minutes`` (time spent doing something the person would value) and
``waiting_minutes`` (time waiting before or during the step).

Measures, defined so they can be counted by hand:

- **steps**: every box on the map, whatever its kind;
- **hand-offs**: the number of places where the owner changes from one step to the
  next. A ``handoff`` step marks where the map shows the transfer; it does not add
  to the count by itself, and the step after it must have a different owner;
- **decision points**: the number of ``decision`` steps;
- **value-added time** and **waiting time**: the sums of the two durations;
- **lead time**: value-added time + waiting time (start to finish);
- **percent value-added**: 100 x value-added time / lead time.

>>> pm = ProcessMap.from_dict({"title": "Referral to first assessment, North CMHT", "steps": [
...     {"name": "GP sends referral", "owner": "GP", "kind": "handoff", "value_added_minutes": 15},
...     {"name": "Referral waits in inbox", "owner": "Admin", "kind": "wait",
...      "waiting_minutes": 2 * 24 * 60},
...     {"name": "Triage", "owner": "Duty clinician", "value_added_minutes": 20},
...     {"name": "Urgent?", "owner": "Duty clinician", "kind": "decision"},
...     {"name": "Wait for assessment slot", "owner": "Admin", "kind": "wait",
...      "waiting_minutes": 21 * 24 * 60},
...     {"name": "First assessment", "owner": "Care coordinator", "value_added_minutes": 60},
... ]})
>>> pm.n_steps, pm.n_handoffs, pm.n_decisions
(6, 4, 1)
>>> pm.lead_time_minutes == pm.value_added_minutes + pm.waiting_minutes
True
>>> round(pm.percent_value_added, 2)
0.29
>>> format_minutes(pm.lead_time_minutes)
'23 d 1 h 35 min'
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from numbers import Real
from typing import Any

import pandas as pd

from icp_helpers.diagrams.errors import diagram_file_errors
from icp_helpers.errors import IcpError
from icp_helpers.files import read_mapping, save_mapping

__all__ = ["KINDS", "ProcessMap", "ProcessMapError", "ProcessStep", "format_minutes"]

#: The kinds of step a map may hold.
KINDS = ("step", "decision", "handoff", "wait")


class ProcessMapError(IcpError, ValueError):
    """A process map or step is invalid; the message names the step, the field and the fix."""


def format_minutes(minutes: float) -> str:
    """Minutes as days, hours and minutes, e.g. ``format_minutes(1530) == '1 d 1 h 30 min'``.

    >>> format_minutes(45), format_minutes(90), format_minutes(2 * 24 * 60)
    ('45 min', '1 h 30 min', '2 d')
    """
    total = round(minutes)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{mins} min" if mins else "",
    ]
    return " ".join(p for p in parts if p) or "0 min"


def _minutes(value: Any, field: str, step: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ProcessMapError(
            f"Step {step!r}, {field}: expected a number of minutes, got {value!r}. Give a number "
            "such as 30 (for days, multiply: 2 * 24 * 60)."
        )
    if value < 0:
        raise ProcessMapError(f"Step {step!r}, {field}: {value} is negative; time cannot be.")
    return float(value)


@dataclass(frozen=True)
class ProcessStep:
    """One box on a process map, validated on construction.

    >>> ProcessStep("Book appointment", owner="Admin", kind="wiat")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.diagrams.process_map.ProcessMapError: Step 'Book appointment', kind: 'wiat' ...
    """

    name: str
    owner: str
    kind: str = "step"
    value_added_minutes: float = 0.0
    waiting_minutes: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ProcessMapError(f"Step name: expected some words, got {self.name!r}.")
        set_ = object.__setattr__
        set_(self, "name", " ".join(self.name.split()))
        if not isinstance(self.owner, str) or not self.owner.strip():
            raise ProcessMapError(
                f"Step {self.name!r}, owner: say who does this step (a role such as 'Admin' or "
                f"'Duty clinician'), got {self.owner!r}."
            )
        set_(self, "owner", " ".join(self.owner.split()))
        if self.kind not in KINDS:
            raise ProcessMapError(
                f"Step {self.name!r}, kind: {self.kind!r} is not a kind of step; use one of "
                f"{', '.join(KINDS)}."
            )
        for name in ("value_added_minutes", "waiting_minutes"):
            set_(self, name, _minutes(getattr(self, name), name, self.name))
        if self.kind == "wait" and self.value_added_minutes:
            raise ProcessMapError(
                f"Step {self.name!r} is a wait, so it adds no value: set value_added_minutes to 0 "
                "and put the time in waiting_minutes."
            )

    @property
    def lead_time_minutes(self) -> float:
        """Value-added plus waiting minutes for this step."""
        return self.value_added_minutes + self.waiting_minutes


_STEP_FIELDS = tuple(f.name for f in fields(ProcessStep))


class ProcessMap:
    """An ordered list of :class:`ProcessStep`, validated on construction; see the module doc."""

    def __init__(self, title: str, steps: Iterable[ProcessStep]) -> None:
        if not isinstance(title, str) or not title.strip():
            raise ProcessMapError(f"title: give the map a title, got {title!r}.")
        self.title = " ".join(title.split())
        if isinstance(steps, str | Mapping) or not isinstance(steps, Iterable):
            raise ProcessMapError("steps: expected a list of steps.")
        self.steps = tuple(steps)
        if not self.steps:
            raise ProcessMapError("steps: a process map needs at least one step.")
        for i, step in enumerate(self.steps):
            if not isinstance(step, ProcessStep):
                raise ProcessMapError(
                    f"steps[{i}]: expected a ProcessStep, got {type(step).__name__}; use "
                    "ProcessMap.from_dict to build steps from dicts."
                )
        names = [s.name for s in self.steps]
        repeats = sorted({n for n in names if names.count(n) > 1})
        if repeats:
            raise ProcessMapError(
                f"Step {repeats[0]!r} appears more than once: give each step its own name "
                "(e.g. 'Triage (first)' and 'Triage (second)')."
            )
        for step, after in zip(self.steps, self.steps[1:] + (None,), strict=True):
            if step.kind != "handoff":
                continue
            if after is None:
                raise ProcessMapError(
                    f"Step {step.name!r} is a hand-off but it is the last step: add the step "
                    "that receives the work, or make it an ordinary step."
                )
            if after.owner == step.owner:
                raise ProcessMapError(
                    f"Step {step.name!r} is a hand-off but the next step, {after.name!r}, has "
                    f"the same owner ({step.owner}): change the next step's owner or make this "
                    "an ordinary step."
                )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProcessMap:
        """Build from ``{"title": ..., "steps": [{"name": ..., "owner": ..., ...}, ...]}``."""
        if not isinstance(data, Mapping) or set(data) != {"title", "steps"}:
            raise ProcessMapError(
                'A process map is a dict with exactly two keys, "title" and "steps" (a list of '
                'dicts with "name", "owner" and optionally "kind", "value_added_minutes", '
                '"waiting_minutes").'
            )
        return cls.from_records(data["title"], data["steps"])

    @classmethod
    def from_records(cls, title: str, records: Iterable[Mapping[str, Any]]) -> ProcessMap:
        """Build from a list of step dicts (e.g. ``df.to_dict("records")``)."""
        if isinstance(records, str | Mapping) or not isinstance(records, Iterable):
            raise ProcessMapError("steps: expected a list of step dicts.")
        steps = []
        for i, record in enumerate(records):
            if not isinstance(record, Mapping):
                raise ProcessMapError(f"steps[{i}]: expected a dict, got {type(record).__name__}.")
            unknown = sorted(set(map(str, record)) - set(_STEP_FIELDS))
            missing = [k for k in ("name", "owner") if k not in record]
            if unknown or missing:
                problem = f"unknown key(s) {unknown}" if unknown else f"missing {missing}"
                raise ProcessMapError(
                    f"steps[{i}]: {problem}; a step uses {', '.join(_STEP_FIELDS)}."
                )
            steps.append(ProcessStep(**record))
        return cls(title, steps)

    @classmethod
    def from_frame(cls, title: str, frame: pd.DataFrame) -> ProcessMap:
        """Build from a DataFrame with a row per step and the :class:`ProcessStep` columns."""
        if not isinstance(frame, pd.DataFrame):
            raise ProcessMapError(f"frame: expected a DataFrame, got {type(frame).__name__}.")
        tidy = frame.astype(object).where(frame.notna(), None)
        records = [{k: v for k, v in r.items() if v is not None} for r in tidy.to_dict("records")]
        return cls.from_records(title, records)

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts and lists, the inverse of :meth:`from_dict`."""
        return {
            "title": self.title,
            "steps": [{f: getattr(s, f) for f in _STEP_FIELDS} for s in self.steps],
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save as YAML or JSON (by extension); the file is replaced whole or not at all."""
        with diagram_file_errors():
            save_mapping(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ProcessMap:
        """Load a map saved by :meth:`save` (or written by hand) from YAML or JSON."""
        with diagram_file_errors():
            data = read_mapping(path, what="a process map")
        try:
            return cls.from_dict(data)
        except ProcessMapError as err:
            raise ProcessMapError(f"{os.path.basename(path)}: {err}") from None

    def to_frame(self) -> pd.DataFrame:
        """One row per step, with a ``handoff_after`` column (True where the owner changes)."""
        frame = pd.DataFrame(self.to_dict()["steps"], columns=list(_STEP_FIELDS))
        owners = [s.owner for s in self.steps]
        frame["handoff_after"] = [a != b for a, b in zip(owners, owners[1:], strict=False)] + [
            False
        ]
        return frame

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProcessMap):
            return NotImplemented
        return self.title == other.title and self.steps == other.steps

    def __repr__(self) -> str:
        return f"ProcessMap(title={self.title!r}, steps={self.n_steps})"

    @property
    def owners(self) -> list[str]:
        """Owners in order of first appearance (one swimlane each)."""
        return list(dict.fromkeys(s.owner for s in self.steps))

    @property
    def n_steps(self) -> int:
        """Number of boxes on the map, of every kind."""
        return len(self.steps)

    def handoffs(self) -> list[tuple[str, str]]:
        """The (from step, to step) pairs where the owner changes."""
        pairs = zip(self.steps, self.steps[1:], strict=False)
        return [(a.name, b.name) for a, b in pairs if a.owner != b.owner]

    @property
    def n_handoffs(self) -> int:
        """Number of changes of owner between consecutive steps."""
        return len(self.handoffs())

    @property
    def n_decisions(self) -> int:
        """Number of decision points."""
        return sum(s.kind == "decision" for s in self.steps)

    @property
    def n_waits(self) -> int:
        """Number of wait steps."""
        return sum(s.kind == "wait" for s in self.steps)

    @property
    def value_added_minutes(self) -> float:
        """Total value-added time in minutes."""
        return sum(s.value_added_minutes for s in self.steps)

    @property
    def waiting_minutes(self) -> float:
        """Total waiting time in minutes."""
        return sum(s.waiting_minutes for s in self.steps)

    @property
    def lead_time_minutes(self) -> float:
        """Start-to-finish time: value-added plus waiting minutes."""
        return sum(s.lead_time_minutes for s in self.steps)

    @property
    def percent_value_added(self) -> float:
        """Value-added time as a percentage (0-100) of lead time; NaN if no time is recorded."""
        lead = self.lead_time_minutes
        return min(100.0, 100 * self.value_added_minutes / lead) if lead else math.nan

    def measures(self) -> dict[str, float]:
        """All the measures in one dict (times in minutes)."""
        return {
            "steps": self.n_steps,
            "handoffs": self.n_handoffs,
            "decisions": self.n_decisions,
            "waits": self.n_waits,
            "value_added_minutes": self.value_added_minutes,
            "waiting_minutes": self.waiting_minutes,
            "lead_time_minutes": self.lead_time_minutes,
            "percent_value_added": self.percent_value_added,
        }

    def summary(self) -> str:
        """One line a team can read: counts, lead time and percent value-added."""
        pva = self.percent_value_added
        pva_text = "no times recorded" if math.isnan(pva) else f"{pva:.1f}% value-added"
        counts = [
            (self.n_steps, "step", "steps"),
            (self.n_handoffs, "hand-off", "hand-offs"),
            (self.n_decisions, "decision point", "decision points"),
        ]
        text = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts)
        return f"{text}; lead time {format_minutes(self.lead_time_minutes)}, {pva_text}"
