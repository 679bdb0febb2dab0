"""The special functions the charts need, from Python's standard library.

The charts once took them from scipy, whose ``stats`` module alone takes about a second to
import: a second added to every notebook, every kernel a grader starts and every ``icp``
command. They are exact here, or as close as floating point allows.

>>> round(float(log_gamma(np.array([5.0]))[0]), 6)  # log(4!) = log(24)
3.178054
>>> binomial_half_quantile(23, 0.05)  # fewest crossings expected for 24 useful points
8
>>> round(chi_square_survival(22.88, 11), 4)  # the p-value of a Kruskal-Wallis H of 22.88
0.0184
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


def chi_square_survival(x: float, df: int) -> float:
    """P(X > ``x``) for X chi-square with ``df`` (a whole number) degrees of freedom.

    This is the upper regularised incomplete gamma function Q(df/2, x/2), which for whole
    ``df`` is a finite sum: with y = x/2, Q(m, y) = e^-y (1 + y + ... + y^(m-1)/(m-1)!) for
    even df = 2m, and Q(m + 1/2, y) = erfc(sqrt(y)) + e^-y (the terms y^(i+1/2)/Γ(i+3/2),
    i < m) for odd df = 2m + 1. Every term is positive, so nothing cancels; each is worked
    in logarithms so that none overflows.

    >>> chi_square_survival(2.0, 2) == math.exp(-1)  # df = 2: e^(-x/2)
    True
    >>> round(chi_square_survival(3.841459, 1), 6)  # the familiar 5% point of df = 1
    0.05
    >>> chi_square_survival(0.0, 5)
    1.0
    """
    if df < 1 or int(df) != df:
        raise ValueError(f"df must be a whole number of 1 or more, not {df}")
    if x <= 0:
        return 1.0
    y = x / 2
    half, odd = divmod(int(df), 2)
    if odd:
        total = math.erfc(math.sqrt(y))
        powers = [(i + 0.5, math.lgamma(i + 1.5)) for i in range(half)]
    else:
        total = 0.0
        powers = [(i, math.lgamma(i + 1)) for i in range(half)]
    total += sum(math.exp(p * math.log(y) - y - log_factor) for p, log_factor in powers)
    return min(total, 1.0)
