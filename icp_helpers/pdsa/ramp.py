"""A PDSA ramp: linked cycles testing one change idea, each cycle's act leading to the next.

>>> ramp = PdsaRamp("Reminder texts", [
...     PdsaCycle(change_idea="Reminder text, one clinic", cycle_id="R1", act="adapt",
...               next_steps="Send two days before instead of one", start="2024-01-08",
...               end="2024-01-12"),
...     PdsaCycle(change_idea="Reminder text two days before", cycle_id="R2",
...               start="2024-01-15"),
... ])
>>> ramp.check_order()
[]
>>> [cycle.cycle_id for cycle in ramp]
['R1', 'R2']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from icp_helpers.fields import FieldError, clean_text
from icp_helpers.pdsa.cycle import PdsaCycle

__all__ = ["PdsaRamp", "ramps_from_cycles"]


class PdsaRamp:
    """Cycles in the order they were run, all testing (versions of) one change idea.

    ``check_order()`` lists what breaks the chain: a cycle that starts before the one before
    it has ended, a cycle that follows an abandoned one, a cycle whose act is undecided or
    does not say what comes next, or two cycles with the same id.

    >>> PdsaRamp("Falls huddles", [])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: ramp 'Falls huddles' has no cycles; add ...
    """

    def __init__(self, name: str, cycles: Iterable[PdsaCycle]) -> None:
        self.name = clean_text(name, "ramp name")
        if not self.name:
            raise FieldError("ramp name is empty; name the change idea the ramp tests")
        self.cycles = list(cycles)
        if not self.cycles:
            raise FieldError(f"ramp {self.name!r} has no cycles; add at least one PdsaCycle")
        for position, cycle in enumerate(self.cycles, start=1):
            if not isinstance(cycle, PdsaCycle):
                raise FieldError(
                    f"ramp {self.name!r}: item {position} is a {type(cycle).__name__}, "
                    "not a PdsaCycle; build each cycle with PdsaCycle(...)"
                )

    def __iter__(self) -> Iterator[PdsaCycle]:
        return iter(self.cycles)

    def __len__(self) -> int:
        return len(self.cycles)

    def __repr__(self) -> str:
        return f"PdsaRamp({self.name!r}, {len(self.cycles)} cycles)"

    def check_order(self) -> list[str]:
        """List the problems with how the cycles link together (empty when the chain holds).

        >>> ramp = PdsaRamp("Carer calls", [
        ...     PdsaCycle(change_idea="Call one carer", act="abandon", start="2024-02-05",
        ...               end="2024-02-09"),
        ...     PdsaCycle(change_idea="Call three carers", start="2024-02-07"),
        ... ])
        >>> for problem in ramp.check_order():
        ...     print(problem)  # doctest: +ELLIPSIS
        Cycle 2 starts on 2024-02-07, before cycle 1 ended on 2024-02-09; a cycle's act ...
        Cycle 2 follows cycle 1, which abandoned the change; start a new ramp for a different idea.
        """
        problems: list[str] = []
        seen: dict[str, int] = {}
        for number, cycle in enumerate(self.cycles, start=1):
            if cycle.cycle_id:
                if cycle.cycle_id in seen:
                    problems.append(
                        f"Cycle {number} has the same id ({cycle.cycle_id!r}) as cycle "
                        f"{seen[cycle.cycle_id]}; give each cycle its own id."
                    )
                seen.setdefault(cycle.cycle_id, number)
            if cycle.ramp and cycle.ramp != self.name:
                problems.append(
                    f"Cycle {number} says it belongs to ramp {cycle.ramp!r}, not {self.name!r}."
                )
            if number == 1:
                continue
            problems.extend(_link_problems(self.cycles[number - 2], cycle, number))
        return problems


def _link_problems(before: PdsaCycle, after: PdsaCycle, number: int) -> list[str]:
    problems: list[str] = []
    previous = number - 1
    if after.start is None or before.start is None:
        problems.append(
            f"Cycle {previous if before.start is None else number} has no start date, so the "
            "order of the ramp cannot be checked; add the date."
        )
    elif after.start < before.start:
        problems.append(
            f"Cycle {number} starts on {after.start.isoformat()}, before cycle {previous} "
            f"started on {before.start.isoformat()}; put the cycles in the order they were run."
        )
    elif before.end is not None and after.start < before.end:
        problems.append(
            f"Cycle {number} starts on {after.start.isoformat()}, before cycle {previous} "
            f"ended on {before.end.isoformat()}; a cycle's act should come before the next "
            "cycle starts."
        )
    if before.act == "abandon":
        problems.append(
            f"Cycle {number} follows cycle {previous}, which abandoned the change; "
            "start a new ramp for a different idea."
        )
    elif not before.act:
        problems.append(
            f"Cycle {previous} has no act decision, yet cycle {number} follows it; decide to "
            "adopt, adapt or abandon before the next cycle."
        )
    elif not before.next_steps:
        problems.append(
            f"Cycle {previous} does not say what comes next (next_steps), yet cycle {number} "
            "follows it; write how the act leads to the next test."
        )
    return problems


def ramps_from_cycles(cycles: Iterable[PdsaCycle]) -> list[PdsaRamp]:
    """Group a PDSA log into ramps by each cycle's ``ramp`` field, cycles sorted by start date.

    Cycles with no ramp name are left out; ramps come in order of their first cycle.

    >>> log = [PdsaCycle(change_idea="Huddle", ramp="Huddles", start="2024-03-11"),
    ...        PdsaCycle(change_idea="Welcome pack", ramp="Welcome", start="2024-03-01"),
    ...        PdsaCycle(change_idea="Huddle, nights", ramp="Huddles", start="2024-03-04")]
    >>> [(ramp.name, len(ramp)) for ramp in ramps_from_cycles(log)]
    [('Welcome', 1), ('Huddles', 2)]
    """
    groups: dict[str, list[PdsaCycle]] = {}
    for cycle in cycles:
        if cycle.ramp:
            groups.setdefault(cycle.ramp, []).append(cycle)
    ramps = [PdsaRamp(name, sorted(items, key=_start_key)) for name, items in groups.items()]
    return sorted(ramps, key=lambda ramp: _start_key(ramp.cycles[0]))


def _start_key(cycle: PdsaCycle) -> tuple[bool, str]:
    return (cycle.start is None, cycle.start.isoformat() if cycle.start else "")
