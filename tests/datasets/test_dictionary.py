"""The data dictionaries file is checked on reading: a bad entry names its field and the fix."""

import copy
import dataclasses

import pytest

from icp_helpers.datasets.dictionary import DICTIONARIES, DataDictionary, parse_entry
from icp_helpers.datasets.generators import generate


def falls_fields() -> dict:
    entry = DICTIONARIES["falls"]
    fields = {f.name: getattr(entry, f.name) for f in dataclasses.fields(DataDictionary)}
    fields.pop("name")
    fields["columns"] = [dataclasses.asdict(column) for column in entry.columns]
    fields["notable_points"] = [{"date": d, "story": s} for d, s in entry.notable_points]
    return copy.deepcopy(fields)


def test_an_entry_round_trips_through_its_fields():
    assert parse_entry("falls", falls_fields()) == DICTIONARIES["falls"]


@pytest.mark.parametrize(
    ("field", "value", "complaint"),
    [
        ("measure_type", "balance", r"falls.measure_type is 'balance'; use one of"),
        ("improvement_direction", "down", r"use one of \('lower', 'higher'\)"),
        ("title", "  ", "falls.title must be non-empty text"),
        ("value_column", "fall", r"falls.value_column 'fall' is not one of its columns"),
    ],
)
def test_bad_fields_are_named(field, value, complaint):
    fields = falls_fields()
    fields[field] = value
    with pytest.raises(ValueError, match=complaint):
        parse_entry("falls", fields)


def test_missing_fields_and_bad_columns_are_named():
    fields = falls_fields()
    del fields["seed"], fields["columns"]
    with pytest.raises(ValueError, match=r"lacks the field\(s\) \['columns', 'seed'\]"):
        parse_entry("falls", fields)
    fields = falls_fields()
    fields["columns"][1]["dtype"] = "integer"
    with pytest.raises(ValueError, match="falls.falls has dtype 'integer'"):
        parse_entry("falls", fields)
    del fields["columns"][1]["unit"]
    with pytest.raises(ValueError, match="needs name, description, unit and dtype"):
        parse_entry("falls", fields)


def test_a_change_date_that_does_not_start_a_period_is_refused(monkeypatch):
    moved = dataclasses.replace(DICTIONARIES["falls"], baseline_points=25)
    monkeypatch.setitem(DICTIONARIES, "falls", moved)
    with pytest.raises(ValueError, match="must be the start of period 26"):
        generate("falls")
