"""Each data set's documented change is real: a clear shift in the improvement direction that a
run chart picks up after the change and not before, and its astronomical points are astronomical."""

import pandas as pd
import pytest

from icp_helpers.charts import qic
from icp_helpers.datasets import describe, load, names


def measure(name: str) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """(dates, values, denominators) of the plotted measure, one point per period."""
    entry = describe(name)
    frame = load(name)
    if name == "referral_to_assessment":  # per patient: chart the monthly median wait
        month = frame["referral_date"].dt.to_period("M").dt.start_time
        medians = frame.groupby(month)["wait_days"].median()
        return pd.Series(medians.index), medians.reset_index(drop=True), None
    if name == "dna_appointments":  # per appointment: chart the monthly share missed
        month = frame["appointment_date"].dt.to_period("M").dt.start_time
        monthly = frame.groupby(month)["dna"].agg(["sum", "size"])
        return pd.Series(monthly.index), monthly["sum"].astype(float), monthly["size"]
    denominators = frame[entry.denominator_column] if entry.denominator_column else None
    return frame[entry.date_column], frame[entry.value_column].astype(float), denominators


@pytest.mark.parametrize("name", names())
def test_the_change_moves_the_mean_clearly_in_the_improvement_direction(name):
    entry = describe(name)
    dates, values, denominators = measure(name)
    after = (dates >= entry.change_date).to_numpy()
    if denominators is None:
        before_mean, after_mean = values[~after].mean(), values[after].mean()
    else:
        before_mean = values[~after].sum() / denominators[~after].sum()
        after_mean = values[after].sum() / denominators[after].sum()
    relative = after_mean / before_mean - 1
    if entry.improvement_direction == "lower":
        assert relative < -0.25, relative
    else:
        assert relative > 0.25, relative


@pytest.mark.parametrize("name", names())
def test_run_chart_signals_after_the_change_but_not_in_the_baseline(name):
    entry = describe(name)
    dates, values, denominators = measure(name)
    baseline = int((dates < entry.change_date).sum())
    assert baseline == entry.baseline_points
    base_n = None if denominators is None else denominators[:baseline]
    before = qic(values[:baseline], n=base_n, x=dates[:baseline], chart="run")
    assert not before.summary.loc[0, "runs_signal"], before.summary
    whole = qic(values, n=denominators, x=dates, chart="run", freeze=baseline)
    summary = whole.summary.loc[0]
    assert summary["runs_signal"], summary
    # The signal is a long run on the improvement side of the baseline median.
    points = whole.points.iloc[baseline:]
    better = (
        points["y"] < points["cl"]
        if entry.improvement_direction == "lower"
        else (points["y"] > points["cl"])
    )
    assert better.mean() >= 0.8
    assert summary["longest_run"] > summary["longest_run_max"]


# Notable points that are astronomical on a chart with the baseline frozen: (date, chart, column
# charted instead of the data set's value column, if any).
ASTRONOMICAL = {
    "violence": ("2023-08-01", "u", None),
    "restraint": ("2023-08-01", "u", None),
    "falls": ("2023-01-01", "u", None),
    "did_not_attend": ("2022-12-01", "p", None),
    "dna_appointments": ("2022-12-01", "p", None),
    "physical_health_checks": ("2019-10-01", "pp", None),
    "referral_to_assessment": ("2023-03-01", "i", None),
    "referral_to_assessment_monthly": ("2023-03-01", "i", "median_wait_days"),
}


@pytest.mark.parametrize(
    ("name", "day", "chart", "column"), [(n, *v) for n, v in ASTRONOMICAL.items()]
)
def test_documented_unusual_points_are_astronomical(name, day, chart, column):
    entry = describe(name)
    assert day in dict(entry.notable_points)
    dates, values, denominators = measure(name)
    if column is not None:
        values, denominators = load(name)[column], None
    result = qic(values, n=denominators, x=dates, chart=chart, freeze=entry.baseline_points)
    baseline = result.points.iloc[: entry.baseline_points]
    assert baseline.loc[baseline["sigma_signal"], "x"].tolist() == [pd.Timestamp(day)]


def test_only_days_between_incidents_has_no_unusual_point():
    assert {n for n in names() if not describe(n).notable_points} == {"days_between_incidents"}
