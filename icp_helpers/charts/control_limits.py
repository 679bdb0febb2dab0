"""Centre lines and limits for each chart type, one small function per chart.

Each function takes the subgroups of one part (:class:`PartData`) and returns the plotted
values with their centre line and 3-sigma and 2-sigma lines (:class:`Lines`), following the
reference (qicharts2) formula by formula. ``CHARTS`` maps a chart name to its function.

>>> import numpy as np
>>> part = PartData.from_values(np.array([1.0, 3.0, 2.0, 4.0]))
>>> lines = CHARTS["i"](part)
>>> float(lines.cl[0]), round(float(lines.ucl[0]), 4)
(2.5, 6.9326)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from icp_helpers.charts.special import log_gamma

#: Upper limit of a moving range as a multiple of the average moving range (D4 for n = 2).
MR_LIMIT = 3.267
#: d2 for subgroups of two: average moving range / d2 estimates sigma.
D2 = 1.128
#: Upper limit factor for the scaled moving ranges of the I' chart (the reference's value).
IP_SCREEN = 3.2665


@dataclass(frozen=True)
class PartData:
    """Subgroups of one part, as arrays of equal length.

    ``y`` is the subgroup value (mean, or sum(y)/sum(n) with a denominator); ``y_sum``,
    ``y_len``, ``y_mean`` and ``y_sd`` describe the raw values of each subgroup; ``n`` is the
    summed denominator; ``base`` marks subgroups used for the centre line and limits
    (baseline and not excluded). ``categorical`` is True when x is not a number or date,
    ``screened`` switches moving-range screening on.
    """

    y: np.ndarray
    y_sum: np.ndarray
    y_len: np.ndarray
    y_mean: np.ndarray
    y_sd: np.ndarray
    n: np.ndarray
    base: np.ndarray
    categorical: bool = False
    screened: bool = True

    @classmethod
    def from_values(cls, y: np.ndarray, n: np.ndarray | None = None) -> PartData:
        """One value per subgroup, every subgroup in the baseline (handy for examples)."""
        y = np.asarray(y, dtype=float)
        ones = (~np.isnan(y)).astype(float)
        denominator = ones if n is None else np.asarray(n, dtype=float)
        value = y if n is None else y / denominator
        return cls(
            y=value,
            y_sum=y,
            y_len=ones,
            y_mean=y,
            y_sd=np.full_like(y, np.nan),
            n=denominator,
            base=np.ones(len(y), dtype=bool),
        )


@dataclass(frozen=True)
class Lines:
    """Plotted values with centre line and limits (3-sigma ``lcl/ucl``, 2-sigma ``*_95``)."""

    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    lcl_95: np.ndarray
    ucl_95: np.ndarray


def _full(value: float, like: np.ndarray) -> np.ndarray:
    return np.full(len(like), value, dtype=float)


def _nanmean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else np.nan


def _nanmedian(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(np.median(values)) if len(values) else np.nan


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> float:
    bottom = np.nansum(denominator)
    return float(np.nansum(numerator) / bottom) if bottom else np.nan


def mean_moving_range(ranges: np.ndarray, screened: bool, factor: float = MR_LIMIT) -> float:
    """Average moving range, optionally after dropping ranges >= ``factor`` x the average.

    >>> mean_moving_range(np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 20.0]), screened=True)
    1.0
    """
    average = _nanmean(ranges)
    if screened:
        average = _nanmean(ranges[ranges < factor * average])
    return average


def _around(y: np.ndarray, cl: np.ndarray, sigma: np.ndarray) -> Lines:
    return Lines(y, cl, cl - 3 * sigma, cl + 3 * sigma, cl - 2 * sigma, cl + 2 * sigma)


def _clip(lines: Lines, low: float | None = 0.0, high: float | None = None) -> Lines:
    def clip(values: np.ndarray) -> np.ndarray:
        values = values.copy()
        finite = np.isfinite(values)
        if low is not None:
            values[finite & (values < low)] = low
        if high is not None:
            values[finite & (values > high)] = high
        return values

    return replace(
        lines,
        lcl=clip(lines.lcl),
        ucl=clip(lines.ucl),
        lcl_95=clip(lines.lcl_95),
        ucl_95=clip(lines.ucl_95),
    )


def c4(n: np.ndarray) -> np.ndarray:
    """Bias-correction constant c4 for subgroups of size ``n`` (NaN for n <= 1).

    >>> round(float(c4(np.array([5.0]))[0]), 4)
    0.94
    """
    n = np.where(np.asarray(n, dtype=float) > 1, n, np.nan)
    return np.sqrt(2 / (n - 1)) * np.exp(log_gamma(n / 2) - log_gamma((n - 1) / 2))


def a3(n: np.ndarray, k: float = 3) -> np.ndarray:
    """Factor for Xbar limits from the average standard deviation: k / (c4 * sqrt(n))."""
    n = np.where(np.asarray(n, dtype=float) > 1, n, np.nan)
    return k / (c4(n) * np.sqrt(n))


def b3(n: np.ndarray, k: float = 3) -> np.ndarray:
    """Lower S chart factor: max(0, 1 - k * c5 / c4), with c5 = sqrt(1 - c4**2)."""
    c = c4(n)
    return np.maximum(0.0, 1 - k * np.sqrt(1 - c**2) / c)


def b4(n: np.ndarray, k: float = 3) -> np.ndarray:
    """Upper S chart factor: 1 + k * c5 / c4."""
    c = c4(n)
    return 1 + k * np.sqrt(1 - c**2) / c


def run_lines(d: PartData) -> Lines:
    """Run chart: median of the baseline, no limits."""
    nothing = _full(np.nan, d.y)
    return Lines(d.y, _full(_nanmedian(d.y[d.base]), d.y), nothing, nothing, nothing, nothing)


def i_lines(d: PartData) -> Lines:
    """I (XmR) chart: mean +/- 3 x (average moving range / 1.128)."""
    cl = _nanmean(d.y[d.base])
    ranges = np.abs(np.diff(d.y[d.base] - cl))
    sigma = mean_moving_range(ranges, d.screened) / D2
    return _around(d.y, _full(cl, d.y), _full(sigma, d.y))


def mr_lines(d: PartData) -> Lines:
    """MR chart: moving ranges against their mean, UCL = 3.267 x mean, LCL = 0."""
    y = np.concatenate([[np.nan], np.abs(np.diff(d.y))])
    cl = _nanmean(y[d.base])
    return Lines(
        y, _full(cl, y), _full(0.0, y), _full(MR_LIMIT * cl, y), _full(0.0, y),
        _full(MR_LIMIT / 3 * 2 * cl, y),
    )  # fmt: skip


def _pooled_sd(d: PartData) -> float:
    """Pooled standard deviation of the baseline subgroups (mean of s with equal sizes).

    As in the reference, every baseline subgroup adds n - 1 to the degrees of freedom, so an
    empty subgroup adds -1 (this reproduces qicharts2's published NA_test values).
    """
    base = d.base
    if len(np.unique(d.y_len)) > 1:
        weights = d.y_len[base] - 1
        return float(np.sqrt(np.nansum(weights * d.y_sd[base] ** 2) / np.nansum(weights)))
    return _nanmean(d.y_sd[base])


def xbar_lines(d: PartData) -> Lines:
    """Xbar chart: size-weighted grand mean +/- A3 x pooled standard deviation."""
    base = d.base & (d.y_len > 0)
    cl = _full(_ratio(d.y_len[base] * d.y_mean[base], d.y_len[base]), d.y)
    sd = _pooled_sd(d)
    return Lines(
        d.y_mean, cl, cl - a3(d.y_len) * sd, cl + a3(d.y_len) * sd,
        cl - a3(d.y_len, 2) * sd, cl + a3(d.y_len, 2) * sd,
    )  # fmt: skip


def s_lines(d: PartData) -> Lines:
    """S chart: pooled standard deviation with B3 and B4 limits."""
    cl = _full(_pooled_sd(d), d.y)
    n = d.y_len
    return Lines(d.y_sd, cl, b3(n) * cl, b4(n) * cl, b3(n, 2) * cl, b4(n, 2) * cl)


def t_lines(d: PartData) -> Lines:
    """T chart: I chart of y^(1/3.6), back-transformed; a negative or undefined LCL is 0."""
    power = 3.6
    lines = i_lines(replace(d, y=d.y ** (1 / power)))
    with np.errstate(invalid="ignore"):
        back = {k: getattr(lines, k) ** power for k in ("cl", "lcl", "ucl", "lcl_95", "ucl_95")}
    lcl = back["lcl"]
    lcl[(lcl < 0) | np.isnan(lcl)] = 0.0
    return Lines(y=d.y, **back)


def p_lines(d: PartData) -> Lines:
    """P chart: sum(y) / sum(n) +/- 3 x sqrt(p(1 - p) / n), clipped to [0, 1]."""
    cl = _ratio(d.y_sum[d.base], d.n[d.base])
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(cl * (1 - cl) / d.n)
    return _clip(_around(d.y, _full(cl, d.y), sigma), 0.0, 1.0)


def _laney_sigma_z(d: PartData, cl: float, sigma: np.ndarray) -> float:
    z = (d.y[d.base] - cl) / sigma[d.base]
    if d.categorical:
        return float(np.std(z, ddof=1)) if len(z) > 1 else np.nan
    return mean_moving_range(np.abs(np.diff(z)), d.screened) / D2


def pp_lines(d: PartData) -> Lines:
    """Laney P' chart: P chart limits widened by sigma_z, clipped to [0, 1]."""
    cl = _ratio(d.y_sum[d.base], d.n[d.base])
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(cl * (1 - cl) / d.n)
        sigma = sigma * _laney_sigma_z(d, cl, sigma)
    return _clip(_around(d.y, _full(cl, d.y), sigma), 0.0, 1.0)


def c_lines(d: PartData) -> Lines:
    """C chart: mean count +/- 3 x sqrt(mean), LCL >= 0."""
    cl = _nanmean(d.y_sum[d.base])
    return _clip(_around(d.y_sum, _full(cl, d.y), _full(np.sqrt(cl), d.y)))


def u_lines(d: PartData) -> Lines:
    """U chart: sum(y) / sum(n) +/- 3 x sqrt(u / n), LCL >= 0."""
    cl = _ratio(d.y_sum[d.base], d.n[d.base])
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(cl / d.n)
    return _clip(_around(d.y, _full(cl, d.y), sigma))


def up_lines(d: PartData) -> Lines:
    """Laney U' chart: U chart limits widened by sigma_z, LCL >= 0."""
    cl = _ratio(d.y_sum[d.base], d.n[d.base])
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(cl / d.n)
        sigma = sigma * _laney_sigma_z(d, cl, sigma)
    return _clip(_around(d.y, _full(cl, d.y), sigma))


def ip_lines(d: PartData) -> Lines:
    """I' chart (individuals with unequal subgroup sizes): limits scale with 1 / sqrt(n)."""
    cl = _ratio(d.y[d.base] * d.n[d.base], d.n[d.base])
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.sqrt(np.pi / 2) * np.abs(np.diff(d.y)) / np.sqrt(1 / d.n[:-1] + 1 / d.n[1:])
        sigma = mean_moving_range(scaled, d.screened, IP_SCREEN) * np.sqrt(1 / d.n)
    return _around(d.y, _full(cl, d.y), sigma)


def g_lines(d: PartData) -> Lines:
    """G chart: limits from the mean m, m +/- 3 x sqrt(m(m + 1)), LCL >= 0; CL as qicharts2's.

    The centre line is the median, qicharts2's convention (about half the skewed gaps fall either
    side of it, as the run rules expect); Benneyan's g chart, where the method comes from,
    draws the mean.
    """
    mean = _nanmean(d.y[d.base])
    lines = _clip(_around(d.y, _full(mean, d.y), _full(np.sqrt(mean * (mean + 1)), d.y)))
    return replace(lines, cl=_full(_nanmedian(d.y[d.base]), d.y))


#: Chart name -> function computing its lines for one part.
CHARTS: dict[str, Callable[[PartData], Lines]] = {
    "run": run_lines,
    "i": i_lines,
    "mr": mr_lines,
    "xbar": xbar_lines,
    "s": s_lines,
    "t": t_lines,
    "p": p_lines,
    "pp": pp_lines,
    "c": c_lines,
    "u": u_lines,
    "up": up_lines,
    "g": g_lines,
    "ip": ip_lines,
}
