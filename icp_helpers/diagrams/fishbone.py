"""Cause-and-effect (fishbone, Ishikawa) diagrams: an effect, categories, causes and sub-causes.

A team lists the possible causes of a problem (the effect) under categories, and
asks "why?" again to add sub-causes. :data:`STANDARD_CATEGORIES` are the usual six
as health services name them; use your own where they fit the problem better.

>>> fb = Fishbone.standard("Missed appointments in the North CMHT")
>>> fb.add_cause("People", "Letters not in the person's first language")
>>> fb.add_cause("Methods", "Appointments booked without asking", sub_causes=["No choice of time"])
>>> fb.n_causes
2
>>> fb.to_frame().iloc[1].tolist()
['Methods', 'Appointments booked without asking', 'No choice of time']
>>> ax = draw_fishbone(fb)
>>> ax.get_title()
'Cause-and-effect diagram: Missed appointments in the North CMHT'
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from icp_helpers.diagrams.errors import diagram_file_errors
from icp_helpers.diagrams.style import EDGE, FILLS, LINE, wrap
from icp_helpers.errors import IcpError
from icp_helpers.files import read_mapping, save_mapping

__all__ = ["STANDARD_CATEGORIES", "Cause", "Fishbone", "FishboneError", "draw_fishbone"]

#: The usual six categories (the "6 Ms") in the words health services use.
STANDARD_CATEGORIES = ("People", "Methods", "Equipment", "Materials", "Measurement", "Environment")


class FishboneError(IcpError, ValueError):
    """A fishbone diagram is malformed; the message names the part and the fix."""


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FishboneError(f"{what}: expected some words, got {value!r}.")
    return " ".join(value.split())


@dataclass(frozen=True)
class Cause:
    """One cause on a bone, with the sub-causes found by asking "why?" again."""

    text: str
    sub_causes: tuple[str, ...] = ()


class Fishbone:
    """A cause-and-effect diagram, validated as it is built.

    >>> fb = Fishbone("Violence on Bancroft ward", categories=["Patients", "Staff"])
    >>> fb.add_cause("Staf", "Many agency staff")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.diagrams.fishbone.FishboneError: No category 'Staf'. Did you mean 'Staff'?...
    """

    def __init__(self, effect: str, categories: Iterable[str] = ()) -> None:
        self.effect = _text(effect, "effect")
        self._causes: dict[str, list[Cause]] = {}
        if isinstance(categories, str):
            raise FishboneError("categories: expected a list of category names, not one string.")
        for name in categories:
            self.add_category(name)

    @classmethod
    def standard(cls, effect: str) -> Fishbone:
        """A diagram with the six :data:`STANDARD_CATEGORIES` and no causes yet."""
        return cls(effect, STANDARD_CATEGORIES)

    @property
    def categories(self) -> list[str]:
        """Category names, in order (drawn alternately above and below the spine)."""
        return list(self._causes)

    @property
    def n_causes(self) -> int:
        """Number of causes (not counting sub-causes)."""
        return sum(len(c) for c in self._causes.values())

    def causes(self, category: str) -> list[Cause]:
        """The causes under ``category``."""
        return list(self._causes[self._category(category)])

    def _category(self, name: str) -> str:
        name = _text(name, "category")
        if name not in self._causes:
            close = difflib.get_close_matches(name, self._causes, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise FishboneError(
                f"No category {name!r}.{hint} Add it first with "
                f"add_category({name!r}) if it is new."
            )
        return name

    def add_category(self, name: str) -> None:
        """Add an empty category (a new bone)."""
        name = _text(name, "category")
        if name in self._causes:
            raise FishboneError(f"Category {name!r} is listed twice: remove the repeat.")
        self._causes[name] = []

    def add_cause(self, category: str, cause: str, sub_causes: Iterable[str] = ()) -> None:
        """Add a cause (with optional sub-causes) to an existing category."""
        category = self._category(category)
        cause = _text(cause, f"cause under {category!r}")
        if any(c.text == cause for c in self._causes[category]):
            raise FishboneError(
                f"{cause!r} is listed twice under {category!r}: remove the repeat, or add "
                "detail as sub-causes."
            )
        self._causes[category].append(Cause(cause, self._subs(sub_causes, cause)))

    def add_sub_cause(self, category: str, cause: str, sub_cause: str) -> None:
        """Add a sub-cause to a cause already in the diagram."""
        causes = self._causes[self._category(category)]
        for i, existing in enumerate(causes):
            if existing.text == " ".join(str(cause).split()):
                subs = self._subs([*existing.sub_causes, sub_cause], existing.text)
                causes[i] = Cause(existing.text, subs)
                return
        raise FishboneError(f"There is no cause {cause!r} under {category!r}: add it first.")

    @staticmethod
    def _subs(values: Iterable[str], cause: str) -> tuple[str, ...]:
        if isinstance(values, str) or not isinstance(values, Iterable):
            raise FishboneError(f"sub_causes of {cause!r}: expected a list of short phrases.")
        subs = [_text(v, f"sub-cause of {cause!r}") for v in values]
        repeats = sorted({s for s in subs if subs.count(s) > 1})
        if repeats:
            raise FishboneError(f"Sub-cause {repeats[0]!r} is listed twice under {cause!r}.")
        return tuple(subs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fishbone):
            return NotImplemented
        return self.effect == other.effect and self._causes == other._causes

    def __repr__(self) -> str:
        return (
            f"Fishbone(effect={self.effect!r}, categories={len(self._causes)}, "
            f"causes={self.n_causes})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per cause or sub-cause: columns ``category``, ``cause``, ``sub_cause``.

        A cause without sub-causes has one row with ``sub_cause`` empty (None).
        """
        rows = [
            (category, cause.text, sub)
            for category, causes in self._causes.items()
            for cause in causes
            for sub in (cause.sub_causes or (None,))
        ]
        return pd.DataFrame(rows, columns=["category", "cause", "sub_cause"])

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts and lists: ``{"effect": ..., "categories": {name: [causes]}}``."""

        def entry(cause: Cause) -> str | dict[str, Any]:
            if cause.sub_causes:
                return {"cause": cause.text, "sub_causes": list(cause.sub_causes)}
            return cause.text

        return {
            "effect": self.effect,
            "categories": {
                name: [entry(c) for c in causes] for name, causes in self._causes.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fishbone:
        """Build from ``{"effect": ..., "categories": {name: [cause, ...]}}``.

        A cause is a phrase, or ``{"cause": phrase, "sub_causes": [phrase, ...]}``.

        >>> Fishbone.from_dict({"effect": "Falls on Bancroft ward", "categories": {
        ...     "Environment": ["Poor lighting at night",
        ...                     {"cause": "Wet floors", "sub_causes": ["Mopping at busy times"]}]}})
        Fishbone(effect='Falls on Bancroft ward', categories=1, causes=2)
        """
        if not isinstance(data, Mapping) or "effect" not in data:
            raise FishboneError(
                'A fishbone must be a dict with an "effect" and "categories", e.g. '
                '{"effect": "Missed appointments", "categories": {"People": ["..."]}}.'
            )
        unknown = set(data) - {"effect", "categories"}
        if unknown:
            raise FishboneError(
                f"Unknown key(s) {', '.join(sorted(map(repr, unknown)))}: use effect and "
                "categories."
            )
        categories = data.get("categories") or {}
        if not isinstance(categories, Mapping):
            raise FishboneError("categories: expected a mapping of category names to cause lists.")
        fishbone = cls(data["effect"])
        for name, causes in categories.items():
            fishbone.add_category(name)
            if causes is None:
                continue
            if isinstance(causes, str | Mapping) or not isinstance(causes, Iterable):
                raise FishboneError(f"Causes under {name!r}: expected a list of causes.")
            for cause in causes:
                if isinstance(cause, Mapping):
                    if "cause" not in cause or set(cause) - {"cause", "sub_causes"}:
                        raise FishboneError(
                            f"Cause {dict(cause)!r} under {name!r}: write it as a phrase, or as "
                            '{"cause": "...", "sub_causes": ["..."]}.'
                        )
                    fishbone.add_cause(name, cause["cause"], cause.get("sub_causes") or ())
                else:
                    fishbone.add_cause(name, cause)
        return fishbone

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save as YAML or JSON (by extension); the file is replaced whole or not at all."""
        with diagram_file_errors():
            save_mapping(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Fishbone:
        """Load a fishbone saved by :meth:`save` (or written by hand)."""
        with diagram_file_errors():
            data = read_mapping(path, what="a fishbone")
        try:
            return cls.from_dict(data)
        except FishboneError as err:
            raise FishboneError(f"{os.path.basename(path)}: {err}") from None


_LINE = 0.2  # inches per line of cause text
_BONE_GAP = 3.1  # inches between bones along the spine
_WRAP = 30


def _cause_lines(cause: Cause) -> list[tuple[str, bool]]:
    """The wrapped lines for one cause: (text, is_sub_cause)."""
    lines = [(wrap(cause.text, _WRAP), False)]
    lines += [(wrap(f"– {s}", _WRAP - 2), True) for s in cause.sub_causes]
    return lines


def _height(causes: list[Cause]) -> float:
    n = sum(t.count("\n") + 1 for c in causes for t, _ in _cause_lines(c))
    return n * _LINE + 0.2 * len(causes)


def draw_fishbone(fishbone: Fishbone, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw the fishbone: effect at the head on the right, categories on slanted bones.

    Categories alternate above and below the spine, in order. Each category name is
    a boxed label at the end of its bone; causes are written along the bone with a
    tick to it, sub-causes beneath in italics with a dash. The figure grows with the
    number of categories and causes. Returns the axes.
    """
    import matplotlib.pyplot as plt

    cats = fishbone.categories
    n_cols = max(1, math.ceil(len(cats) / 2))
    bone = max([1.2] + [_height(fishbone.causes(c)) + 0.5 for c in cats])
    slant = 0.45 * bone
    spine_end = n_cols * _BONE_GAP + 0.4
    width, height = spine_end + 3.4, 2 * bone + 1.6
    if ax is None:
        _, ax = plt.subplots(figsize=(max(8.0, width), max(4.5, height)), layout="constrained")
    ax.plot([0.2, spine_end], [0, 0], color=EDGE, linewidth=2.2)
    head_lines = wrap(fishbone.effect, 24).count("\n") + 1
    head_h = head_lines * _LINE + 0.4
    ax.add_patch(
        FancyBboxPatch(
            (spine_end, -head_h / 2),
            2.9,
            head_h,
            boxstyle="round,pad=0,rounding_size=0.1",
            facecolor=FILLS[0],
            edgecolor=EDGE,
            linewidth=1.5,
        )
    )
    ax.text(
        spine_end + 1.45,
        0,
        wrap(fishbone.effect, 24),
        ha="center",
        va="center",
        fontsize=9.5,
        fontweight="bold",
        color=EDGE,
    )
    for i, category in enumerate(cats):
        side = 1 if i % 2 == 0 else -1
        base_x = spine_end - 0.2 - (n_cols - i // 2 - 1) * _BONE_GAP - 0.3
        tip_x, tip_y = base_x - slant, side * bone
        ax.plot([base_x, tip_x], [0, tip_y], color=LINE, linewidth=1.6)
        ax.text(
            tip_x,
            tip_y + side * 0.12,
            category,
            ha="center",
            fontsize=10,
            fontweight="bold",
            va="bottom" if side > 0 else "top",
            color=EDGE,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": FILLS[1 + i % 3], "edgecolor": EDGE},
        )
        # a cursor moving down the page from the top of this bone's block of text
        top = bone - 0.35
        y = top if side > 0 else -top + _height(fishbone.causes(category))
        for cause in fishbone.causes(category):
            for text, is_sub in _cause_lines(cause):
                n = text.count("\n") + 1
                y_mid = y - (n - 1) * _LINE / 2
                x_bone = base_x - slant * abs(y_mid) / bone
                if not is_sub:
                    ax.plot([x_bone - 0.25, x_bone], [y_mid, y_mid], color=LINE, linewidth=1)
                ax.text(
                    x_bone - (0.55 if is_sub else 0.3),
                    y_mid,
                    text,
                    ha="right",
                    va="center",
                    fontsize=7.5 if is_sub else 8.5,
                    style="italic" if is_sub else "normal",
                    color=EDGE,
                )
                y -= n * _LINE
            y -= 0.2
    ax.set_xlim(-0.2, spine_end + 3.1)
    ax.set_ylim(-bone - 0.7, bone + 0.7)
    ax.set_title(title or f"Cause-and-effect diagram: {fishbone.effect}", fontsize=12)
    ax.set_axis_off()
    return ax
