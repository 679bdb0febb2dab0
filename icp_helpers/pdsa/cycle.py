"""One Plan-Do-Study-Act cycle: the record, its plain-language checks and a quality score.

>>> cycle = PdsaCycle(
...     cycle_id="PDSA 1",
...     change_idea="Safety huddle at the start of the night shift",
...     question="Will a five-minute huddle help staff spot patients at risk of distress?",
...     prediction="The huddle will happen on at least 5 of 7 nights",
...     who="Nurse in charge", what="Five-minute huddle using the risk board",
...     when="20:00, one week", where="Willow ward (adult acute)",
...     data_to_collect="Tick sheet: huddle held yes/no; incidents overnight",
...     observations="Huddle held on 6 nights; missed on Saturday when the ward was short-staffed",
...     study="We predicted 5 of 7 nights; it happened on 6, better than expected",
...     act="adapt", next_steps="Test with the bank staff briefing sheet next week",
...     start="2024-03-04", end="2024-03-10",
... )
>>> cycle.validate()
[]
>>> score_pdsa(cycle).points, score_pdsa(cycle).out_of
(6, 6)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from icp_helpers.fields import FieldError, choose, clean_text, parse_date, reject_unknown_keys

__all__ = [
    "ACT_DECISIONS",
    "CYCLE_FIELDS",
    "STAGES",
    "PdsaCycle",
    "PdsaScore",
    "score_pdsa",
    "study_refers_to_prediction",
]

ACT_DECISIONS = ("adopt", "adapt", "abandon")
STAGES = ("plan", "do", "study", "act")
PLAN_DETAILS = ("who", "what", "when", "where")
# Words that show a study is comparing what happened with what was predicted.
_PREDICTION_WORDS = ("predict", "expect", "anticipat", "forecast", "thought", "hoped", "assumed")


@dataclass
class PdsaCycle:
    """A PDSA cycle testing one change idea.

    Text fields are stripped; dates may be given as ``datetime.date`` or ``YYYY-MM-DD`` text;
    ``act`` is ``adopt``, ``adapt``, ``abandon`` or empty while the cycle is still running.
    Construction raises :class:`~icp_helpers.fields.FieldError` for a wrong value (an
    unknown decision, a date that is not a date, the end before the start); use
    :meth:`validate` to find out what a record still lacks.

    >>> PdsaCycle(change_idea="Text reminders two days before clinic", act="keep")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: act must be one of adopt, adapt, abandon ... not 'keep'
    """

    change_idea: str
    cycle_id: str = ""
    ramp: str = ""
    question: str = ""
    prediction: str = ""
    who: str = ""
    what: str = ""
    when: str = ""
    where: str = ""
    data_to_collect: str = ""
    observations: str = ""
    study: str = ""
    act: str = ""
    next_steps: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def __post_init__(self) -> None:
        for name in TEXT_FIELDS:
            setattr(self, name, clean_text(getattr(self, name), name))
        if not self.change_idea:
            raise FieldError(
                "change_idea is empty; say what change this cycle tests, "
                "e.g. 'Text reminders two days before the appointment'"
            )
        self.act = choose(self.act, ACT_DECISIONS, "act", allow_empty=True)
        self.start = parse_date(self.start, "start")
        self.end = parse_date(self.end, "end")
        if self.start and self.end and self.end < self.start:
            raise FieldError(_dates_problem(self.start, self.end))

    @property
    def label(self) -> str:
        """A short label for charts: the id, or the change idea cut to 30 characters.

        >>> PdsaCycle(change_idea="Buddy system for new starters on night shifts").label
        'Buddy system for new starters…'
        """
        if self.cycle_id:
            return self.cycle_id
        idea = self.change_idea
        return idea if len(idea) <= 30 else idea[:29].rstrip() + "…"

    def validate(self, up_to: str = "act") -> list[str]:
        """List in plain language what the record lacks, stage by stage (empty when complete).

        ``up_to`` stops the checks after a stage, so a cycle that has only been planned can be
        checked with ``up_to="plan"``.

        >>> planned = PdsaCycle(change_idea="Carer phone call before discharge",
        ...                     question="Will carers feel ready?", who="Named nurse")
        >>> for problem in planned.validate(up_to="plan"):
        ...     print(problem)  # doctest: +ELLIPSIS
        Plan: write a prediction - what do you expect to happen? Without one the cycle ...
        Plan: say what, when and where the test will happen (missing: what, when, where).
        Plan: say what data you will collect to check the prediction.
        """
        stage = choose(up_to, STAGES, "up_to")
        problems = self._problems()
        wanted = STAGES[: STAGES.index(stage) + 1]
        return [text for name, text in problems if name in wanted]

    def _problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if not self.question:
            found.append(("plan", "Plan: write the question this test will answer."))
        if not self.prediction:
            found.append(
                (
                    "plan",
                    "Plan: write a prediction - what do you expect to happen? "
                    "Without one the cycle cannot teach you anything.",
                )
            )
        missing = [name for name in PLAN_DETAILS if not getattr(self, name)]
        if missing:
            found.append(
                (
                    "plan",
                    f"Plan: say {_join(missing)} the test will happen (missing: "
                    f"{', '.join(missing)}).",
                )
            )
        if not self.data_to_collect:
            found.append(("plan", "Plan: say what data you will collect to check the prediction."))
        if not self.observations:
            found.append(("do", "Do: record what happened, including anything unexpected."))
        if self.start is None:
            found.append(("do", "Do: record the start date so the cycle can go on the run chart."))
        if not self.study:
            found.append(("study", "Study: compare what happened with the prediction."))
        elif not study_refers_to_prediction(self.study):
            found.append(
                (
                    "study",
                    "Study: say how the results compared with the prediction, e.g. "
                    "'we predicted 5 of 7 nights; it happened on 6'.",
                )
            )
        if not self.act:
            found.append(("act", "Act: decide to adopt, adapt or abandon the change."))
        elif self.act == "adapt" and not self.next_steps:
            found.append(("act", "Act: say what you will change and test in the next cycle."))
        if self.act and self.end is None:
            found.append(("act", "Act: record the end date of the cycle."))
        if self.start and self.end and self.end < self.start:
            found.append(("do", _dates_problem(self.start, self.end)))
        return found

    def to_dict(self) -> dict[str, str | None]:
        """The cycle as plain data: text fields, then dates as ``YYYY-MM-DD`` (or ``None``).

        >>> PdsaCycle(change_idea="Welcome pack", start="2024-05-01").to_dict()["start"]
        '2024-05-01'
        """
        data: dict[str, str | None] = {name: getattr(self, name) for name in TEXT_FIELDS}
        for name in DATE_FIELDS:
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, object], where: str = "the cycle") -> PdsaCycle:
        """Build a cycle from plain data, rejecting unknown fields with a suggested spelling.

        >>> PdsaCycle.from_dict({"change_idea": "Welcome pack", "act": "adopt"}).act
        'adopt'
        """
        if not isinstance(data, Mapping):
            raise FieldError(
                f"{where} must be a set of 'field: value' pairs, not {type(data).__name__}"
            )
        reject_unknown_keys(data.keys(), CYCLE_FIELDS, where)
        if not data.get("change_idea"):
            raise FieldError(
                f"{where} has no change_idea; say what change the cycle tests, "
                "e.g. 'Text reminders two days before the appointment'"
            )
        try:
            values: dict[str, Any] = {str(key): value for key, value in data.items()}
            return cls(**values)  # each field is checked as the object is made
        except FieldError as exc:
            raise FieldError(f"{where}: {exc}") from None


DATE_FIELDS = ("start", "end")
TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(PdsaCycle) if f.name not in DATE_FIELDS)
CYCLE_FIELDS = TEXT_FIELDS + DATE_FIELDS


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _dates_problem(start: dt.date, end: dt.date) -> str:
    return (
        f"Dates: the end ({end.isoformat()}) is before the start ({start.isoformat()}); "
        "correct the end date or swap the two"
    )


def study_refers_to_prediction(study: str) -> bool:
    """True when the study text talks about the prediction (predicted, expected, thought...).

    A simple test a trainee can meet by writing what they predicted next to what happened.

    >>> study_refers_to_prediction("We expected 8 of 10 carers to answer; 6 did")
    True
    >>> study_refers_to_prediction("6 carers answered the phone")
    False
    """
    lowered = study.lower()
    return any(word in lowered for word in _PREDICTION_WORDS)


@dataclass(frozen=True)
class PdsaScore:
    """The quality score of a PDSA record: points met out of six, with what to improve."""

    points: int
    out_of: int
    met: dict[str, bool]
    feedback: tuple[str, ...]


_SCORE_CRITERIA = {
    "prediction": "Write a prediction before the test.",
    "plan": "Complete the plan: question, who, what, when, where and the data to collect.",
    "observations": "Record what happened in the Do stage.",
    "study_compares": "In the Study stage, compare the results with the prediction.",
    "act_decided": "Decide to adopt, adapt or abandon.",
    "dates": "Give a start date, and an end date that is not before it.",
}


def score_pdsa(cycle: PdsaCycle) -> PdsaScore:
    """Score a PDSA record out of six, one point for each mark of a useful cycle.

    The points are: a prediction; a complete plan; observations; a study that compares the
    results with the prediction; an act decision; sensible dates.

    >>> result = score_pdsa(PdsaCycle(change_idea="DNA reminder calls", prediction="Fewer DNAs"))
    >>> result.points, result.met["prediction"], result.met["act_decided"]
    (1, True, False)
    >>> result.feedback[0]
    'Complete the plan: question, who, what, when, where and the data to collect.'
    """
    if not isinstance(cycle, PdsaCycle):
        raise TypeError(f"score_pdsa needs a PdsaCycle, not {type(cycle).__name__}")
    plan_fields = ("question", *PLAN_DETAILS, "data_to_collect")
    met = {
        "prediction": bool(cycle.prediction),
        "plan": all(getattr(cycle, name) for name in plan_fields),
        "observations": bool(cycle.observations),
        "study_compares": bool(cycle.study) and study_refers_to_prediction(cycle.study),
        "act_decided": cycle.act in ACT_DECISIONS,
        "dates": cycle.start is not None and (cycle.end is None or cycle.end >= cycle.start),
    }
    feedback = tuple(_SCORE_CRITERIA[name] for name, ok in met.items() if not ok)
    return PdsaScore(points=sum(met.values()), out_of=len(met), met=met, feedback=feedback)
