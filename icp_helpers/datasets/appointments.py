"""One row per appointment at the North CMHT: the ``did_not_attend`` counts, broken down.

Synthetic, for stratification and equity work: each month's appointments and did-not-attends
are exactly those of the monthly ``did_not_attend`` data set, and every appointment is given a
made-up weekday, age band, sex and ethnic group (no real people). Which appointments were missed
is drawn with weights: younger adults, men, Mondays and Fridays miss more often, and the text
reminders that began in April 2024 did little for people aged 65 and over, whose share missed
stays about where it was while every other age band's falls. Ethnic groups share one underlying
rate, so any difference between them on a chart is chance; the smaller groups show how few
people a stratum can hold.

>>> from icp_helpers.datasets.generators import generate
>>> rows = generate("dna_appointments")
>>> monthly = generate("did_not_attend")
>>> len(rows), int(rows["dna"].sum())
(18621, 3066)
>>> int(monthly["appointments"].sum()), int(monthly["dnas"].sum())
(18621, 3066)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from icp_helpers.datasets.dictionary import DataDictionary

#: Share of appointments in each group, and the relative odds of a missed appointment.
AGE_BANDS = {"18-24": 0.14, "25-34": 0.24, "35-49": 0.30, "50-64": 0.24, "65 and over": 0.08}
AGE_WEIGHT = {"18-24": 1.6, "25-34": 1.3, "35-49": 1.0, "50-64": 0.8, "65 and over": 0.7}
SEXES = {"Female": 0.55, "Male": 0.44, "Not known": 0.01}
SEX_WEIGHT = {"Female": 1.0, "Male": 1.15, "Not known": 1.0}
ETHNIC_GROUPS = {
    "White": 0.72,
    "Asian or Asian British": 0.10,
    "Black or Black British": 0.07,
    "Mixed": 0.04,
    "Other ethnic group": 0.02,
    "Not stated": 0.05,
}
WEEKDAY_WEIGHT = {0: 1.25, 1: 1.0, 2: 1.0, 3: 1.0, 4: 1.15}
#: After the reminders began, people aged 65 and over gained little from them.
OLDER_AFTER_CHANGE = 1.3


def _draw(rng: np.random.Generator, shares: dict[str, float], size: int) -> np.ndarray:
    return rng.choice(list(shares), size=size, p=list(shares.values()))


def dna_appointments(monthly: pd.DataFrame, spec: DataDictionary) -> pd.DataFrame:
    """Appointments, one row each, matching ``monthly`` (the ``did_not_attend`` data set)."""
    rng = np.random.default_rng(spec.seed)
    frames = []
    for month, booked, missed in monthly[["month", "appointments", "dnas"]].itertuples(index=False):
        weekdays = pd.bdate_range(month, month + pd.offsets.MonthEnd(0))
        dates = weekdays[rng.integers(0, len(weekdays), size=booked)]
        if month == spec.start:  # the first clinic of the data opens the extract
            dates = dates.insert(0, pd.Timestamp(month))[:booked]
        age = _draw(rng, AGE_BANDS, booked)
        sex = _draw(rng, SEXES, booked)
        weight = (
            pd.Series(age).map(AGE_WEIGHT).to_numpy()
            * pd.Series(sex).map(SEX_WEIGHT).to_numpy()
            * pd.Series(dates.day_of_week).map(WEEKDAY_WEIGHT).to_numpy()
        )
        if month >= spec.change_date:
            weight = np.where(age == "65 and over", weight * OLDER_AFTER_CHANGE, weight)
        dna = np.zeros(booked, dtype="int64")
        dna[rng.choice(booked, size=missed, replace=False, p=weight / weight.sum())] = 1
        frames.append(
            pd.DataFrame(
                {
                    "appointment_date": dates,
                    "age_band": age,
                    "sex": sex,
                    "ethnic_group": _draw(rng, ETHNIC_GROUPS, booked),
                    "dna": dna,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    order = np.argsort(frame["appointment_date"].to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True)
