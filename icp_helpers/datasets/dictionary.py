"""Data dictionaries for the course data sets: what each column means, its unit and the story.

Every data set in :mod:`icp_helpers.datasets` is synthetic: generated from a fixed seed so that
every learner sees the same numbers. The dictionary records the seed, the setting, the kind of
measure (outcome, process or balancing), the chart the course suggests for it, the direction that
counts as improvement, and the date a change was introduced, so that a notebook can ask a learner
to find the change on a chart and then check the answer.

>>> entry = DICTIONARIES["falls"]
>>> entry.measure_type, entry.improvement_direction, entry.suggested_chart
('outcome', 'lower', 'u chart')
>>> entry.change_date.date().isoformat()
'2024-06-01'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

MeasureType = Literal["outcome", "process", "balancing"]
Direction = Literal["lower", "higher"]


@dataclass(frozen=True)
class Column:
    """One column of a data set: its name, what it holds, its unit and its pandas dtype.

    >>> Column("falls", "Falls recorded in the month", "falls", "int64").unit
    'falls'
    """

    name: str
    description: str
    unit: str
    dtype: str


@dataclass(frozen=True)
class DataDictionary:
    """The data dictionary of one course data set.

    ``date_column``, ``value_column`` and ``denominator_column`` name the columns a chart needs;
    ``multiplier`` turns ``value / denominator`` into the plotted rate (1,000 for a rate per 1,000
    occupied bed days, 100 for a percentage, 1 for a plain value). ``change_date`` is the first
    period after the change; ``baseline_points`` counts the points before it.
    ``notable_points`` pairs an ISO date with what happened then (an unusual point worth a
    conversation, often astronomical on its chart).

    >>> d = DICTIONARIES["did_not_attend"]
    >>> d.column("dna_pct").unit
    '% of appointments'
    >>> d.column_table().columns.tolist()
    ['column', 'description', 'unit', 'dtype']
    """

    name: str
    title: str
    description: str
    measure_type: MeasureType
    suggested_chart: str
    improvement_direction: Direction
    frequency: str
    date_column: str
    value_column: str
    denominator_column: str | None
    multiplier: int
    start: pd.Timestamp
    change_date: pd.Timestamp
    change_description: str
    baseline_points: int
    seed: int
    columns: tuple[Column, ...]
    notable_points: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        """Return the entry for column ``name``; raise ``ValueError`` listing the columns if absent.

        >>> DICTIONARIES["violence"].column("incidents").unit
        'incidents'
        """
        for column in self.columns:
            if column.name == name:
                return column
        valid = ", ".join(c.name for c in self.columns)
        raise ValueError(f"The {self.name!r} data set has no column {name!r}; it has: {valid}.")

    @property
    def dtypes(self) -> dict[str, str]:
        """Column name → pandas dtype, in column order.

        >>> DICTIONARIES["falls"].dtypes["month"]
        'datetime64[ns]'
        """
        return {c.name: c.dtype for c in self.columns}

    def column_table(self) -> pd.DataFrame:
        """The columns as a table (column, description, unit, dtype), one row per column.

        >>> DICTIONARIES["restraint"].column_table()["column"].tolist()
        ['month', 'restraints', 'occupied_bed_days', 'rate_per_1000_obd']
        """
        rows = [(c.name, c.description, c.unit, c.dtype) for c in self.columns]
        return pd.DataFrame(rows, columns=["column", "description", "unit", "dtype"])

    def __str__(self) -> str:
        lines = [
            f"{self.title} ({self.name})",
            self.description,
            f"Measure type: {self.measure_type}. Suggested chart: {self.suggested_chart}. "
            f"Improvement is {self.improvement_direction}. Frequency: {self.frequency}.",
            f"Change from {self.change_date.date().isoformat()} "
            f"(after {self.baseline_points} baseline points): {self.change_description}",
            "Columns:",
        ]
        lines += [f"  {c.name} [{c.unit}]: {c.description}" for c in self.columns]
        if self.notable_points:
            lines.append("Notable points:")
            lines += [f"  {day}: {story}" for day, story in self.notable_points]
        lines.append(f"Synthetic data, generated with numpy.random.default_rng({self.seed}).")
        return "\n".join(lines)


def _month(name: str, what: str = "First day of the month the row covers") -> Column:
    return Column(name, what, "date (month start)", "datetime64[ns]")


_OBD = Column(
    "occupied_bed_days",
    "Occupied bed days in the month (beds occupied at midnight, summed over the days)",
    "occupied bed days",
    "int64",
)

_ACUTE_WARD = (
    "A 21-bed adult acute mental health inpatient ward, April 2022 to May 2025. "
    "Counts come from the incident reporting system; bed days from the patient administration "
    "system."
)
_SAFEWARDS = (
    "Safewards introduced on the ward: 'calm down methods', 'soft words' and 'mutual help "
    "meetings', after a team-wide training day in January 2024."
)
_AUG_2023 = (
    "One patient, very unwell on a long admission, was involved in many incidents while the ward "
    "ran below its usual occupancy; the team asked whether this month belongs in the baseline."
)
_OLDER_ADULT_WARD = "An 18-bed older-adult (functional and organic) inpatient ward"

DICTIONARIES: dict[str, DataDictionary] = {
    d.name: d
    for d in (
        DataDictionary(
            name="violence",
            title="Physical violence on an adult acute ward",
            description=_ACUTE_WARD + " Incidents of physical violence against staff or patients.",
            measure_type="outcome",
            suggested_chart="u chart (rate per 1,000 occupied bed days); run chart to start",
            improvement_direction="lower",
            frequency="monthly",
            date_column="month",
            value_column="incidents",
            denominator_column="occupied_bed_days",
            multiplier=1000,
            start=pd.Timestamp("2022-04-01"),
            change_date=pd.Timestamp("2024-02-01"),
            change_description=_SAFEWARDS,
            baseline_points=22,
            seed=20240201,
            columns=(
                _month("month"),
                Column(
                    "incidents",
                    "Incidents of physical violence reported in the month",
                    "incidents",
                    "int64",
                ),
                _OBD,
                Column(
                    "rate_per_1000_obd",
                    "incidents / occupied_bed_days × 1,000",
                    "incidents per 1,000 occupied bed days",
                    "float64",
                ),
            ),
            notable_points=(("2023-08-01", _AUG_2023),),
        ),
        DataDictionary(
            name="restraint",
            title="Restraint on an adult acute ward (balancing measure for the violence work)",
            description=_ACUTE_WARD
            + " Episodes of physical restraint. Same ward and months as 'violence'; watched "
            "to check that less violence is not bought with more restraint.",
            measure_type="balancing",
            suggested_chart="u chart (rate per 1,000 occupied bed days)",
            improvement_direction="lower",
            frequency="monthly",
            date_column="month",
            value_column="restraints",
            denominator_column="occupied_bed_days",
            multiplier=1000,
            start=pd.Timestamp("2022-04-01"),
            change_date=pd.Timestamp("2024-02-01"),
            change_description=_SAFEWARDS,
            baseline_points=22,
            seed=20240201,
            columns=(
                _month("month"),
                Column(
                    "restraints",
                    "Episodes of physical restraint in the month",
                    "restraints",
                    "int64",
                ),
                _OBD,
                Column(
                    "rate_per_1000_obd",
                    "restraints / occupied_bed_days × 1,000",
                    "restraints per 1,000 occupied bed days",
                    "float64",
                ),
            ),
            notable_points=(("2023-08-01", _AUG_2023),),
        ),
        DataDictionary(
            name="days_between_incidents",
            title="Days between incidents of aggression on an older-adult ward",
            description=_OLDER_ADULT_WARD
            + ", May 2022 to March 2023. One row per incident of physical aggression towards "
            "staff, with the days since the previous one (rare events: a longer gap is better).",
            measure_type="outcome",
            suggested_chart="t chart (time between events); g chart if counted in days",
            improvement_direction="higher",
            frequency="per incident",
            date_column="incident_date",
            value_column="days_since_previous",
            denominator_column=None,
            multiplier=1,
            start=pd.Timestamp("2022-05-16"),
            change_date=pd.Timestamp("2022-10-03"),
            change_description=(
                "Life-story work ('This is me' profiles) for every patient and a daily programme "
                "of meaningful activity, started on Monday 3 October 2022."
            ),
            baseline_points=25,
            seed=20221003,
            columns=(
                Column(
                    "incident_number",
                    "Incidents numbered in date order",
                    "count",
                    "int64",
                ),
                Column(
                    "incident_date",
                    "Date of the incident",
                    "date",
                    "datetime64[ns]",
                ),
                Column(
                    "days_since_previous",
                    "Whole days since the previous incident (the first row counts from an "
                    "incident before the data start)",
                    "days",
                    "int64",
                ),
            ),
        ),
        DataDictionary(
            name="referral_to_assessment",
            title="Waits from referral to first assessment, one row per patient",
            description=(
                "A community mental health team for adults of working age, referrals from April "
                "2022 to March 2025. One row per referral that reached a first assessment; "
                "patient identifiers are made up."
            ),
            measure_type="outcome",
            suggested_chart=(
                "run chart of the monthly median wait, or xbar and s charts with referral "
                "months as subgroups"
            ),
            improvement_direction="lower",
            frequency="per patient (referral dates)",
            date_column="referral_date",
            value_column="wait_days",
            denominator_column=None,
            multiplier=1,
            start=pd.Timestamp("2022-04-01"),
            change_date=pd.Timestamp("2024-01-01"),
            change_description=(
                "A daily triage huddle and protected assessment slots booked at the point of "
                "referral, from January 2024."
            ),
            baseline_points=21,
            seed=20240101,
            columns=(
                Column("patient_id", "Made-up patient identifier", "text", "str"),
                Column("referral_date", "Date the referral was received", "date", "datetime64[ns]"),
                Column(
                    "assessment_date",
                    "Date of the first assessment",
                    "date",
                    "datetime64[ns]",
                ),
                Column(
                    "wait_days",
                    "assessment_date − referral_date",
                    "days",
                    "int64",
                ),
            ),
            notable_points=(
                (
                    "2023-03-01",
                    "Two of the team's assessors were on long-term sick leave; waits for "
                    "referrals made this month were unusually long.",
                ),
            ),
        ),
        DataDictionary(
            name="referral_to_assessment_monthly",
            title="Referral to assessment, monthly summary",
            description=(
                "The 'referral_to_assessment' data summarised by the month of referral: how many "
                "referrals, the median wait, and how many were seen within 28 days."
            ),
            measure_type="outcome",
            suggested_chart="p chart of the share seen within 28 days; run chart of the median",
            improvement_direction="higher",
            frequency="monthly",
            date_column="month",
            value_column="seen_within_28_days",
            denominator_column="referrals",
            multiplier=100,
            start=pd.Timestamp("2022-04-01"),
            change_date=pd.Timestamp("2024-01-01"),
            change_description=(
                "A daily triage huddle and protected assessment slots booked at the point of "
                "referral, from January 2024."
            ),
            baseline_points=21,
            seed=20240101,
            columns=(
                _month("month", "First day of the month the referrals were received"),
                Column("referrals", "Referrals received in the month", "referrals", "int64"),
                Column(
                    "median_wait_days",
                    "Median wait from referral to first assessment",
                    "days",
                    "float64",
                ),
                Column(
                    "seen_within_28_days",
                    "Referrals assessed within 28 days",
                    "referrals",
                    "int64",
                ),
                Column(
                    "pct_seen_within_28_days",
                    "seen_within_28_days / referrals × 100",
                    "% of referrals",
                    "float64",
                ),
            ),
            notable_points=(
                (
                    "2023-03-01",
                    "Two of the team's assessors were on long-term sick leave.",
                ),
            ),
        ),
        DataDictionary(
            name="did_not_attend",
            title="Did-not-attend rate in a community mental health outpatient clinic",
            description=(
                "Outpatient appointments and did-not-attends (DNAs) for a community mental "
                "health team, April 2022 to March 2025. Fewer appointments are booked in August "
                "and December."
            ),
            measure_type="process",
            suggested_chart="p chart (% of appointments)",
            improvement_direction="lower",
            frequency="monthly",
            date_column="month",
            value_column="dnas",
            denominator_column="appointments",
            multiplier=100,
            start=pd.Timestamp("2022-04-01"),
            change_date=pd.Timestamp("2024-04-01"),
            change_description=(
                "Text message reminders three days and one day before each appointment, with a "
                "reply option to cancel or rebook, from April 2024."
            ),
            baseline_points=24,
            seed=20240401,
            columns=(
                _month("month"),
                Column(
                    "appointments",
                    "Appointments booked to take place in the month",
                    "appointments",
                    "int64",
                ),
                Column(
                    "dnas",
                    "Appointments the patient did not attend without notice",
                    "appointments",
                    "int64",
                ),
                Column("dna_pct", "dnas / appointments × 100", "% of appointments", "float64"),
            ),
            notable_points=(
                (
                    "2022-12-01",
                    "Snow and ice for much of the middle of the month; many patients could not "
                    "travel.",
                ),
            ),
        ),
        DataDictionary(
            name="falls",
            title="Falls on an older-adult ward",
            description=_OLDER_ADULT_WARD
            + ", April 2022 to August 2025. Falls of inpatients, from the incident reporting "
            "system; bed days from the patient administration system.",
            measure_type="outcome",
            suggested_chart="u chart",
            improvement_direction="lower",
            frequency="monthly",
            date_column="month",
            value_column="falls",
            denominator_column="occupied_bed_days",
            multiplier=1000,
            start=pd.Timestamp("2022-04-01"),
            change_date=pd.Timestamp("2024-06-01"),
            change_description=(
                "A falls-prevention bundle from June 2024: lying and standing blood pressure on "
                "admission, a medication review for falls risk, call bells within reach, and a "
                "post-fall huddle after every fall."
            ),
            baseline_points=26,
            seed=20240603,
            columns=(
                _month("month"),
                Column("falls", "Inpatient falls in the month", "falls", "int64"),
                _OBD,
                Column(
                    "rate_per_1000_obd",
                    "falls / occupied_bed_days × 1,000",
                    "falls per 1,000 occupied bed days",
                    "float64",
                ),
            ),
            notable_points=(
                (
                    "2023-01-01",
                    "A norovirus outbreak closed the ward to admissions; several dehydrated, "
                    "delirious patients fell more than once.",
                ),
            ),
        ),
        DataDictionary(
            name="physical_health_checks",
            title="Physical health checks for people with serious mental illness",
            description=(
                "People on a locality's serious mental illness (SMI) register who had a "
                "comprehensive physical health check in the 12 months to the end of the quarter, "
                "reported quarterly from April 2017 to September 2024."
            ),
            measure_type="process",
            suggested_chart="p chart; Laney p′ chart as the register runs into thousands",
            improvement_direction="higher",
            frequency="quarterly",
            date_column="quarter",
            value_column="checks_done",
            denominator_column="register_size",
            multiplier=100,
            start=pd.Timestamp("2017-04-01"),
            change_date=pd.Timestamp("2022-04-01"),
            change_description=(
                "Health-check clinics run by a dedicated physical health nurse in the "
                "community mental health teams, sharing one template with GP practices, from "
                "April 2022."
            ),
            baseline_points=20,
            seed=20220401,
            columns=(
                Column(
                    "quarter",
                    "First day of the quarter (April, July, October, January)",
                    "date (quarter start)",
                    "datetime64[ns]",
                ),
                Column(
                    "register_size",
                    "People on the SMI register at the end of the quarter",
                    "people",
                    "int64",
                ),
                Column(
                    "checks_done",
                    "People on the register with a full check in the last 12 months",
                    "people",
                    "int64",
                ),
                Column(
                    "pct_checked",
                    "checks_done / register_size × 100",
                    "% of register",
                    "float64",
                ),
            ),
            notable_points=(
                (
                    "2019-10-01",
                    "A move to a new electronic patient record: checks recorded in the old system "
                    "were missing from this quarter's extract (a data problem, not a real fall).",
                ),
                (
                    "2020-04-01",
                    "COVID-19: face-to-face clinics stopped in the first lockdown and the share "
                    "checked fell for a year.",
                ),
            ),
        ),
    )
}
