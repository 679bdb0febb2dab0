"""The two special functions the charts need, from Python's standard library.

The charts once took them from scipy, whose ``stats`` module alone takes about a second to
import: a second added to every notebook, every kernel a grader starts and every ``icp``
command. Both are exact here.

>>> round(float(log_gamma(np.array([5.0]))[0]), 6)  # log(4!) = log(24)
3.178054
>>> binomial_half_quantile(23, 0.05)  # fewest crossings expected for 24 useful points
8
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cache

import numpy as np

_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)


def log_gamma(x: np.ndarray | float) -> np.ndarray:
    """The natural log of the gamma function, element by element (``nan`` stays ``nan``).

    >>> log_gamma(np.array([1.0, 0.5, np.nan])).round(4).tolist()
    [0.0, 0.5724, nan]
    """
    return np.asarray(_LGAMMA(np.asarray(x, dtype=float)), dtype=float)


@cache
def binomial_half_quantile(trials: int, share: float) -> int:
    """The ``share`` quantile of a binomial(``trials``, 0.5): the smallest k with
    P(X <= k) >= ``share``, counted exactly in whole numbers (no rounding at the boundary).

    >>> [binomial_half_quantile(n, 0.05) for n in (0, 9, 99)]
    [0, 2, 41]
    """
    if trials < 0:
        raise ValueError(f"trials must be 0 or more, not {trials}")
    wanted = Fraction(repr(share))  # 0.05 means exactly 1/20
    total = 2**trials
    ways, below = 1, 0  # ways = C(trials, k), below = sum of C(trials, i) for i <= k
    for k in range(trials + 1):
        below += ways
        if below * wanted.denominator >= wanted.numerator * total:
            return k
        ways = ways * (trials - k) // (k + 1)
    return trials
