"""Aim statements: a validated model and a SMART checker for free-text aims.

An aim answers the Model for Improvement's first question, "What are we trying to
accomplish?". A good aim says **what** will change and in which direction,
**where** (or for **whom**), the **measure**, the **baseline**, a numeric
**target** and **by when**.

>>> aim = AimStatement(
...     what="Reduce physical violence", where="Bancroft ward",
...     measure="incidents per 1,000 occupied bed days",
...     baseline=18, target=12, by_when="March 2026")
>>> print(aim)  # doctest: +NORMALIZE_WHITESPACE
Reduce physical violence on Bancroft ward from 18 to 12 incidents per 1,000 occupied
bed days by 31 March 2026
>>> aim.relative_change_percent
-33.3

:func:`check_aim` reads a free-text aim (or an :class:`AimStatement`, or a dict of
its fields) and reports each SMART element as present or missing:

>>> result = check_aim("Reduce DNAs in the North community mental health team by March 2025")
>>> result.missing
['measure', 'baseline', 'target']
>>> print(result.feedback[0])  # doctest: +NORMALIZE_WHITESPACE
Measure: say how you will measure it, e.g. 'incidents per 1,000 occupied bed days'
or '% of appointments not attended'.

How free text is read (transparent rules, applied case-insensitively)
----------------------------------------------------------------------
Dates are found first and masked, so the numbers in "31 March 2026" are never read
as a baseline or target; a relative change such as "by 30%" is also masked before
looking for the measure.

========  ====================================================================
element   present when the text contains
========  ====================================================================
what      a direction verb (reduce, decrease, lower, cut, halve, eliminate,
          prevent, increase, improve, raise, double, achieve, reach, sustain,
          maintain, shorten) followed by what it applies to
where     a preposition (on, in, at, across, within, for, among) followed by
          up to four words ending in a place word (ward, team, CMHT, unit,
          service, clinic, hospital, practice, caseload, pathway, register,
          ...), or a population word anywhere (patients, service users,
          carers, people, adults, young people, children, staff, ...)
measure   a rate ("per 1,000 occupied bed days"), a percentage ("18%",
          "per cent", "percentage", "proportion", "rate"), a summary ("number
          of", "median", "mean", "average") or a count unit after a number
          ("12 incidents", "28 days")
baseline  "from N" (optionally "from a baseline/median/mean/average of N"),
          or "baseline", "currently", "at present" followed by a number
target    "to N" (optionally "to below/under/at least ... N"), "below N",
          "under N", "at least N", "no more than N", "N or fewer/more",
          "by N%" (a relative target), "to zero", "halve", "double",
          "eliminate"
by when   a date (month and year, day month year, 2026-03-31, 31/03/2026,
          Q1 2026, 2025/26, a year) after a deadline word (by, before, until,
          no later than, end of, in, during), or "within N weeks/months/years"
========  ====================================================================
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from numbers import Real
from typing import Any

from icp_helpers.errors import IcpError

__all__ = ["AimCheck", "AimElement", "AimError", "AimStatement", "ELEMENTS", "check_aim"]


class AimError(IcpError, ValueError):
    """An aim statement field is missing or invalid; the message names the field and the fix."""


#: The SMART elements, in the order they are reported, with a label for each.
ELEMENTS = {
    "what": "Specific: what will change",
    "where": "Where or for whom",
    "measure": "Measure",
    "baseline": "Baseline (where you are now)",
    "target": "Numeric target",
    "by_when": "Time-bound: by when",
}

_FIXES = {
    "what": "What: start with what will change and in which direction, e.g. 'Reduce physical "
    "violence' or 'Increase the percentage of people seen within 28 days'.",
    "where": "Where: say where or for whom, e.g. 'on Bancroft ward' or 'for people on the "
    "North CMHT caseload'.",
    "measure": "Measure: say how you will measure it, e.g. 'incidents per 1,000 occupied bed "
    "days' or '% of appointments not attended'.",
    "baseline": "Baseline: say where you are now, e.g. 'from 18 incidents per 1,000 occupied bed "
    "days' (use the median of your recent data).",
    "target": "Target: give a number to reach, e.g. 'to 12 incidents per 1,000 occupied bed days' "
    "or 'by 30%'.",
    "by_when": "By when: give a deadline, e.g. 'by 31 March 2026'.",
}

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_NUM = r"\d[\d,]*(?:\.\d+)?"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\.?,?\s+\d{{4}}\b"  # (31) March 2026
    r"|\b\d{4}-\d{2}(?:-\d{2})?\b"  # 2026-03-31, 2026-03
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"  # 31/03/2026
    r"|\bQ[1-4]\s+\d{4}(?:/\d{2})?\b"  # Q1 2026
    r"|\b(?:19|20)\d{2}/\d{2}\b"  # 2025/26
    r"|\b(?:19|20)\d{2}\b",  # 2026
    re.IGNORECASE,
)
_DEADLINE_WORD = re.compile(
    r"\b(?:by|before|until|till|no\s+later\s+than|end\s+of|in|during|deadline)"
    r"(?:\s+the)?(?:\s+end\s+of)?\s*$",
    re.IGNORECASE,
)
_WITHIN = re.compile(
    r"\b(?:within|in|over)\s+(?:the\s+next\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve|eighteen|twenty-four)\s+(?:weeks?|months?|years?)\b",
    re.IGNORECASE,
)
_WHAT = re.compile(
    r"\b(reduce|decrease|lower|cut|halve|minimi[sz]e|eliminate|prevent|increase|improve|raise|"
    r"double|achieve|reach|sustain|maintain|shorten)\b\s+"
    r"((?:(?!(?:on|in|at|by|from|to|for|across|within|among|amongst)\b)[A-Za-z][\w'’-]*,?\s*){1,8})",
    re.IGNORECASE,
)
_PLACE = (
    r"(?:wards?|units?|teams?|cmhts?|services?|clinics?|hospitals?|practices?|caseloads?|"
    r"pathways?|registers?|directorates?|trusts?|boroughs?|hubs?|sites?|departments?|centres?|"
    r"homes?|crisis\s+line|community)"
)
_WHERE = re.compile(
    rf"\b(?:on|in|at|across|within|for|among|amongst)\s+(?:the\s+|our\s+|all\s+)?"
    rf"((?:[\w'’&-]+\s+){{0,4}}?{_PLACE})\b",
    re.IGNORECASE,
)
_WHO = re.compile(
    r"\b(?:patients|service\s+users|carers|people|adults|young\s+people|children|staff|"
    r"nurses|residents|families|women|men)\b",
    re.IGNORECASE,
)
# Each element's patterns are tried in order of preference; the first that matches is reported.
_MEASURE = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bper\s+(?:\d[\d,]*\s+)?[a-z][\w-]*(?:\s+(?!by\b|on\b|in\b|from\b|to\b)[a-z][\w-]*){0,3}",
        rf"{_NUM}\s*%|\bper\s*cent\b|\bpercentage\b|\bproportion\b|\brate\b",
        r"\bnumber\s+of\b|\bmedian\b|\bmean\b|\baverage\b",
        rf"\b{_NUM}\s+(?:incidents?|episodes?|assaults?|falls?|days?|weeks?|hours?|minutes?|"
        r"dnas?|appointments?|referrals?|restraints?|admissions?|patients?|people|events?|"
        r"checks?)\b",
    )
)
_RELATIVE = re.compile(rf"\bby\s+{_NUM}\s*(?:%|per\s*cent)", re.IGNORECASE)
_BASELINE = re.compile(
    rf"\bfrom\s+(?:an?\s+|the\s+)?(?:(?:current\s+)?(?:baseline|median|mean|average|rate|level)"
    rf"\s+(?:of\s+)?)?{_NUM}"
    rf"|\b(?:baseline|currently|at\s+present|presently)\b[^.\d]{{0,30}}?{_NUM}",
    re.IGNORECASE,
)
_TARGET = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bto\s+(?:below\s+|under\s+|less\s+than\s+|fewer\s+than\s+|at\s+least\s+|"
        rf"above\s+|over\s+|no\s+more\s+than\s+|at\s+most\s+)?(?:{_NUM}|zero)\b",
        r"\b(?:below|under|less\s+than|fewer\s+than|at\s+least|no\s+more\s+than|at\s+most)"
        rf"\s+{_NUM}|\b{_NUM}\s*%?\s+or\s+(?:fewer|less|more|above|below)\b"
        rf"|\btarget\s+(?:of\s+)?{_NUM}",
        rf"\bby\s+{_NUM}\s*(?:%|per\s*cent)",
        r"\b(?:halve|double|eliminate)\b",
    )
)
_DOWN = (
    "reduce",
    "decrease",
    "lower",
    "cut",
    "halve",
    "minimise",
    "minimize",
    "eliminate",
    "prevent",
    "shorten",
)
_UP = ("increase", "raise", "double", "improve", "achieve", "reach")


def _parse_by_when(value: Any) -> date:
    """Read a deadline: a date, '2026-03-31', '2026-03', '31/03/2026' or '(31) March 2026'.

    A month without a day means the last day of that month.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise AimError(
            f"by_when: expected a date, got {value!r}. Give a date such as '31 March 2026' or "
            "'2026-03-31'."
        )
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m[1]), int(m[2])
            return date(year, month, calendar.monthrange(year, month)[1])
        if m := re.fullmatch(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([A-Za-z]+)\.?,?\s+(\d{4})", text):
            named_month = _MONTHS.get(m[2].lower())
            if named_month is not None:
                year = int(m[3])
                day = int(m[1]) if m[1] else calendar.monthrange(year, named_month)[1]
                return date(year, named_month, day)
    except ValueError:
        pass
    raise AimError(
        f"by_when: could not read {value!r} as a date. Give a date such as '31 March 2026', "
        "'March 2026' or '2026-03-31'."
    )


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise AimError(
            f"{name}: expected a number, got {value!r}. Give the {name} as a number such as 18 "
            "(not in quotes, without units)."
        )
    if value < 0:
        raise AimError(f"{name}: {value} is negative; counts, rates and percentages cannot be.")
    return float(value)


def _text(name: str, value: Any, example: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AimError(f"{name}: expected some words, got {value!r}. For example: {example!r}.")
    return " ".join(value.split())


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.10g}"


@dataclass(frozen=True)
class AimStatement:
    """A SMART aim, validated on construction.

    ``what`` says what will change and in which direction ("Reduce physical
    violence"); ``where`` is the ward, team or service; ``who`` optionally names the
    people it is for; ``measure`` is the unit ("incidents per 1,000 occupied bed
    days", or start it with "%" for a percentage); ``baseline`` and ``target`` are
    numbers; ``by_when`` is a date or a date string (a month alone means its last
    day). If ``what`` starts with a reducing word the target must be below the
    baseline, and with an increasing word above it.

    >>> aim = AimStatement("Reduce did-not-attend appointments", "the North CMHT",
    ...                    "% of appointments", 18, 12, "2025-03-31", who="adults")
    >>> print(aim)  # doctest: +NORMALIZE_WHITESPACE
    Reduce did-not-attend appointments in the North CMHT for adults from 18% to 12% of
    appointments by 31 March 2025
    >>> AimStatement("Reduce falls", "Bancroft ward", "falls per 1,000 occupied bed days",
    ...              6, 8, "March 2026")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.aims.AimError: target: 'Reduce falls' asks for a fall, but the target 8 is not ...
    """

    what: str
    where: str
    measure: str
    baseline: float
    target: float
    by_when: date
    who: str | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "what", _text("what", self.what, "Reduce physical violence"))
        set_(self, "where", _text("where", self.where, "Bancroft ward"))
        set_(self, "measure", _text("measure", self.measure, "incidents per 1,000 bed days"))
        if self.who is not None:
            set_(self, "who", _text("who", self.who, "people on the CMHT caseload"))
        set_(self, "baseline", _number("baseline", self.baseline))
        set_(self, "target", _number("target", self.target))
        set_(self, "by_when", _parse_by_when(self.by_when))
        if self.target == self.baseline:
            raise AimError(
                f"target: the target equals the baseline ({_format_number(self.target)}); an aim "
                "describes a change, so give a target different from where you are now."
            )
        verb = self.what.split()[0].lower()
        if verb in _DOWN and self.target > self.baseline:
            self._direction_error("a fall", "below")
        if verb in _UP and self.target < self.baseline:
            self._direction_error("a rise", "above")

    def _direction_error(self, change: str, side: str) -> None:
        raise AimError(
            f"target: {self.what!r} asks for {change}, but the target "
            f"{_format_number(self.target)} is not {side} the baseline "
            f"{_format_number(self.baseline)}. "
            f"{'Lower' if side == 'below' else 'Raise'} the target or change the verb."
        )

    @property
    def direction(self) -> str:
        """'reduce' if the target is below the baseline, otherwise 'increase'."""
        return "reduce" if self.target < self.baseline else "increase"

    @property
    def relative_change_percent(self) -> float:
        """Change from baseline to target as a percentage of the baseline (1 decimal place)."""
        if self.baseline == 0:
            return math.inf
        return round(100 * (self.target - self.baseline) / self.baseline, 1)

    def text(self) -> str:
        """The aim as one sentence (also what ``str(aim)`` gives)."""
        where = self.where
        if not re.match(r"(?i)(on|in|at|across|within|for)\b", where):
            where = ("on " if re.search(r"(?i)\bwards?$", where) else "in ") + where
        who = f" for {self.who}" if self.who else ""
        measure, unit = self.measure, ""
        if measure.startswith("%"):
            measure, unit = measure[1:].strip(), "%"
        baseline, target = _format_number(self.baseline), _format_number(self.target)
        deadline = f"{self.by_when.day} {self.by_when:%B %Y}"
        return (
            f"{self.what} {where}{who} from {baseline}{unit} to {target}{unit} {measure} "
            f"by {deadline}"
        ).replace("  ", " ")

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values (the date as 'YYYY-MM-DD'), ready for YAML or JSON."""
        return {
            "what": self.what,
            "where": self.where,
            "who": self.who,
            "measure": self.measure,
            "baseline": self.baseline,
            "target": self.target,
            "by_when": self.by_when.isoformat(),
        }


@dataclass(frozen=True)
class AimElement:
    """One SMART element of an aim: whether it was found, what was found, and advice."""

    name: str
    label: str
    present: bool
    found: str | None = None
    advice: str | None = None


@dataclass(frozen=True)
class AimCheck:
    """The result of :func:`check_aim`: every element, present or missing, with feedback."""

    text: str
    elements: tuple[AimElement, ...] = field(default_factory=tuple)

    @property
    def present(self) -> list[str]:
        """Names of the elements found, in the order of :data:`ELEMENTS`."""
        return [e.name for e in self.elements if e.present]

    @property
    def missing(self) -> list[str]:
        """Names of the elements not found, in the order of :data:`ELEMENTS`."""
        return [e.name for e in self.elements if not e.present]

    @property
    def is_smart(self) -> bool:
        """True when every element is present."""
        return not self.missing

    @property
    def feedback(self) -> list[str]:
        """Sentences a trainee can act on: a fix for each missing element, then any tips."""
        fixes = [e.advice for e in self.elements if not e.present and e.advice]
        tips = [e.advice for e in self.elements if e.present and e.advice]
        return fixes + tips

    def element(self, name: str) -> AimElement:
        """The element called ``name`` (one of :data:`ELEMENTS`)."""
        for e in self.elements:
            if e.name == name:
                return e
        raise KeyError(f"No element {name!r}: choose one of {', '.join(ELEMENTS)}.")

    def __str__(self) -> str:
        lines = [f"Aim: {self.text}"]
        for e in self.elements:
            mark = "[present]" if e.present else "[missing]"
            found = f": {e.found}" if e.found else ""
            lines.append(f"  {mark} {e.label}{found}")
        lines += [f"  - {sentence}" for sentence in self.feedback]
        return "\n".join(lines)


def _mask(text: str, pattern: re.Pattern[str], token: str) -> str:
    return pattern.sub(lambda m: token + " " * max(0, len(m.group()) - len(token)), text)


def _first(
    patterns: re.Pattern[str] | tuple[re.Pattern[str], ...], text: str, group: int = 0
) -> str | None:
    """The first match of the first pattern that matches, tidied; None if none match."""
    for pattern in patterns if isinstance(patterns, tuple) else (patterns,):
        if m := pattern.search(text):
            return " ".join(m.group(group).split()).rstrip(",")
    return None


def _find_deadline(text: str) -> tuple[str | None, str | None]:
    """Return (deadline found, advice) for the by-when element."""
    if found := _first(_WITHIN, text):
        return (
            found,
            "By when: a fixed date (e.g. 'by 31 March 2026') is clearer than "
            f"'{found}', which moves as time passes.",
        )
    dates = list(_DATE.finditer(text))
    for m in dates:
        before = text[: m.start()]
        if deadline := _DEADLINE_WORD.search(before):
            word = deadline.group().strip()
            return f"{word} {m.group()}", None
    if dates:
        return (
            None,
            f"By when: you mention '{dates[0].group()}' but not as a deadline; say "
            f"'by {dates[0].group()}'.",
        )
    return None, None


def _check_text(text: str) -> AimCheck:
    deadline, deadline_advice = _find_deadline(text)
    masked = _mask(text, _DATE, "DATE")
    found = {
        "what": _first(_WHAT, masked),
        "where": _first(_WHERE, masked, 1) or _first(_WHO, masked),
        "measure": _first(_MEASURE, _mask(masked, _RELATIVE, "RELATIVE")),
        "baseline": _first(_BASELINE, masked),
        "target": _first(_TARGET, masked),
        "by_when": deadline,
    }
    advice = dict(_FIXES)
    if deadline_advice:
        advice["by_when"] = deadline_advice
    elements = []
    for name, label in ELEMENTS.items():
        present = found[name] is not None
        tip = None if present else advice[name]
        if name == "by_when" and present:
            tip = deadline_advice
        what = found["what"]
        if name == "what" and what is not None and what.lower().startswith("improve"):
            tip = (
                "What: 'improve' is vague; say whether the measure should go up or down "
                "(for example 'reduce' or 'increase')."
            )
        elements.append(AimElement(name, label, present, found[name], tip))
    return AimCheck(text, tuple(elements))


def _check_fields(fields: Mapping[str, Any]) -> AimCheck:
    unknown = set(fields) - set(ELEMENTS) - {"who"}
    if unknown:
        raise AimError(
            f"Unknown aim field(s): {', '.join(sorted(map(str, unknown)))}. Use "
            f"{', '.join(ELEMENTS)} and, optionally, who."
        )
    validators = {
        "what": lambda v: _text("what", v, "Reduce physical violence"),
        "where": lambda v: _text("where", v, "Bancroft ward"),
        "measure": lambda v: _text("measure", v, "incidents per 1,000 bed days"),
        "baseline": lambda v: _number("baseline", v),
        "target": lambda v: _number("target", v),
        "by_when": _parse_by_when,
    }
    elements = []
    for name, label in ELEMENTS.items():
        value = fields.get(name)
        if name == "where" and value is None:
            value = fields.get("who")
        if value is None or (isinstance(value, str) and not value.strip()):
            elements.append(AimElement(name, label, False, None, _FIXES[name]))
            continue
        try:
            validators[name](value)
        except AimError as err:
            elements.append(AimElement(name, label, False, str(value), str(err)))
        else:
            elements.append(AimElement(name, label, True, str(value)))
    return AimCheck(", ".join(f"{k}={v!r}" for k, v in fields.items()), tuple(elements))


def check_aim(aim: str | AimStatement | Mapping[str, Any]) -> AimCheck:
    """Check an aim for the six SMART elements and say how to fix what is missing.

    ``aim`` may be free text (read with the rules in this module's docstring), an
    :class:`AimStatement` (always complete, as it is validated when made), or a
    dict of its fields, where missing or invalid fields are reported rather than
    raised.

    >>> result = check_aim("Reduce physical violence on Bancroft ward by 30% from 18 to 12 "
    ...                    "incidents per 1,000 occupied bed days by March 2026")
    >>> result.is_smart
    True
    >>> result.element("where").found
    'Bancroft ward'
    >>> check_aim("Improve the experience of carers").missing
    ['measure', 'baseline', 'target', 'by_when']
    >>> check_aim({"what": "Reduce falls", "where": "Bancroft ward", "target": "fewer"}).missing
    ['measure', 'baseline', 'target', 'by_when']
    """
    if isinstance(aim, AimStatement):
        return _check_fields(
            {k: v for k, v in aim.to_dict().items() if k != "who" or v is not None}
        )
    if isinstance(aim, Mapping):
        return _check_fields(aim)
    if isinstance(aim, str):
        if not aim.strip():
            raise AimError(
                "aim: the aim is empty. Write the aim as a sentence, e.g. "
                "'Reduce falls on Bancroft ward from 8 to 4 per 1,000 occupied bed "
                "days by 31 March 2026'."
            )
        return _check_text(" ".join(aim.split()))
    raise AimError(
        f"aim: expected the aim as text, an AimStatement or a dict of its fields, got "
        f"{type(aim).__name__}."
    )
