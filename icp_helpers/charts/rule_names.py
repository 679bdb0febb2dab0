"""What each chart rule is called, and whether it speaks about points or a whole part.

One entry per rule name that :func:`icp_helpers.charts.qic` can put in a result's
``signals`` table. The chart legend uses the short ``legend`` words; sponsor updates and
other prose use the ``sentence``. Two kinds of rule are not about single points:

* ``runs`` rules come from the runs analysis and are drawn as a dashed centre line
  rather than as marked points;
* ``whole_part`` rules (too few crossings, too few or too many runs) flag every useful
  point of a part, so counting the flagged points would say nothing: they are described
  as a signal about the whole chart (or part).

>>> describe("too_few_runs").whole_part, describe("longest_run").whole_part
(True, False)
>>> describe("two_of_three").legend
'2 of 3 near a limit'
>>> describe("new_rule").sentence  # a name not listed here still reads well
'New rule'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RULES", "RuleName", "describe"]


@dataclass(frozen=True)
class RuleName:
    """How one rule is named: ``legend`` (short), ``sentence`` (for prose), and its kind."""

    legend: str
    sentence: str
    runs: bool = False
    whole_part: bool = False


#: Every rule the charts know, by the name used in a result's ``signals`` table.
RULES: dict[str, RuleName] = {
    "outside_limits": RuleName("outside the limits", "Points outside the control limits"),
    "longest_run": RuleName(
        "unusually long run",
        "Shift: an unusually long run on one side of the centre line",
        runs=True,
    ),
    "crossings": RuleName(
        "too few crossings",
        "Too few crossings of the centre line",
        runs=True,
        whole_part=True,
    ),
    "shift": RuleName("shift", "Shift: a run of points on one side of the centre line"),
    "trend": RuleName("trend", "Trend: points going steadily up or down"),
    "two_of_three": RuleName("2 of 3 near a limit", "Two of three points near a control limit"),
    "inner_third": RuleName("hugging the centre line", "Too many points hugging the centre line"),
    "too_few_runs": RuleName("too few runs", "Too few runs", runs=True, whole_part=True),
    "too_many_runs": RuleName("too many runs", "Too many runs", runs=True, whole_part=True),
}


def describe(rule: str) -> RuleName:
    """The names of ``rule``; a rule not listed is named from its own words.

    >>> describe("crossings").sentence
    'Too few crossings of the centre line'
    """
    words = str(rule).replace("_", " ")
    return RULES.get(str(rule), RuleName(words, words.capitalize()))
