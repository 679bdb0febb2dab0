"""Render one of each chart the course teaches to PNG files, for review.

Usage::

    python examples/chart_gallery.py OUTPUT_FOLDER

The data are synthetic (a fixed random seed) but shaped like the NHS measures each chart
is for, so the pictures show what a coach would put in front of a sponsor.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from icp_helpers.charts import qic  # noqa: E402
from icp_helpers.charts.drawing import save_figure  # noqa: E402
from icp_helpers.charts.mdc import mdc  # noqa: E402
from icp_helpers.charts.pareto import pareto  # noqa: E402
from icp_helpers.charts.wrappers import control_chart, run_chart  # noqa: E402

RNG = np.random.default_rng(2024)
MONTHS = pd.date_range("2022-04-01", periods=30, freq="MS")
WEEKS = pd.date_range("2024-01-01", periods=26, freq="W-MON")


def run() -> Axes:
    """Weekly ED waits over 4 hours, with two PDSA cycles and a sustained fall after them."""
    waits = np.r_[RNG.poisson(42, 12), RNG.poisson(33, 14)]
    notes = [None] * 26
    notes[11], notes[16] = "PDSA 1: streaming nurse", "PDSA 2: GP in ED"
    df = pd.DataFrame({"week": WEEKS, "waits": waits, "pdsa": notes})
    res = run_chart(
        df,
        x="week",
        y="waits",
        notes="pdsa",
        target=30,
        title="Patients waiting over 4 hours in ED",
        ylab="Patients per week",
        xlab="Week beginning",
    )
    return res.plot()


@cache
def _referral_days() -> np.ndarray:
    days = np.r_[RNG.normal(34, 4, 18), RNG.normal(26, 3.5, 12)].round(1)
    days[7] = 49.0
    return days


def i_chart() -> Axes:
    """Days from referral to first appointment, before and after a new triage process."""
    df = pd.DataFrame({"month": MONTHS, "days": _referral_days()})
    res = control_chart(
        df,
        x="month",
        y="days",
        chart="i",
        part=[18],
        title="Referral to first appointment (mean days)",
        ylab="Days",
        xlab="Month",
    )
    return res.plot()


def mr_chart() -> Axes:
    """The moving ranges of the same referral data."""
    res = qic(
        _referral_days(),
        x=MONTHS,
        chart="mr",
        title="Referral to first appointment: moving ranges",
        ylab="Moving range (days)",
        xlab="Month",
    )
    return res.plot()


@cache
def _door_to_needle() -> pd.DataFrame:
    sizes = RNG.integers(3, 8, len(WEEKS))
    rows = [
        (week, RNG.normal(58 if i < 14 else 50, 9))
        for i, week in enumerate(WEEKS)
        for _ in range(sizes[i])
    ]
    return pd.DataFrame(rows, columns=["week", "minutes"])


def xbar_chart() -> Axes:
    """Door-to-needle times for stroke thrombolysis, several patients a week."""
    res = control_chart(
        _door_to_needle(),
        x="week",
        y="minutes",
        chart="xbar",
        title="Door-to-needle time (weekly mean)",
        ylab="Minutes",
        xlab="Week beginning",
    )
    return res.plot()


def s_chart() -> Axes:
    """The spread of the same door-to-needle times."""
    res = control_chart(
        _door_to_needle(),
        x="week",
        y="minutes",
        chart="s",
        title="Door-to-needle time (weekly standard deviation)",
        ylab="Minutes",
        xlab="Week beginning",
    )
    return res.plot()


def t_chart() -> Axes:
    """Days between falls with harm on an older people's ward."""
    days = RNG.exponential(9, 24).round(1) + 0.5
    days[16:] *= 2.5
    res = qic(
        days, chart="t", title="Days between falls with harm", ylab="Days", xlab="Fall number"
    )
    return res.plot()


def p_chart() -> Axes:
    """Discharge summaries completed within 24 hours."""
    n = RNG.integers(80, 130, 30)
    y = RNG.binomial(n, np.r_[np.full(16, 0.72), np.full(14, 0.84)])
    df = pd.DataFrame({"month": MONTHS, "done": y, "discharges": n})
    res = control_chart(
        df,
        x="month",
        y="done",
        n="discharges",
        chart="p",
        freeze=16,
        target=0.9,
        title="Discharge summaries sent within 24 hours",
        ylab="Proportion of discharges",
        xlab="Month",
    )
    return res.plot()


def pp_chart() -> Axes:
    """Four-hour performance across a large trust: Laney p' for very large denominators."""
    n = RNG.integers(9000, 12000, 30)
    rate = 0.76 + RNG.normal(0, 0.02, 30)
    df = pd.DataFrame({"month": MONTHS, "seen": RNG.binomial(n, rate), "attendances": n})
    res = control_chart(
        df,
        x="month",
        y="seen",
        n="attendances",
        chart="pp",
        title="Attendances seen within 4 hours (Laney p′)",
        ylab="Proportion seen within 4 hours",
        xlab="Month",
    )
    return res.plot()


def c_chart() -> Axes:
    """Medication incidents reported each month."""
    counts = RNG.poisson(9, 30)
    counts[21] = 22
    res = qic(
        counts,
        x=MONTHS,
        chart="c",
        title="Medication incidents reported",
        ylab="Incidents per month",
        xlab="Month",
    )
    return res.plot()


def u_chart() -> Axes:
    """Pressure ulcers per 1,000 bed days."""
    bed_days = RNG.integers(2400, 3300, 30)
    ulcers = RNG.poisson(bed_days * 0.0021)
    df = pd.DataFrame({"month": MONTHS, "ulcers": ulcers, "bed_days": bed_days})
    res = control_chart(
        df,
        x="month",
        y="ulcers",
        n="bed_days",
        chart="u",
        multiply=1000,
        title="Hospital-acquired pressure ulcers",
        ylab="Per 1,000 bed days",
        xlab="Month",
    )
    return res.plot()


def up_chart() -> Axes:
    """Emergency readmissions per 1,000 discharges across a system: Laney u'."""
    n = RNG.integers(18000, 24000, 30)
    y = RNG.poisson(n * (0.11 + RNG.normal(0, 0.004, 30)))
    res = qic(
        y,
        n=n,
        x=MONTHS,
        chart="up",
        multiply=1000,
        title="Emergency readmissions within 30 days (Laney u′)",
        ylab="Per 1,000 discharges",
        xlab="Month",
    )
    return res.plot()


def g_chart() -> Axes:
    """Operations between surgical site infections."""
    between = RNG.geometric(1 / 40, 28) - 1
    between[20:] = between[20:] * 2 + 30
    res = qic(
        between,
        chart="g",
        title="Operations between surgical site infections",
        ylab="Operations",
        xlab="Infection number",
    )
    return res.plot()


def mdc_chart() -> Axes:
    """Making Data Count: patients discharged before noon (higher is better), limits fixed on
    the first 20 months, then a new discharge lounge lifts performance."""
    y = np.r_[RNG.normal(27, 2.0, 20), RNG.normal(35, 2.0, 10)].round(1)
    res = mdc(
        y,
        x=MONTHS,
        improvement="increase",
        target=30,
        fix_after=20,
        title="Patients discharged before noon",
        ylab="Per cent of discharges",
        xlab="Month",
    )
    return res.plot()


def pareto_chart() -> Axes:
    """Pareto chart of medication incident types."""
    res = pareto(
        {
            "Omitted dose": 52,
            "Wrong dose": 31,
            "Wrong time": 18,
            "Wrong patient": 9,
            "Wrong route": 6,
            "Prescribing error": 5,
            "Transcription": 4,
            "Other": 3,
        },
        title="Medication incidents by type, 2024",
    )
    return res.plot()


CHARTS: dict[str, Callable[[], Axes]] = {
    "run": run,
    "i": i_chart,
    "mr": mr_chart,
    "xbar": xbar_chart,
    "s": s_chart,
    "t": t_chart,
    "p": p_chart,
    "pp": pp_chart,
    "c": c_chart,
    "u": u_chart,
    "up": up_chart,
    "g": g_chart,
    "mdc": mdc_chart,
    "pareto": pareto_chart,
}


def render_gallery(folder: Path, dpi: int = 150) -> list[Path]:
    """Draw every chart in :data:`CHARTS` to ``folder/<name>.png``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, draw in CHARTS.items():
        path = folder / f"{name}.png"
        save_figure(draw(), path, dpi=dpi)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the PNG files")
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args(argv)
    for path in render_gallery(args.folder, dpi=args.dpi):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
