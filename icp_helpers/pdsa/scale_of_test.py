"""How big should a PDSA test be? The scale follows from three judgements.

The rule of thumb taught with the Model for Improvement (The Improvement Guide, Langley et
al., 2009, chapter 7) weighs the team's degree of belief that the change will lead to
improvement, the cost if the test fails, and how ready the people affected are. Small tests
are cheap ways to learn; a test grows only as belief and readiness grow and the cost of
failure falls.

>>> choose_test_scale(belief="low", cost_of_failure="large", readiness="ready")
'very small-scale test'
>>> choose_test_scale(belief="high", cost_of_failure="small", readiness="ready")
'implement'
"""

from __future__ import annotations

from icp_helpers.fields import choose

__all__ = ["BELIEF", "COST_OF_FAILURE", "READINESS", "TEST_SCALES", "choose_test_scale"]

BELIEF = ("low", "high")
COST_OF_FAILURE = ("large", "small")
READINESS = ("resistant", "indifferent", "ready")
TEST_SCALES = ("very small-scale test", "small-scale test", "large-scale test", "implement")

_VERY_SMALL, _SMALL, _LARGE, _IMPLEMENT = TEST_SCALES
# (belief, cost of failure) -> scale for resistant, indifferent and ready staff.
_TABLE = {
    ("low", "large"): (_VERY_SMALL, _VERY_SMALL, _VERY_SMALL),
    ("low", "small"): (_VERY_SMALL, _VERY_SMALL, _SMALL),
    ("high", "large"): (_VERY_SMALL, _SMALL, _LARGE),
    ("high", "small"): (_SMALL, _LARGE, _IMPLEMENT),
}


def choose_test_scale(belief: str, cost_of_failure: str, readiness: str) -> str:
    """Return the scale of test that fits: very small-scale, small-scale, large-scale or implement.

    ``belief`` is ``low`` or ``high``; ``cost_of_failure`` is ``large`` or ``small``;
    ``readiness`` describes the staff and people affected: ``resistant``, ``indifferent`` or
    ``ready``.

    >>> choose_test_scale("high", "large", "indifferent")
    'small-scale test'
    >>> choose_test_scale("medium", "large", "ready")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.fields.FieldError: belief must be one of low, high, not 'medium'
    """
    row = (
        choose(belief, BELIEF, "belief"),
        choose(cost_of_failure, COST_OF_FAILURE, "cost_of_failure"),
    )
    return _TABLE[row][READINESS.index(choose(readiness, READINESS, "readiness"))]
