"""PDSA records: cycles, ramps of linked cycles, safe files, run-chart marks and a notebook form.

Everything a notebook needs is importable from here:

>>> from icp_helpers.pdsa import PdsaCycle, score_pdsa
>>> cycle = PdsaCycle(change_idea="Peer support worker at ward round", prediction="Patients "
...                   "will speak more in the ward round", act="adopt", start="2024-09-02")
>>> score_pdsa(cycle).points
3
"""

from icp_helpers.fields import FieldError
from icp_helpers.files import DataFileError
from icp_helpers.pdsa.chart_marks import draw_pdsa_cycles, notes_for_periods, pdsa_notes
from icp_helpers.pdsa.cycle import (
    ACT_DECISIONS,
    CYCLE_FIELDS,
    PdsaCycle,
    PdsaScore,
    score_pdsa,
    study_refers_to_prediction,
)
from icp_helpers.pdsa.form import PdsaForm, pdsa_form
from icp_helpers.pdsa.ramp import PdsaRamp, ramps_from_cycles
from icp_helpers.pdsa.scale_of_test import TEST_SCALES, choose_test_scale
from icp_helpers.pdsa.storage import (
    load_cycles,
    load_cycles_csv,
    load_cycles_yaml,
    save_cycles,
    save_cycles_csv,
    save_cycles_yaml,
)

__all__ = [
    "ACT_DECISIONS",
    "CYCLE_FIELDS",
    "DataFileError",
    "FieldError",
    "PdsaCycle",
    "PdsaForm",
    "PdsaRamp",
    "PdsaScore",
    "TEST_SCALES",
    "choose_test_scale",
    "draw_pdsa_cycles",
    "load_cycles",
    "load_cycles_csv",
    "load_cycles_yaml",
    "notes_for_periods",
    "pdsa_form",
    "pdsa_notes",
    "ramps_from_cycles",
    "save_cycles",
    "save_cycles_csv",
    "save_cycles_yaml",
    "score_pdsa",
    "study_refers_to_prediction",
]
