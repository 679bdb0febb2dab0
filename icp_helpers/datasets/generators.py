"""Generate the course data sets from their seeds (the script behind the shipped CSV files).

Each generator reads its seed, start date, change date and baseline length from the data
dictionary, so the two cannot disagree. The CSV files in ``data/`` are this module's output; the
course loads those files, so a future numpy that draws different random numbers cannot change what
learners see. After editing a generator, rewrite the files and update the pinned test values::

    python -m icp_helpers.datasets.generators

>>> df = generate("falls")
>>> df.columns.tolist()
['month', 'falls', 'occupied_bed_days', 'rate_per_1000_obd']
>>> generate("falls").equals(df)
True
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from icp_helpers.datasets.appointments import dna_appointments
from icp_helpers.datasets.dictionary import DICTIONARIES, DataDictionary
from icp_helpers.files import atomic_write

DATA_FOLDER = Path(__file__).parent / "data"


def _periods(spec: DataDictionary, after: int, months_per_period: int = 1) -> pd.DatetimeIndex:
    freq = "MS" if months_per_period == 1 else f"{months_per_period}MS"
    dates = pd.date_range(spec.start, periods=spec.baseline_points + after, freq=freq)
    if dates[spec.baseline_points] != spec.change_date:
        raise ValueError(
            f"{spec.name}: change_date {spec.change_date.date()} must be the start of period "
            f"{spec.baseline_points + 1}, {dates[spec.baseline_points].date()}; fix "
            "dictionaries.yaml so the two agree."
        )
    return dates.astype("datetime64[ns]")


def _after_change(dates: pd.DatetimeIndex, spec: DataDictionary) -> np.ndarray:
    return np.asarray(dates >= spec.change_date)


def _seasonal(dates: pd.DatetimeIndex, by_month: dict[int, float]) -> np.ndarray:
    """A multiplier per date: 1 plus the month's entry in ``by_month`` (missing months: 1)."""
    return np.array([1.0 + by_month.get(day.month, 0.0) for day in dates])


def _bed_days(
    rng: np.random.Generator, dates: pd.DatetimeIndex, beds: int, low: float
) -> np.ndarray:
    """Occupied bed days: beds × days in the month × an occupancy drawn between ``low`` and 1."""
    occupancy = rng.uniform(low, 1.0, size=len(dates))
    return np.round(beds * np.asarray(dates.days_in_month) * occupancy).astype("int64")


def _set_month(frame: pd.DataFrame, column: str, day: str, value: int) -> None:
    frame.loc[frame[frame.columns[0]] == pd.Timestamp(day), column] = value


def _acute_ward() -> pd.DataFrame:
    """Violence and restraint on one 21-bed acute ward, drawn together from one seed."""
    spec = DICTIONARIES["violence"]
    rng = np.random.default_rng(spec.seed)
    dates = _periods(spec, after=16)
    bed_days = _bed_days(rng, dates, beds=21, low=0.82)
    after = _after_change(dates, spec)
    summer = _seasonal(dates, {6: 0.05, 7: 0.10, 8: 0.10})
    expected_violence = bed_days / 1000 * np.where(after, 20.0, 30.5) * summer
    incidents = rng.poisson(expected_violence)
    # Restraint follows violence loosely: a month with more violence than expected has more.
    pressure = 0.6 + 0.4 * incidents / expected_violence
    restraints = rng.poisson(bed_days / 1000 * np.where(after, 15.0, 22.0) * pressure)
    frame = pd.DataFrame(
        {
            "month": dates,
            "incidents": np.clip(incidents, 8, 30),
            "restraints": np.clip(restraints, 3, 25),
            "occupied_bed_days": bed_days,
        }
    )
    _set_month(frame, "occupied_bed_days", "2023-08-01", 497)
    _set_month(frame, "incidents", "2023-08-01", 30)
    _set_month(frame, "restraints", "2023-08-01", 25)
    return frame


def _with_rate(
    frame: pd.DataFrame, count: str, denominator: str, name: str, per: int
) -> pd.DataFrame:
    frame[name] = frame[count] / frame[denominator] * per
    return frame


def _violence() -> pd.DataFrame:
    """Monthly physical violence on the acute ward, with the rate per 1,000 occupied bed days."""
    frame = _acute_ward()[["month", "incidents", "occupied_bed_days"]]
    return _with_rate(frame, "incidents", "occupied_bed_days", "rate_per_1000_obd", 1000)


def _restraint() -> pd.DataFrame:
    """Monthly restraint on the same ward and months as the violence data."""
    frame = _acute_ward()[["month", "restraints", "occupied_bed_days"]]
    return _with_rate(frame, "restraints", "occupied_bed_days", "rate_per_1000_obd", 1000)


def _days_between_incidents() -> pd.DataFrame:
    """One row per incident on the older-adult ward with the whole days since the previous one."""
    spec = DICTIONARIES["days_between_incidents"]
    rng = np.random.default_rng(spec.seed)
    baseline_gaps = 3 + rng.poisson(2.6, size=spec.baseline_points)
    later_gaps = 3 + rng.poisson(5.8, size=20)
    gaps = np.clip(np.concatenate([baseline_gaps, later_gaps]), 3, 12)
    # The last baseline incident falls two days before the change; dates count on from there.
    last_baseline = spec.change_date - pd.Timedelta(days=2)
    offsets = np.cumsum(gaps) - np.sum(gaps[: spec.baseline_points])
    dates = (last_baseline + pd.to_timedelta(offsets, unit="D")).astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "incident_number": np.arange(1, len(gaps) + 1, dtype="int64"),
            "incident_date": dates,
            "days_since_previous": gaps.astype("int64"),
        }
    )


def _referral_to_assessment() -> pd.DataFrame:
    """One row per referral to the community team with its wait for a first assessment."""
    spec = DICTIONARIES["referral_to_assessment"]
    rng = np.random.default_rng(spec.seed)
    months = _periods(spec, after=15)
    quiet_months = _seasonal(months, {8: -0.1, 12: -0.12})
    counts = np.round(92 * quiet_months * rng.uniform(0.93, 1.07, size=len(months))).astype(int)
    median_wait = np.where(_after_change(months, spec), 24.0, 43.0)
    median_wait[months == pd.Timestamp("2023-03-01")] *= 1.4
    rows = []
    for month, count, median in zip(months, counts, median_wait, strict=True):
        days = rng.integers(0, month.days_in_month, size=count)
        waits = np.maximum(1, np.round(median * rng.lognormal(0.0, 0.45, size=count)))
        for day, wait in sorted(zip(days, waits, strict=True)):
            referred = month + pd.Timedelta(days=int(day))
            rows.append((referred, referred + pd.Timedelta(days=int(wait)), int(wait)))
    frame = pd.DataFrame(rows, columns=["referral_date", "assessment_date", "wait_days"])
    frame.insert(0, "patient_id", [f"P{number:05d}" for number in range(1, len(frame) + 1)])
    return frame.astype(spec.dtypes)


def _referral_to_assessment_monthly() -> pd.DataFrame:
    """The per-patient referrals summarised by month of referral (median wait, % within 28 days)."""
    patients = _referral_to_assessment()
    month = patients["referral_date"].dt.to_period("M").dt.start_time.rename("month")
    grouped = patients.assign(within=patients["wait_days"] <= 28).groupby(month)
    frame = pd.DataFrame(
        {
            "referrals": grouped.size(),
            "median_wait_days": grouped["wait_days"].median(),
            "seen_within_28_days": grouped["within"].sum(),
        }
    ).reset_index()
    frame["month"] = frame["month"].astype("datetime64[ns]")
    return _with_rate(frame, "seen_within_28_days", "referrals", "pct_seen_within_28_days", 100)


def _did_not_attend() -> pd.DataFrame:
    """Monthly outpatient appointments and did-not-attends for a community team."""
    spec = DICTIONARIES["did_not_attend"]
    rng = np.random.default_rng(spec.seed)
    months = _periods(spec, after=12)
    booked = _seasonal(months, {8: -0.16, 12: -0.13})
    appointments = np.round(530 * booked * rng.uniform(0.94, 1.06, size=len(months)))
    rate = np.where(_after_change(months, spec), 0.122, 0.172)
    rate = rate + np.where(np.isin(months.month, [8, 12]), 0.012, 0.0)
    rate = np.clip(rate + rng.normal(0.0, 0.006, size=len(months)), 0.08, 0.25)
    frame = pd.DataFrame(
        {
            "month": months,
            "appointments": appointments.astype("int64"),
            "dnas": rng.binomial(appointments.astype("int64"), rate),
        }
    )
    snow = frame["month"] == pd.Timestamp("2022-12-01")
    frame.loc[snow, "dnas"] = np.round(0.245 * frame.loc[snow, "appointments"])
    return _with_rate(frame, "dnas", "appointments", "dna_pct", 100)


def _falls() -> pd.DataFrame:
    """Monthly falls on the 18-bed older-adult ward with the rate per 1,000 occupied bed days."""
    spec = DICTIONARIES["falls"]
    rng = np.random.default_rng(spec.seed)
    months = _periods(spec, after=15)
    bed_days = _bed_days(rng, months, beds=18, low=0.83)
    winter = _seasonal(months, {12: 0.10, 1: 0.12, 2: 0.08})
    expected = bed_days / 1000 * np.where(_after_change(months, spec), 7.6, 14.6) * winter
    frame = pd.DataFrame(
        {
            "month": months,
            "falls": np.clip(rng.poisson(expected), 2, 15),
            "occupied_bed_days": bed_days,
        }
    )
    _set_month(frame, "occupied_bed_days", "2023-01-01", 405)
    _set_month(frame, "falls", "2023-01-01", 15)
    return _with_rate(frame, "falls", "occupied_bed_days", "rate_per_1000_obd", 1000)


def _physical_health_checks() -> pd.DataFrame:
    """Quarterly annual physical health checks for people on an area's SMI register.

    Each quarter counts the people whose annual check fell due in that quarter and how many of
    them had it in the quarter, so every person appears once a year and no quarter shares people
    with the next (a rolling 12-month count would). Practice mix and clinic capacity move the
    share from quarter to quarter by more than chance among thousands of people would.
    """
    spec = DICTIONARIES["physical_health_checks"]
    rng = np.random.default_rng(spec.seed)
    quarters = _periods(spec, after=10, months_per_period=3)
    growth = np.linspace(9400, 11300, len(quarters))
    register = np.round(growth + rng.normal(0, 60, size=len(quarters))).astype("int64")
    due = np.round(register / 4 * rng.normal(1.0, 0.035, size=len(quarters))).astype("int64")
    after = _after_change(quarters, spec)
    share = np.where(after, 0.52, 0.335) + np.where(quarters.month == 10, -0.02, 0.0)
    share[np.flatnonzero(after)[0]] = 0.45  # the clinics took a quarter to reach full strength
    covid = {"2020-04-01": 0.27, "2020-07-01": 0.25, "2020-10-01": 0.27, "2021-01-01": 0.30}
    for day, value in covid.items():
        share[quarters == pd.Timestamp(day)] = value
    share = share + rng.normal(0.0, 0.025, size=len(quarters))
    frame = pd.DataFrame(
        {
            "quarter": quarters,
            "register_size": register,
            "due_checks": due,
            "checks_done": rng.binomial(due, share),
        }
    )
    migration = frame["quarter"] == pd.Timestamp("2019-10-01")
    frame.loc[migration, "checks_done"] = np.round(0.205 * frame.loc[migration, "due_checks"])
    return _with_rate(frame, "checks_done", "due_checks", "pct_checked", 100)


GENERATORS: dict[str, Callable[[], pd.DataFrame]] = {
    "violence": _violence,
    "restraint": _restraint,
    "days_between_incidents": _days_between_incidents,
    "referral_to_assessment": _referral_to_assessment,
    "referral_to_assessment_monthly": _referral_to_assessment_monthly,
    "did_not_attend": _did_not_attend,
    "dna_appointments": lambda: dna_appointments(
        _did_not_attend(), DICTIONARIES["dna_appointments"]
    ),
    "falls": _falls,
    "physical_health_checks": _physical_health_checks,
}


def generate(name: str) -> pd.DataFrame:
    """Run the generator for data set ``name`` and return its frame in dictionary column order.

    >>> generate("violence")["month"].iloc[0].date().isoformat()
    '2022-04-01'
    """
    spec = DICTIONARIES[name]
    return GENERATORS[name]()[list(spec.dtypes)].astype(spec.dtypes).reset_index(drop=True)


def write_csvs(folder: Path = DATA_FOLDER) -> list[Path]:
    """Write every data set to ``folder/<name>.csv`` (each via a temporary file) and list them.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [path.name for path in write_csvs(Path(tmp))][:2]
    ['violence.csv', 'restraint.csv']
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in GENERATORS:
        target = folder / f"{name}.csv"
        table = generate(name)
        atomic_write(target, table.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n"))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_csvs(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_FOLDER):
        print(f"wrote {path}")
