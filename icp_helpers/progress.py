"""The project progress scale (0.5 to 5.0): levels, validated scores, suggestions, stuck teams.

>>> ProgressScore(2.5).label
'Changes tested, no improvement yet'
>>> suggestion = suggest_score({"charter": True, "team": True, "changes_tested": True,
...                             "improvement": "modest"})
>>> float(suggestion.score)
3.0
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from icp_helpers.check import shown
from icp_helpers.fields import FieldError, choose, reject_unknown_keys

__all__ = [
    "IMPROVEMENT_LEVELS",
    "LEVELS",
    "PROGRESS_SCALE",
    "ProgressLevel",
    "ProgressScore",
    "ScoreSuggestion",
    "find_stuck_projects",
    "months_at_latest_level",
    "parse_month",
    "read_score_history",
    "scale_table",
    "suggest_score",
]


@dataclass(frozen=True)
class ProgressLevel:
    """One level of the scale: its score, short label and what a project shows at that level."""

    score: float
    label: str
    definition: str


PROGRESS_SCALE: tuple[ProgressLevel, ...] = (
    ProgressLevel(0.5, "Intent to participate", "The team has said it wants to take part."),
    ProgressLevel(
        1.0,
        "Charter and team established",
        "A charter is agreed with the sponsor and a team, including people with lived "
        "experience where possible, has been formed.",
    ),
    ProgressLevel(
        1.5,
        "Planning begun",
        "The team is working on its aim, measures and understanding of the system (process "
        "map, driver diagram).",
    ),
    ProgressLevel(
        2.0,
        "Activity but no changes",
        "Baseline data are being collected and change ideas chosen, but no change has been "
        "tested yet.",
    ),
    ProgressLevel(
        2.5,
        "Changes tested, no improvement yet",
        "PDSA cycles are under way but the measures show no improvement yet.",
    ),
    ProgressLevel(
        3.0,
        "Modest improvement",
        "The measures show early signs of improvement (e.g. a run chart moving the right "
        "way), not yet a signal.",
    ),
    ProgressLevel(
        3.5, "Improvement", "A signal of improvement on the outcome or key process measures."
    ),
    ProgressLevel(
        4.0,
        "Significant improvement",
        "A clear signal of improvement on the outcome measure, approaching the aim.",
    ),
    ProgressLevel(
        4.5,
        "Sustainable improvement",
        "Significant improvement held for months, with the changes built into daily work.",
    ),
    ProgressLevel(
        5.0,
        "Outstanding sustainable results",
        "The aim is met and the improvement has been sustained; the team is ready to spread.",
    ),
)
LEVELS: tuple[float, ...] = tuple(level.score for level in PROGRESS_SCALE)
IMPROVEMENT_LEVELS = ("none", "modest", "improvement", "significant")
_MONTH_TEXT = re.compile(r"\d{4}-\d{2}(-\d{2})?")
#: Months of sustained significant improvement needed for 4.5 and 5.0.
SUSTAINED_MONTHS = {4.5: 3, 5.0: 6}


def scale_table() -> pd.DataFrame:
    """The progress scale as a table (score, label, definition), for showing in a notebook.

    >>> scale_table().loc[4, "label"]
    'Changes tested, no improvement yet'
    >>> len(scale_table())
    10
    """
    return pd.DataFrame(
        [(level.score, level.label, level.definition) for level in PROGRESS_SCALE],
        columns=["score", "label", "definition"],
    )


def _to_level(value: object, field: str = "score") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real | str):
        raise FieldError(f"{field} must be a number on the scale (e.g. 2.5), not {shown(value)}")
    try:
        number = float(value)
    except ValueError:
        raise FieldError(
            f"{field} must be a number on the scale (e.g. 2.5), not {shown(value)}"
        ) from None
    if math.isnan(number):
        raise FieldError(f"{field} is empty; give a score on the scale (e.g. 2.5)")
    if number not in LEVELS:
        raise FieldError(
            f"{field} {shown(value)} is not on the progress scale; use one of "
            f"{', '.join(f'{level:.1f}' for level in LEVELS)}"
        )
    return number


@dataclass(frozen=True, order=True)
class ProgressScore:
    """A score on the progress scale; anything other than the ten levels is refused.

    >>> ProgressScore("3.5").value
    3.5
    >>> ProgressScore(2.3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: score 2.3 is not on the progress scale; use one of 0.5, ...
    """

    value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _to_level(self.value))

    def __float__(self) -> float:
        return self.value

    def __str__(self) -> str:
        return f"{self.value:.1f} {self.label}"

    @property
    def level(self) -> ProgressLevel:
        """The level of the scale this score sits at."""
        return PROGRESS_SCALE[LEVELS.index(self.value)]

    @property
    def label(self) -> str:
        """The short name of the level, e.g. ``'Modest improvement'``."""
        return self.level.label

    @property
    def definition(self) -> str:
        """What a project shows at this level."""
        return self.level.definition


@dataclass(frozen=True)
class ScoreSuggestion:
    """A suggested score with the reasons, in plain language, that led to it."""

    score: ProgressScore
    reasons: tuple[str, ...]


_FLAGS = ("charter", "team", "planning", "activity", "changes_tested", "aim_met")
_EVIDENCE_KEYS = (*_FLAGS, "improvement", "sustained_months")


def _read_evidence(evidence: Mapping[str, object]) -> dict[str, object]:
    if not isinstance(evidence, Mapping):
        raise FieldError(
            "evidence must be a dict such as {'charter': True, 'team': True, "
            f"'improvement': 'none'}}, not {type(evidence).__name__}"
        )
    reject_unknown_keys(evidence.keys(), _EVIDENCE_KEYS, "the evidence")
    clean: dict[str, object] = {}
    for flag in _FLAGS:
        value = evidence.get(flag, False)
        if flag == "changes_tested" and isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise FieldError("changes_tested must be True/False or a count of 0 or more")
            value = value > 0
        if not isinstance(value, bool):
            raise FieldError(f"{flag} must be True or False, not {shown(value)}")
        clean[flag] = value
    clean["improvement"] = choose(
        evidence.get("improvement", "none"), IMPROVEMENT_LEVELS, "improvement"
    )
    months = evidence.get("sustained_months", 0)
    if isinstance(months, bool) or not isinstance(months, numbers.Integral) or months < 0:
        raise FieldError(
            f"sustained_months must be a whole number of months, 0 or more, not {shown(months)}"
        )
    clean["sustained_months"] = int(months)
    return clean


def _short_of_five(e: dict[str, object], months: int) -> str:
    gaps = [] if e["aim_met"] else ["the aim has not been met"]
    if months < SUSTAINED_MONTHS[5.0]:
        gaps.append(
            f"the improvement has been sustained for {months} months, fewer than "
            f"{SUSTAINED_MONTHS[5.0]}"
        )
    return " and ".join(gaps)


def _ladder(e: dict[str, object]) -> list[tuple[float, bool, str, str]]:
    """(level, reached?, evidence when reached, what is missing) for each level above 0.5."""
    gain = IMPROVEMENT_LEVELS.index(str(e["improvement"]))
    months = int(str(e["sustained_months"]))
    tested = bool(e["changes_tested"])
    return [
        (
            1.0,
            bool(e["charter"] and e["team"]),
            "a charter and a team are in place",
            "there is no agreed charter and team yet",
        ),
        (
            1.5,
            bool(e["planning"] or e["activity"] or tested),
            "planning has begun",
            "planning (aim, measures, driver diagram) has not begun",
        ),
        (
            2.0,
            bool(e["activity"] or tested),
            "there is activity, such as baseline data",
            "there is no activity yet, such as baseline data",
        ),
        (
            2.5,
            tested,
            "changes have been tested with PDSA cycles",
            "no change has been tested with a PDSA cycle yet",
        ),
        (
            3.0,
            gain >= 1,
            "the measures show modest improvement",
            "the measures show no improvement yet",
        ),
        (
            3.5,
            gain >= 2,
            "the measures show improvement",
            "the improvement is modest, not yet a signal",
        ),
        (
            4.0,
            gain >= 3,
            "the improvement is significant",
            "the improvement is not yet significant",
        ),
        (
            4.5,
            months >= SUSTAINED_MONTHS[4.5],
            f"it has been sustained for {months} months",
            f"the improvement has been sustained for {months} months, fewer than "
            f"{SUSTAINED_MONTHS[4.5]}",
        ),
        (
            5.0,
            bool(e["aim_met"]) and months >= SUSTAINED_MONTHS[5.0],
            "the aim is met and the results sustained",
            _short_of_five(e, months),
        ),
    ]


def suggest_score(evidence: Mapping[str, object]) -> ScoreSuggestion:
    """Suggest a progress score from evidence, with the reasons for it.

    Evidence keys (all optional): ``charter``, ``team``, ``planning``, ``activity``,
    ``changes_tested`` (True/False or a count of PDSA cycles), ``improvement`` (one of
    ``none``, ``modest``, ``improvement``, ``significant``), ``sustained_months`` and
    ``aim_met``. The levels build on each other: the suggestion is the highest level whose
    evidence, and that of every level below, is present, and the reasons say what stops the
    next level. Testing a change counts as activity and planning.

    >>> result = suggest_score({"charter": True, "team": True, "changes_tested": 4})
    >>> float(result.score)
    2.5
    >>> result.reasons[-1]
    'Not 3.0 yet: the measures show no improvement yet.'
    >>> float(suggest_score({"improvement": "significant", "changes_tested": True}).score)
    0.5
    """
    clean = _read_evidence(evidence)
    reached = 0.5
    reasons = ["0.5: the team intends to take part."]
    for level, met, because, why_not in _ladder(clean):
        if not met:
            reasons.append(f"Not {level:.1f} yet: {why_not}.")
            if level == 1.0 and clean["improvement"] != "none":
                reasons.append("Agree a charter with the sponsor so the work can be scored.")
            break
        reached = level
        reasons.append(f"{level:.1f}: {because}.")
    return ScoreSuggestion(ProgressScore(reached), tuple(reasons))


def read_score_history(
    history: pd.DataFrame, project: str = "project", month: str = "month", score: str = "score"
) -> pd.DataFrame:
    """Check a score history and return it as ``project, month (Period), score``, sorted.

    Months may be dates, ``YYYY-MM`` text or monthly Periods; each project may have one score
    a month.

    >>> history = pd.DataFrame({"project": ["DNA", "DNA"], "month": ["2024-02", "2024-01"],
    ...                         "score": [2.5, 2.0]})
    >>> read_score_history(history)["month"].astype(str).tolist()
    ['2024-01', '2024-02']
    """
    if not isinstance(history, pd.DataFrame):
        raise FieldError(f"history must be a pandas DataFrame, not {type(history).__name__}")
    missing = [name for name in (project, month, score) if name not in history.columns]
    if missing:
        raise FieldError(
            f"history has no column {missing[0]!r}; it needs one row per project and month "
            f"with columns {project!r}, {month!r} and {score!r} (columns found: "
            f"{', '.join(map(str, history.columns))})"
        )
    table = pd.DataFrame(
        {"project": history[project], "month": history[month], "score": history[score]}
    ).reset_index(drop=True)
    for row, name in table["project"].items():
        if not isinstance(name, str) or not name.strip():
            raise FieldError(f"row {row + 1}: project must be a name, not {name!r}")
    table["month"] = pd.PeriodIndex(
        [parse_month(value, f"row {row + 1}: month") for row, value in table["month"].items()],
        freq="M",
    )
    table["score"] = [_to_level(v, f"row {row + 1}: score") for row, v in table["score"].items()]
    duplicated = table.duplicated(["project", "month"], keep=False)
    if duplicated.any():
        first = table[duplicated].iloc[0]
        raise FieldError(
            f"project {first['project']!r} has more than one score for {first['month']}; "
            "keep one score per project per month"
        )
    return table.sort_values(["project", "month"], kind="stable").reset_index(drop=True)


def parse_month(value: object, where: str = "month") -> pd.Period:
    """Read a month from a Period, a date or ``YYYY-MM`` (or ``YYYY-MM-DD``) text.

    >>> parse_month("2024-03-15")
    Period('2024-03', 'M')
    >>> parse_month("March")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: month 'March' is not a month; write it as YYYY-MM, ...
    """
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    if isinstance(value, dt.date):
        return pd.Period(value, freq="M")
    if isinstance(value, str) and _MONTH_TEXT.fullmatch(value.strip()):
        try:
            return pd.Period(value.strip()[:7], freq="M")
        except ValueError:
            pass
    raise FieldError(f"{where} {value!r} is not a month; write it as YYYY-MM, e.g. 2024-03")


def months_at_latest_level(months: pd.Series, scores: pd.Series) -> int:
    """Calendar months from the start of the latest run of equal scores to the latest month.

    Months with no score inside the run count as held at the same level.

    >>> months = pd.Series(pd.period_range("2024-01", periods=4, freq="M"))
    >>> months_at_latest_level(months, pd.Series([2.0, 2.5, 2.5, 2.5]))
    3
    """
    values = scores.tolist()
    first = len(values) - 1
    while first > 0 and values[first - 1] == values[-1]:
        first -= 1
    return (months.iloc[-1] - months.iloc[first]).n + 1


def find_stuck_projects(history: pd.DataFrame, level: float = 2.5, months: int = 3) -> pd.DataFrame:
    """Projects whose latest score is ``level`` and has been for ``months`` months or more.

    Returns ``project, score, since, latest_month, months_at_level``, longest stuck first.

    >>> history = pd.DataFrame({
    ...     "project": ["Willow violence"] * 4 + ["North CMHT DNAs"] * 4,
    ...     "month": ["2024-01", "2024-02", "2024-03", "2024-04"] * 2,
    ...     "score": [2.0, 2.5, 2.5, 2.5, 2.5, 2.5, 3.0, 3.0]})
    >>> find_stuck_projects(history)[["project", "months_at_level"]]
               project  months_at_level
    0  Willow violence                3
    """
    target = _to_level(level, "level")
    if isinstance(months, bool) or not isinstance(months, numbers.Integral) or months < 1:
        raise FieldError(f"months must be a whole number of 1 or more, not {shown(months)}")
    table = read_score_history(history)
    rows = []
    for name, group in table.groupby("project", sort=True):
        if group["score"].iloc[-1] != target:
            continue
        held = months_at_latest_level(group["month"], group["score"])
        if held >= months:
            latest = group["month"].iloc[-1]
            rows.append((name, target, latest - (held - 1), latest, held))
    columns = ["project", "score", "since", "latest_month", "months_at_level"]
    result = pd.DataFrame(rows, columns=columns)
    return result.sort_values(
        ["months_at_level", "project"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
