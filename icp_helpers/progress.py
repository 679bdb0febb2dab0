"""The project progress scale (0.5 to 5.0): levels, validated scores, suggestions, stuck teams.

The scale is the Institute for Healthcare Improvement's (IHI) assessment scale for improvement
collaboratives, as QI platforms such as Life QI use it, with a 0.5 level for a project that has
only been identified. It scores progress towards the project's goals and how far its changes are
in use: a signal on a run or control chart is one kind of evidence of improvement in the
measures, not the scale itself. The definitions here are the course's wording of the published
ones.

>>> ProgressScore(2.5).label
'Changes tested, no improvement yet'
>>> suggestion = suggest_score({"charter": True, "team": True, "successful_tests": True,
...                             "results_achieved": 0.2})
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
from icp_helpers.fields import FieldError, reject_unknown_keys

__all__ = [
    "LEVELS",
    "PROGRESS_SCALE",
    "ProgressLevel",
    "ProgressScore",
    "RESULTS_FOR",
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
    ProgressLevel(
        0.5,
        "Intent to participate",
        "The project has been chosen, but no charter has been completed and no team formed yet.",
    ),
    ProgressLevel(
        1.0,
        "Charter and team established",
        "The charter has been completed and reviewed with the sponsor and people have been "
        "named to the team; no project work has been done yet.",
    ),
    ProgressLevel(
        1.5,
        "Planning begun",
        "The team is organising the project: the resources it needs, where to start, the "
        "materials and a schedule of meetings.",
    ),
    ProgressLevel(
        2.0,
        "Activity but no changes",
        "The team's first cycles are for learning: planning, measurement, baseline data, "
        "studying the process and asking the people who use it; no change has been tested yet.",
    ),
    ProgressLevel(
        2.5,
        "Changes tested, no improvement yet",
        "The first cycles testing changes have begun; most goals have a measure, shown on a "
        "chart with its target, but nothing has improved yet.",
    ),
    ProgressLevel(
        3.0,
        "Modest improvement",
        "Some changes have been tested successfully and are in use on a small scale; there is "
        "early, often anecdotal, evidence of improvement and about a fifth of the expected "
        "results have been achieved.",
    ),
    ProgressLevel(
        3.5,
        "Improvement",
        "Testing and implementation continue, and the project's measures show further "
        "improvement towards its goals.",
    ),
    ProgressLevel(
        4.0,
        "Significant improvement",
        "The expected results are achieved in the main parts of the system, implementation "
        "(training, communication) has begun across the whole project, and half or more of the "
        "goals have been reached.",
    ),
    ProgressLevel(
        4.5,
        "Sustainable improvement",
        "Data on the key measures begin to show that the changes' impact is being sustained.",
    ),
    ProgressLevel(
        5.0,
        "Outstanding sustainable results",
        "Implementation is complete, every goal and expected result has been achieved, and the "
        "organisation has made the changes permanent.",
    ),
)
LEVELS: tuple[float, ...] = tuple(level.score for level in PROGRESS_SCALE)
#: The share of the expected results (0 to 1) that 3.0, 4.0 and 5.0 ask for: "about a fifth",
#: "half or more" and "all" of them.
RESULTS_FOR: dict[float, float] = {3.0: 0.2, 4.0: 0.5, 5.0: 1.0}
_MONTH_TEXT = re.compile(r"\d{4}-\d{2}(-\d{2})?")


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


_FLAGS = (
    "charter",
    "team",
    "planning",
    "activity",
    "changes_tested",
    "successful_tests",
    "measures_improved",
    "implementation_begun",
    "sustained",
    "changes_permanent",
)
_EVIDENCE_KEYS = (*_FLAGS, "results_achieved")
#: Keys of the course's earlier, home-made scale, and what replaced each one.
_REPLACED = {
    "improvement": "measures_improved=True/False and results_achieved (a share from 0 to 1)",
    "sustained_months": "sustained=True/False (do the data show the improvement holding?)",
    "aim_met": "results_achieved=1 and changes_permanent=True",
}


def _read_flag(evidence: Mapping[str, object], flag: str) -> bool:
    value = evidence.get(flag, False)
    if (
        flag == "changes_tested"
        and isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
    ):
        if int(value) < 0:
            raise FieldError("changes_tested must be True/False or a count of 0 or more")
        return int(value) > 0
    if not isinstance(value, bool):
        raise FieldError(f"{flag} must be True or False, not {shown(value)}")
    return value


def _read_share(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise FieldError(
            "results_achieved must be a share from 0 to 1 of the expected results achieved "
            f"(e.g. 0.2 for about a fifth), not {shown(value)}"
        )
    share = float(value)
    if not 0 <= share <= 1:
        hint = f" (for {shown(value)}%, write {share / 100:g})" if 1 < share <= 100 else ""
        raise FieldError(
            f"results_achieved must be a share from 0 to 1, not {shown(value)}{hint}; "
            "1 means every goal has been reached"
        )
    return share


def _read_evidence(evidence: Mapping[str, object]) -> dict[str, object]:
    if not isinstance(evidence, Mapping):
        raise FieldError(
            "evidence must be a dict such as {'charter': True, 'team': True, "
            f"'changes_tested': 2}}, not {type(evidence).__name__}"
        )
    for key, instead in _REPLACED.items():
        if key in evidence:
            raise FieldError(
                f"the evidence key {key!r} is not part of the progress scale; give {instead}"
            )
    reject_unknown_keys(evidence.keys(), _EVIDENCE_KEYS, "the evidence")
    clean: dict[str, object] = {flag: _read_flag(evidence, flag) for flag in _FLAGS}
    clean["results_achieved"] = _read_share(evidence.get("results_achieved", 0.0))
    return clean


def _share_text(share: float) -> str:
    return f"{share:.0%} of the expected results"


def _ladder(e: dict[str, object]) -> list[tuple[float, bool, str, str]]:
    """(level, reached?, evidence when reached, what is missing) for each level above 0.5."""
    share = float(str(e["results_achieved"]))
    succeeded = bool(e["successful_tests"])
    tested = bool(e["changes_tested"]) or succeeded
    return [
        (
            1.0,
            bool(e["charter"] and e["team"]),
            "a charter and a team are in place",
            "there is no completed charter and team yet",
        ),
        (
            1.5,
            bool(e["planning"] or e["activity"] or tested),
            "planning for the project has begun",
            "planning (resources, where to start, meetings) has not begun",
        ),
        (
            2.0,
            bool(e["activity"] or tested),
            "there is activity, such as baseline data or a study of the process",
            "there is no activity yet, such as baseline data or a study of the process",
        ),
        (
            2.5,
            tested,
            "changes have been tested with PDSA cycles",
            "no change has been tested with a PDSA cycle yet",
        ),
        (
            3.0,
            succeeded and share >= RESULTS_FOR[3.0],
            f"some changes were tested successfully and {_share_text(share)} are achieved",
            "no change has been tested successfully and put into use on a small scale yet"
            if not succeeded
            else f"{_share_text(share)} are achieved, less than about a fifth",
        ),
        (
            3.5,
            bool(e["measures_improved"]),
            "the project's measures show further improvement",
            "the project's measures do not yet show further improvement towards the goals",
        ),
        (
            4.0,
            share >= RESULTS_FOR[4.0] and bool(e["implementation_begun"]),
            "half or more of the goals are reached and implementation has begun across the project",
            f"{_share_text(share)} are achieved, less than half"
            if share < RESULTS_FOR[4.0]
            else "implementation (training, communication) has not begun across the project",
        ),
        (
            4.5,
            bool(e["sustained"]),
            "the data on the key measures show the improvement holding",
            "the data do not yet show the improvement holding",
        ),
        (
            5.0,
            share >= RESULTS_FOR[5.0] and bool(e["changes_permanent"]),
            "every goal is reached and the changes have been made permanent",
            f"only {_share_text(share)} are achieved"
            if share < RESULTS_FOR[5.0]
            else "the changes have not yet been made permanent in the organisation",
        ),
    ]


def suggest_score(evidence: Mapping[str, object]) -> ScoreSuggestion:
    """Suggest a progress score from evidence, with the reasons for it.

    Evidence keys (all optional, True or False unless said): ``charter``, ``team``,
    ``planning``, ``activity`` (baseline data, studying the process), ``changes_tested``
    (True/False or a count of PDSA cycles), ``successful_tests`` (some changes tested
    successfully and in use on a small scale), ``results_achieved`` (the share, 0 to 1, of the
    expected results or goals achieved so far), ``measures_improved`` (the project's measures
    show further improvement, e.g. a signal on its chart), ``implementation_begun`` (training
    and communication begun across the whole project), ``sustained`` (the data on the key
    measures show the improvement holding) and ``changes_permanent`` (implementation complete
    and the changes made permanent in the organisation).

    The levels build on each other: the suggestion is the highest level whose evidence, and
    that of every level below, is present, and the reasons say what stops the next level.
    3.0 asks for about a fifth of the expected results (0.2), 4.0 for half (0.5) and 5.0 for
    all of them (1). Testing a change counts as activity and planning; a successful test
    counts as a test.

    >>> result = suggest_score({"charter": True, "team": True, "changes_tested": 4})
    >>> float(result.score)
    2.5
    >>> result.reasons[-1]
    'Not 3.0 yet: no change has been tested successfully and put into use on a small scale yet.'
    >>> ward = {"charter": True, "team": True, "successful_tests": True, "results_achieved": 0.6,
    ...         "measures_improved": True, "implementation_begun": True}
    >>> float(suggest_score(ward).score)
    4.0
    >>> suggest_score(ward).reasons[-1]
    'Not 4.5 yet: the data do not yet show the improvement holding.'
    """
    clean = _read_evidence(evidence)
    reached = 0.5
    reasons = ["0.5: the project has been chosen."]
    for level, met, because, why_not in _ladder(clean):
        if not met:
            reasons.append(f"Not {level:.1f} yet: {why_not}.")
            others = [flag for flag in _FLAGS[2:] if clean[flag]]
            if level == 1.0 and (others or clean["results_achieved"]):
                reasons.append("Complete a charter with the sponsor so the work can be scored.")
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
