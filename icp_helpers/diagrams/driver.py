"""Driver diagrams: aim -> primary drivers -> secondary drivers -> change ideas.

A driver diagram shows a team's theory of change. Primary drivers are the big
areas that must change to reach the aim; secondary drivers are the parts of the
system that act on each primary driver; change ideas are what the team will test
(with PDSA cycles) to move a secondary driver. A change idea may name the measure
that will show whether it works.

Build one from plain dicts and lists (the friendly form):

>>> diagram = DriverDiagram.from_dict({
...     "aim": "Reduce physical violence on Bancroft ward from 18 to 12 incidents per "
...            "1,000 occupied bed days by 31 March 2026",
...     "measures": ["Incidents per 1,000 occupied bed days", "Community meetings held"],
...     "primary": {
...         "Safe ward environment": {
...             "Predictable routines": [
...                 {"idea": "Daily community meeting", "measure": "Community meetings held"},
...                 "Protected engagement time",
...             ],
...         },
...         "Skilled, confident staff": {"De-escalation skills": ["Safewards training"]},
...     },
... })
>>> diagram.primary_drivers
['Safe ward environment', 'Skilled, confident staff']
>>> diagram.change_ideas
['Daily community meeting', 'Protected engagement time', 'Safewards training']
>>> diagram.validate()
[]

or step by step, then ask what is wrong with it:

>>> draft = DriverDiagram("Reduce DNAs in the North CMHT from 18% to 12% by March 2025")
>>> draft.add_primary("People remember appointments")
>>> draft.add_secondary("Reminders that reach people")
>>> draft.add_change_idea("Text reminder two days before", under="People remember appointments")
>>> for problem in draft.validate():
...     print(problem)  # doctest: +NORMALIZE_WHITESPACE
Secondary driver 'Reminders that reach people' is not connected to the aim: put it
under a primary driver.
Change idea 'Text reminder two days before' hangs off primary driver 'People remember
appointments': attach change ideas to a secondary driver instead.

The rules :meth:`DriverDiagram.validate` checks, in plain language: every driver
and change idea connects back to the aim (no orphans); links only run aim ->
primary -> secondary -> change idea (so change ideas hang off secondary drivers)
and never loop back (no cycles); a measure named by a change idea is one of the
diagram's measures; and there is at least one primary driver. Names are unique:
using the same name twice means the same box (a secondary driver shared by two
primary drivers, for instance).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from icp_helpers.aims import AimStatement
from icp_helpers.diagrams.errors import DiagramFileError, diagram_file_errors
from icp_helpers.errors import IcpError
from icp_helpers.files import dump_json, dump_yaml, parse_mapping, read_mapping, save_mapping

__all__ = ["DiagramFileError", "DriverDiagram", "DriverDiagramError", "KINDS"]

_WHAT = "a driver diagram"

PRIMARY, SECONDARY, CHANGE_IDEA = "primary driver", "secondary driver", "change idea"
#: The kinds of box below the aim, in column order.
KINDS = (PRIMARY, SECONDARY, CHANGE_IDEA)
_CHILD_KIND = {PRIMARY: SECONDARY, SECONDARY: CHANGE_IDEA}
_KEYS = ("aim", "measures", "primary", "secondary_drivers", "change_ideas", "links")


class DriverDiagramError(IcpError, ValueError):
    """A driver diagram is malformed or has problems; ``problems`` lists each one."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DriverDiagramError(
            f"{what}: expected a name in words, got {value!r}. Give it a short name in quotes, "
            "e.g. 'Predictable routines'."
        )
    return " ".join(value.split())


def _as_list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise DriverDiagramError(f"{what}: expected a list, got {type(value).__name__}.")
    return list(value)


class DriverDiagram:
    """A driver diagram: an aim, its drivers and change ideas, and the measures they use.

    Create an empty one with ``DriverDiagram(aim, measures=[...])`` and add boxes
    with :meth:`add_primary`, :meth:`add_secondary`, :meth:`add_change_idea`
    (each takes ``under=`` to link it to the box above) and :meth:`link`; or build
    one from a dict with :meth:`from_dict`. The builders check names but not the
    overall shape; :meth:`validate` lists the problems and :meth:`check` raises
    them. ``aim`` may be text or an :class:`~icp_helpers.aims.AimStatement`.

    >>> d = DriverDiagram("Reduce falls on Bancroft ward", measures=["Falls per 1,000 bed days"])
    >>> d.add_primary("Safe mobility")
    >>> d.add_secondary("Footwear and walking aids", under="Safe mobility")
    >>> d.add_change_idea("Slipper socks on admission", under="Footwear and walking aids",
    ...                   measure="Falls per 1,000 bed days")
    >>> d.check()
    >>> d.parents("Slipper socks on admission")
    ['Footwear and walking aids']
    """

    def __init__(self, aim: Any, measures: Iterable[str] = ()) -> None:
        self.aim = _name(aim.text() if isinstance(aim, AimStatement) else aim, "aim")
        self.measures: list[str] = []
        self._kinds: dict[str, str] = {}
        self._measure_of: dict[str, str] = {}
        self._links: dict[tuple[str, str], None] = {}  # ordered set of (parent, child)
        for measure in _as_list(measures, "measures"):
            self.add_measure(measure)

    # --- building -----------------------------------------------------------------------

    def add_measure(self, name: str) -> None:
        """Declare a measure that change ideas may name (a repeat is ignored)."""
        name = _name(name, "measure")
        if name not in self.measures:
            self.measures.append(name)

    def _add(self, name: Any, kind: str) -> str:
        name = _name(name, kind)
        if name == self.aim:
            raise DriverDiagramError(f"{kind} {name!r} has the same name as the aim: rename it.")
        existing = self._kinds.setdefault(name, kind)
        if existing != kind:
            raise DriverDiagramError(
                f"{name!r} is already a {existing}, so it cannot also be a {kind}: give the "
                f"{kind} a different name."
            )
        return name

    def _link_under(self, name: str, under: str | Iterable[str] | None) -> None:
        parents = [under] if isinstance(under, str) else _as_list(under, f"under for {name!r}")
        for parent in parents:
            self.link(parent, name)

    def add_primary(self, name: str) -> None:
        """Add a primary driver; it is linked to the aim."""
        self._add(name, PRIMARY)

    def add_secondary(self, name: str, under: str | Iterable[str] | None = None) -> None:
        """Add a secondary driver, linked under the primary driver(s) named by ``under``."""
        self._link_under(self._add(name, SECONDARY), under)

    def add_change_idea(
        self, name: str, under: str | Iterable[str] | None = None, measure: str | None = None
    ) -> None:
        """Add a change idea under secondary driver(s) ``under``, optionally naming its measure."""
        name = self._add(name, CHANGE_IDEA)
        if measure is not None:
            measure = _name(measure, f"measure for change idea {name!r}")
            if self._measure_of.setdefault(name, measure) != measure:
                raise DriverDiagramError(
                    f"Change idea {name!r} is given two measures, {self._measure_of[name]!r} "
                    f"and {measure!r}: give it one."
                )
        self._link_under(name, under)

    def link(self, parent: str, child: str) -> None:
        """Draw an arrow from ``parent`` to ``child``; both boxes must already exist."""
        for role, name in (("parent", parent), ("child", child)):
            if not isinstance(name, str) or " ".join(name.split()) not in self._kinds:
                raise DriverDiagramError(
                    f"Cannot link {parent!r} to {child!r}: the {role} {name!r} is not in the "
                    "diagram. Add it first, or check the spelling."
                )
        self._links[(" ".join(parent.split()), " ".join(child.split()))] = None

    # --- reading ------------------------------------------------------------------------

    def _of_kind(self, kind: str) -> list[str]:
        return [name for name, k in self._kinds.items() if k == kind]

    @property
    def primary_drivers(self) -> list[str]:
        """Primary driver names, in the order added."""
        return self._of_kind(PRIMARY)

    @property
    def secondary_drivers(self) -> list[str]:
        """Secondary driver names, in the order added."""
        return self._of_kind(SECONDARY)

    @property
    def change_ideas(self) -> list[str]:
        """Change idea names, in the order added."""
        return self._of_kind(CHANGE_IDEA)

    @property
    def links(self) -> list[tuple[str, str]]:
        """Every (parent, child) link between boxes, in the order added (the aim's are implied)."""
        return list(self._links)

    def kind(self, name: str) -> str:
        """The kind of box ``name``: 'primary driver', 'secondary driver' or 'change idea'."""
        try:
            return self._kinds[name]
        except KeyError:
            raise DriverDiagramError(f"There is no box called {name!r} in the diagram.") from None

    def measure_for(self, change_idea: str) -> str | None:
        """The measure named by ``change_idea``, or None."""
        self.kind(change_idea)
        return self._measure_of.get(change_idea)

    def parents(self, name: str) -> list[str]:
        """The boxes with a link to ``name`` (a primary driver's parent, the aim, is implied)."""
        self.kind(name)
        return [p for p, c in self._links if c == name]

    def children(self, name: str) -> list[str]:
        """The boxes ``name`` links to; ``children(diagram.aim)`` gives the primary drivers."""
        if name == self.aim:
            return self.primary_drivers
        self.kind(name)
        return [c for p, c in self._links if p == name]

    def __len__(self) -> int:
        """Number of boxes below the aim."""
        return len(self._kinds)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DriverDiagram):
            return NotImplemented
        return (
            self.aim == other.aim
            and self.measures == other.measures
            and self._kinds == other._kinds
            and self._measure_of == other._measure_of
            and set(self._links) == set(other._links)
        )

    def __repr__(self) -> str:
        return (
            f"DriverDiagram(aim={self.aim!r}, primary={len(self.primary_drivers)}, "
            f"secondary={len(self.secondary_drivers)}, change_ideas={len(self.change_ideas)})"
        )

    # --- validation ---------------------------------------------------------------------

    def _reachable(self) -> set[str]:
        seen, stack = set(), list(self.primary_drivers)
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(self.children(name))
        return seen

    def _cycles(self) -> list[list[str]]:
        """Each loop of links once, as the list of names around it (first name repeated)."""
        colour, path, loops = dict.fromkeys(self._kinds, 0), [], []

        def visit(name: str) -> None:
            colour[name] = 1
            path.append(name)
            for child in self.children(name):
                if colour[child] == 1:
                    loop = path[path.index(child) :]
                    start = loop.index(min(loop))  # start at the first name alphabetically
                    loops.append(loop[start:] + loop[:start] + [loop[start]])
                elif colour[child] == 0:
                    visit(child)
            path.pop()
            colour[name] = 2

        for name in self._kinds:
            if colour[name] == 0:
                visit(name)
        return loops

    def validate(self) -> list[str]:
        """List the diagram's problems as plain sentences; an empty list means it is valid.

        >>> d = DriverDiagram("Reduce restraint on Rosebank ward", measures=["Restraints"])
        >>> d.add_primary("Early de-escalation")
        >>> d.add_secondary("Knowing each patient's triggers", under="Early de-escalation")
        >>> d.add_change_idea("Safety plan at admission", under="Knowing each patient's triggers",
        ...                   measure="Restraint")
        >>> d.validate()  # doctest: +NORMALIZE_WHITESPACE
        ["Change idea 'Safety plan at admission' uses the measure 'Restraint', which is not
        one of the diagram's measures (Restraints): add it to the measures or correct the
        name."]
        """
        problems = []
        if not self.primary_drivers:
            problems.append("The diagram has no primary drivers: add at least one.")
        reachable = self._reachable()
        fixes = {
            SECONDARY: "put it under a primary driver",
            CHANGE_IDEA: "put it under a secondary driver",
        }
        for name, kind in self._kinds.items():
            if kind != PRIMARY and name not in reachable:
                problems.append(
                    f"{kind.capitalize()} {name!r} is not connected to the aim: {fixes[kind]}."
                )
        for parent, child in self._links:
            parent_kind, child_kind = self._kinds[parent], self._kinds[child]
            if _CHILD_KIND.get(parent_kind) == child_kind:
                continue
            if child_kind == CHANGE_IDEA and parent_kind == PRIMARY:
                problems.append(
                    f"Change idea {child!r} hangs off primary driver {parent!r}: attach change "
                    "ideas to a secondary driver instead."
                )
            elif child_kind == PRIMARY:
                problems.append(
                    f"Primary driver {child!r} is linked from {parent_kind} {parent!r}: primary "
                    "drivers connect to the aim only; remove this link."
                )
            else:
                problems.append(
                    f"{child_kind.capitalize()} {child!r} is linked from {parent_kind} "
                    f"{parent!r}: links run aim -> primary driver -> secondary driver -> change "
                    "idea; remove this link or change the kinds."
                )
        for loop in self._cycles():
            problems.append(
                f"There is a loop: {' -> '.join(loop)}. A driver diagram runs one way, from the "
                "aim to the change ideas: remove one of these links."
            )
        for idea, measure in self._measure_of.items():
            if measure not in self.measures:
                declared = ", ".join(self.measures) or "none yet"
                problems.append(
                    f"Change idea {idea!r} uses the measure {measure!r}, which is not one of the "
                    f"diagram's measures ({declared}): add it to the measures or correct the name."
                )
        return problems

    def is_valid(self) -> bool:
        """True when :meth:`validate` finds no problems."""
        return not self.validate()

    def check(self) -> None:
        """Raise :class:`DriverDiagramError` listing every problem, if there are any."""
        problems = self.validate()
        if problems:
            listed = "\n".join(f"- {p}" for p in problems)
            raise DriverDiagramError(
                f"The driver diagram has {len(problems)} problem(s):\n{listed}", problems
            )

    def gaps(self) -> list[str]:
        """Drivers with nothing below them yet: worth a conversation, though not errors.

        >>> d = DriverDiagram("Reduce falls", measures=[])
        >>> d.add_primary("Safe mobility")
        >>> d.gaps()
        ["Primary driver 'Safe mobility' has no secondary drivers yet."]
        """
        below = {PRIMARY: "secondary drivers", SECONDARY: "change ideas"}
        return [
            f"{kind.capitalize()} {name!r} has no {below[kind]} yet."
            for kind in below
            for name in self._of_kind(kind)
            if not self.children(name)
        ]

    # --- conversion ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The diagram as plain dicts and lists, in the friendly nested form where possible.

        Links that the nesting cannot show (boxes not under the right kind of parent)
        go in ``links`` and unplaced boxes in ``secondary_drivers``/``change_ideas``, so
        :meth:`from_dict` rebuilds exactly the same diagram, problems included.
        """
        nested_links: set[tuple[str, str]] = set()

        def idea_entry(idea: str) -> str | dict[str, str]:
            measure = self._measure_of.get(idea)
            return {"idea": idea, "measure": measure} if measure else idea

        primary: dict[str, dict[str, list[Any]]] = {}
        for p in self.primary_drivers:
            primary[p] = {}
            for s in self.children(p):
                if self._kinds[s] != SECONDARY:
                    continue
                nested_links.add((p, s))
                ideas = [c for c in self.children(s) if self._kinds[c] == CHANGE_IDEA]
                nested_links.update((s, c) for c in ideas)
                primary[p][s] = [idea_entry(c) for c in ideas]
        placed = {name for link in nested_links for name in link} | set(self.primary_drivers)
        data: dict[str, Any] = {"aim": self.aim, "measures": list(self.measures)}
        data["primary"] = primary
        unplaced_secondary = [s for s in self.secondary_drivers if s not in placed]
        unplaced_ideas = [idea_entry(c) for c in self.change_ideas if c not in placed]
        extra_links = [[p, c] for p, c in self._links if (p, c) not in nested_links]
        if unplaced_secondary:
            data["secondary_drivers"] = unplaced_secondary
        if unplaced_ideas:
            data["change_ideas"] = unplaced_ideas
        if extra_links:
            data["links"] = extra_links
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, check: bool = True) -> DriverDiagram:
        """Build a diagram from a dict (see the module example) and, by default, check it.

        Keys: ``aim`` (required); ``measures`` (list); ``primary`` mapping each
        primary driver to a mapping of its secondary drivers, each to a list of
        change ideas (a name, or ``{"idea": name, "measure": measure}``); and, for
        diagrams that do not nest, ``secondary_drivers`` and ``change_ideas`` (lists
        of boxes) and ``links`` (a list of ``[parent, child]`` pairs). With
        ``check=False`` a draft with problems is returned for :meth:`validate`.
        """
        if not isinstance(data, Mapping):
            raise DriverDiagramError(
                f"A driver diagram must be a dict with an 'aim' key, got {type(data).__name__}."
            )
        unknown = [str(k) for k in data if k not in _KEYS]
        if unknown:
            raise DriverDiagramError(
                f"Unknown key(s) {', '.join(map(repr, unknown))}: a driver diagram uses "
                f"{', '.join(_KEYS)}."
            )
        if "aim" not in data:
            raise DriverDiagramError('The driver diagram has no \'aim\': add "aim": "...".')
        diagram = cls(data["aim"], measures=data.get("measures") or ())
        primary = data.get("primary") or {}
        if not isinstance(primary, Mapping):
            raise DriverDiagramError(
                "primary: expected a mapping of primary drivers to their secondary drivers, "
                'e.g. {"Safe ward environment": {"Predictable routines": ["Daily meeting"]}}.'
            )
        for p_name, secondaries in primary.items():
            diagram.add_primary(p_name)
            if secondaries is None:
                continue
            if not isinstance(secondaries, Mapping):
                raise DriverDiagramError(
                    f"primary driver {p_name!r}: expected a mapping of secondary drivers to lists "
                    f"of change ideas, got {type(secondaries).__name__}. Write "
                    f'{{"{p_name}": {{"A secondary driver": ["A change idea"]}}}}.'
                )
            for s_name, ideas in secondaries.items():
                diagram.add_secondary(s_name, under=p_name)
                for idea in _as_list(ideas, f"change ideas under {s_name!r}"):
                    diagram._add_idea_entry(idea, under=s_name)
        for s_name in _as_list(data.get("secondary_drivers"), "secondary_drivers"):
            diagram.add_secondary(s_name)
        for idea in _as_list(data.get("change_ideas"), "change_ideas"):
            diagram._add_idea_entry(idea, under=None)
        for pair in _as_list(data.get("links"), "links"):
            if isinstance(pair, str) or not isinstance(pair, Iterable) or len(list(pair)) != 2:
                raise DriverDiagramError(
                    f"links: each link is a [parent, child] pair, got {pair!r}."
                )
            diagram.link(*pair)
        if check:
            diagram.check()
        return diagram

    def _add_idea_entry(self, entry: Any, under: str | None) -> None:
        if isinstance(entry, Mapping):
            extra = set(entry) - {"idea", "measure"}
            if "idea" not in entry or extra:
                raise DriverDiagramError(
                    f"Change idea {dict(entry)!r}: write it as a name, or as "
                    '{"idea": "name", "measure": "measure name"}.'
                )
            self.add_change_idea(entry["idea"], under=under, measure=entry.get("measure"))
        else:
            self.add_change_idea(entry, under=under)

    def to_yaml(self) -> str:
        """The diagram as YAML text (see :meth:`to_dict` for the layout)."""
        return dump_yaml(self.to_dict())

    @classmethod
    def from_yaml(cls, text: str, *, check: bool = True) -> DriverDiagram:
        """Build a diagram from YAML text; malformed YAML raises a clear error."""
        with diagram_file_errors():
            data = parse_mapping(text, fmt="yaml", what=_WHAT, source="the YAML text")
        return cls._from_parsed(data, check)

    def to_json(self) -> str:
        """The diagram as JSON text."""
        return dump_json(self.to_dict())

    @classmethod
    def from_json(cls, text: str, *, check: bool = True) -> DriverDiagram:
        """Build a diagram from JSON text; malformed JSON raises a clear error."""
        with diagram_file_errors():
            data = parse_mapping(text, fmt="json", what=_WHAT, source="the JSON text")
        return cls._from_parsed(data, check)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save as YAML (.yaml/.yml) or JSON (.json); the file is replaced whole or not at all."""
        with diagram_file_errors():
            save_mapping(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, check: bool = True) -> DriverDiagram:
        """Load a diagram saved by :meth:`save` (or written by hand) from YAML or JSON."""
        with diagram_file_errors():
            data = read_mapping(path, what=_WHAT)
        return cls._from_parsed(data, check, str(path))

    @classmethod
    def _from_parsed(cls, data: dict[str, Any], check: bool, source: str = "") -> DriverDiagram:
        try:
            return cls.from_dict(data, check=check)
        except DriverDiagramError as err:
            if not source:
                raise
            raise DriverDiagramError(f"{os.path.basename(source)}: {err}", err.problems) from None
