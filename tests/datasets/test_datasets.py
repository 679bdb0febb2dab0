"""The course data sets: same numbers every time, within their plausible ranges, fully described."""

import hashlib
from importlib import resources

import pandas as pd
import pytest

from icp_helpers import datasets
from icp_helpers.datasets import describe, load, names
from icp_helpers.datasets.generators import GENERATORS, generate, write_csvs

# sha256 of each shipped CSV file: a change to a generator (or a numpy that draws differently)
# shows up here. After a deliberate change, run `python -m icp_helpers.datasets.generators`.
PINNED_SHA256 = {
    "violence": "e9c1382d8549667ac8b495170922bce4888b10c3576a1d0d77f8892b6bae6221",
    "restraint": "067a81739ea82d4470694b262e9fc74cd384ce7fc3ef1bbd86eff94d317d95aa",
    "days_between_incidents": "6310432129c92f83ed4af736ea7f8f0a5720a1f7d6488d9b5dac9b7ce40c4a69",
    "referral_to_assessment": "45858139cbc0e9eba7dc3714f36842e13241b9bed782143ba451aff5b2c3e484",
    "referral_to_assessment_monthly": (
        "95dc05fd589746f645b652027a928501b9e20a406a7feae4b1462381e577a348"
    ),
    "did_not_attend": "47ff54d05dd05384e9c3005eddedb53d44227d7e5cd04d787fec283501133054",
    "dna_appointments": "6a523c816f84746a2e98843a448c72e634b1f8cb3268033f0c9541258ab03fb0",
    "falls": "24b3ae23474e2de57b7d1ccf0ffdb7ebffcd50c50f7ef8fa216f373124ff2a58",
    "physical_health_checks": "53e93847cf2afb20dc7a245c93114a23a9fd2302b9b4649fb6c59a04e53f0d6c",
}

# (number of rows, one cell of the last row) for each data set.
PINNED_VALUES = {
    "violence": (38, "incidents", 17),
    "restraint": (38, "restraints", 9),
    "days_between_incidents": (45, "incident_date", pd.Timestamp("2023-03-14")),
    "referral_to_assessment": (3225, "assessment_date", pd.Timestamp("2025-05-05")),
    "referral_to_assessment_monthly": (36, "median_wait_days", 24.5),
    "did_not_attend": (36, "dnas", 62),
    "dna_appointments": (18621, "appointment_date", pd.Timestamp("2025-03-31")),
    "falls": (41, "occupied_bed_days", 546),
    "physical_health_checks": (30, "checks_done", 1282),
}

# Plausible ranges from the course's reference table (inclusive).
RANGES = {
    "violence": {"incidents": (8, 30), "occupied_bed_days": (480, 680)},
    "restraint": {"restraints": (3, 25), "occupied_bed_days": (480, 680)},
    "days_between_incidents": {"days_since_previous": (3, 12)},
    "referral_to_assessment": {"wait_days": (1, 365)},
    "referral_to_assessment_monthly": {"median_wait_days": (20, 60), "referrals": (40, 150)},
    "did_not_attend": {"dna_pct": (8, 25), "appointments": (150, 800)},
    "dna_appointments": {"dna": (0, 1)},
    "falls": {"falls": (2, 15)},
    "physical_health_checks": {
        "pct_checked": (20, 65), "register_size": (8000, 12000), "due_checks": (2000, 3200),
    },
}

PERIODIC = [name for name in names() if describe(name).frequency in ("monthly", "quarterly")]


def test_names_match_the_shipped_files_and_generators():
    shipped = {
        entry.name.removesuffix(".csv")
        for entry in resources.files("icp_helpers.datasets").joinpath("data").iterdir()
        if entry.name.endswith(".csv")
    }
    assert set(names()) == shipped == set(GENERATORS) == set(PINNED_SHA256) == set(RANGES)
    assert names()[:2] == ["violence", "restraint"]


@pytest.mark.parametrize("name", names())
def test_shipped_file_matches_its_pinned_checksum(name):
    content = resources.files("icp_helpers.datasets").joinpath("data", f"{name}.csv").read_bytes()
    assert hashlib.sha256(content).hexdigest() == PINNED_SHA256[name]


def test_generator_script_rewrites_the_shipped_files_byte_for_byte(tmp_path):
    for path in write_csvs(tmp_path):
        shipped = resources.files("icp_helpers.datasets").joinpath("data", path.name)
        assert path.read_bytes() == shipped.read_bytes(), (
            f"{path.name} no longer matches its generator: run "
            "`python -m icp_helpers.datasets.generators` and update the pinned values"
        )
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("name", names())
def test_load_is_identical_on_every_call_and_equals_the_generator(name):
    first, second = load(name), load(name)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, generate(name))
    rows, column, value = PINNED_VALUES[name]
    assert len(first) == rows
    assert first[column].iloc[-1] == value


@pytest.mark.parametrize("name", names())
def test_load_returns_a_fresh_copy(name):
    frame = load(name)
    before = load(name)
    frame.iloc[:, 1] = frame.iloc[:, 1].iloc[::-1].to_numpy()
    frame["extra"] = 1
    pd.testing.assert_frame_equal(load(name), before)


@pytest.mark.parametrize("name", names())
def test_columns_dtypes_and_dictionary_agree(name):
    entry = describe(name)
    frame = load(name)
    assert list(frame.columns) == [column.name for column in entry.columns]
    assert {k: str(v) for k, v in frame.dtypes.items()} == entry.dtypes
    for column in entry.columns:
        assert column.description.strip() and column.unit.strip()
        assert column.name == column.name.lower() and " " not in column.name
    assert entry.date_column in frame and entry.value_column in frame
    assert entry.denominator_column is None or entry.denominator_column in frame
    assert entry.measure_type in ("outcome", "process", "balancing")
    assert entry.improvement_direction in ("lower", "higher")
    assert entry.suggested_chart and entry.change_description and entry.description
    assert isinstance(entry.seed, int)
    assert frame.isna().sum().sum() == 0


@pytest.mark.parametrize("name", names())
def test_baseline_has_20_to_30_points_before_the_documented_change(name):
    entry = describe(name)
    frame = load(name)
    dates = frame[entry.date_column]
    assert dates.is_monotonic_increasing
    assert dates.iloc[0] == entry.start
    if name in ("referral_to_assessment", "dna_appointments"):  # one row per person or visit
        dates = dates.dt.to_period("M").drop_duplicates().dt.start_time
    assert (dates < entry.change_date).sum() == entry.baseline_points
    assert 20 <= entry.baseline_points <= 30
    assert (dates >= entry.change_date).sum() >= 10


@pytest.mark.parametrize("name", PERIODIC)
def test_periods_are_consecutive_month_or_quarter_starts(name):
    entry = describe(name)
    dates = load(name)[entry.date_column]
    step = 3 if entry.frequency == "quarterly" else 1
    expected = pd.date_range(entry.start, periods=len(dates), freq=f"{step}MS")
    assert dates.tolist() == expected.tolist()
    assert entry.change_date in set(dates)


@pytest.mark.parametrize("name", names())
def test_values_stay_within_the_plausible_ranges(name):
    frame = load(name)
    for column, (low, high) in RANGES[name].items():
        assert frame[column].between(low, high).all(), (column, frame[column].agg(["min", "max"]))


def test_per_patient_referrals_have_20_to_60_day_monthly_medians_and_40_to_150_a_month():
    patients = load("referral_to_assessment")
    month = patients["referral_date"].dt.to_period("M")
    assert patients.groupby(month)["wait_days"].median().between(20, 60).all()
    assert patients.groupby(month).size().between(40, 150).all()
    waits = (patients["assessment_date"] - patients["referral_date"]).dt.days
    assert (waits == patients["wait_days"]).all()
    assert patients["patient_id"].is_unique


def test_monthly_referral_summary_agrees_with_the_per_patient_rows():
    patients = load("referral_to_assessment")
    monthly = load("referral_to_assessment_monthly")
    month = patients["referral_date"].dt.to_period("M").dt.start_time
    assert patients.groupby(month).size().tolist() == monthly["referrals"].tolist()
    within = (patients["wait_days"] <= 28).groupby(month).sum()
    assert within.tolist() == monthly["seen_within_28_days"].tolist()


@pytest.mark.parametrize("name", [n for n in names() if describe(n).denominator_column])
def test_denominators_vary_by_about_20_to_30_percent(name):
    entry = describe(name)
    denominators = load(name)[entry.denominator_column]
    spread = (denominators.max() - denominators.min()) / denominators.median()
    assert 0.2 <= spread <= 0.35, spread


RATE_COLUMNS = {
    "violence": "rate_per_1000_obd",
    "restraint": "rate_per_1000_obd",
    "referral_to_assessment_monthly": "pct_seen_within_28_days",
    "did_not_attend": "dna_pct",
    "falls": "rate_per_1000_obd",
    "physical_health_checks": "pct_checked",
}


@pytest.mark.parametrize(("name", "rate"), RATE_COLUMNS.items())
def test_rate_columns_are_value_over_denominator_times_the_multiplier(name, rate):
    entry = describe(name)
    frame = load(name)
    expected = frame[entry.value_column] / frame[entry.denominator_column] * entry.multiplier
    pd.testing.assert_series_equal(frame[rate], expected, check_names=False)
    assert {n for n in names() if describe(n).denominator_column} == set(RATE_COLUMNS)


def test_restraint_shares_the_ward_and_months_of_the_violence_data():
    violence, restraint = load("violence"), load("restraint")
    pd.testing.assert_series_equal(violence["month"], restraint["month"])
    pd.testing.assert_series_equal(violence["occupied_bed_days"], restraint["occupied_bed_days"])
    assert describe("restraint").measure_type == "balancing"
    assert describe("restraint").change_date == describe("violence").change_date
    assert describe("restraint").seed == describe("violence").seed


@pytest.mark.parametrize(
    ("name", "column"),
    [("did_not_attend", "appointments"), ("referral_to_assessment_monthly", "referrals")],
)
def test_fewer_bookings_and_referrals_in_august_and_december(name, column):
    frame = load(name)
    holiday = frame["month"].dt.month.isin([8, 12])
    assert frame.loc[holiday, column].mean() < 0.92 * frame.loc[~holiday, column].mean()


@pytest.mark.parametrize("bad", ["fall", "Falls data", "violense"])
def test_unknown_name_lists_the_data_sets_and_suggests_the_closest(bad):
    with pytest.raises(ValueError, match="There is no data set called") as caught:
        load(bad)
    message = str(caught.value)
    assert all(repr(name) in message for name in names())
    assert "Did you mean" in message


def test_names_forgive_case_spaces_and_hyphens():
    pd.testing.assert_frame_equal(load(" Did-not attend "), load("did_not_attend"))


def test_a_name_that_is_not_text_is_a_type_error():
    with pytest.raises(TypeError, match="text"):
        load(3)


def test_describe_prints_a_readable_summary_with_the_seed_and_change():
    entry = describe("falls")
    text = str(entry)
    assert "Falls on an older-adult ward (falls)" in text
    assert "2024-06-01" in text and f"default_rng({entry.seed})" in text
    assert "occupied bed days" in text and "Notable points:" in text
    table = entry.column_table()
    assert table["column"].tolist() == list(load("falls").columns)
    with pytest.raises(ValueError, match="has no column 'fallz'"):
        entry.column("fallz")


def test_package_exports_the_public_api():
    expected = {"names", "load", "describe", "load_csv", "load_excel", "DataFileError"}
    assert expected <= set(datasets.__all__)


def test_appointments_add_up_to_the_monthly_did_not_attend_counts():
    rows, monthly = load("dna_appointments"), load("did_not_attend")
    month = rows["appointment_date"].dt.to_period("M").dt.start_time
    counts = rows.groupby(month)["dna"].agg(["size", "sum"])
    assert counts["size"].tolist() == monthly["appointments"].tolist()
    assert counts["sum"].tolist() == monthly["dnas"].tolist()
    assert (rows["appointment_date"].dt.day_of_week < 5).all()
    assert set(rows["age_band"]) == {"18-24", "25-34", "35-49", "50-64", "65 and over"}
    assert set(rows["sex"]) == {"Female", "Male", "Not known"}
    assert "synthetic" in describe("dna_appointments").title.lower()
    assert "no real people" in describe("dna_appointments").description.lower()


def test_appointments_tell_the_stratified_story_the_dictionary_tells():
    rows = load("dna_appointments")
    after = rows["appointment_date"] >= describe("dna_appointments").change_date
    by_age = rows.groupby(["age_band", after])["dna"].mean().unstack()
    # every age band but the oldest misses fewer appointments once the reminders begin
    falls = by_age[True] / by_age[False] - 1
    assert (falls.drop("65 and over") < -0.2).all(), falls
    assert abs(falls["65 and over"]) < 0.1, falls
    assert by_age[False].is_monotonic_decreasing  # younger adults miss more
