"""Run charts, Shewhart control charts and Making Data Count charts for QI coaches.

``qic`` computes run and control charts as the reference package qicharts2 does, ``mdc`` the
NHS England Making Data Count XmR chart as NHS England's spreadsheet and NHSRplotthedots do
(``mdc``'s docstring says where those two differ); every result carries its
numbers as DataFrames and draws itself with ``.plot()``; ``chart_description(ax)`` is the
drawn chart's alt text, which ``save_figure`` stores in the file. The measurement tools
``stratify``, ``small_multiples``, ``histogram``, ``scatter`` and ``seasonality`` work the same
way: numbers first, ``.plot()`` for the picture, a description for screen readers.

>>> from icp_helpers.charts import qic
>>> qic([3, 5, 4, 6, 5], chart="i").summary.loc[0, "cl"]
np.float64(4.6)
"""

from icp_helpers.charts.description import chart_description
from icp_helpers.charts.drawing import save_figure
from icp_helpers.charts.histogram import HistogramResult, histogram
from icp_helpers.charts.mdc import mdc
from icp_helpers.charts.pareto import ParetoResult, pareto
from icp_helpers.charts.qic import qic
from icp_helpers.charts.result import MdcResult, QicResult
from icp_helpers.charts.scatter import ScatterResult, scatter
from icp_helpers.charts.seasonality import SeasonalityResult, seasonality
from icp_helpers.charts.small_multiples import SmallMultiplesResult, small_multiples
from icp_helpers.charts.stratify import StratifiedResult, stratify
from icp_helpers.charts.wrappers import control_chart, run_chart

__all__ = [
    "HistogramResult",
    "MdcResult",
    "ParetoResult",
    "QicResult",
    "ScatterResult",
    "SeasonalityResult",
    "SmallMultiplesResult",
    "StratifiedResult",
    "chart_description",
    "control_chart",
    "histogram",
    "mdc",
    "pareto",
    "qic",
    "run_chart",
    "save_figure",
    "scatter",
    "seasonality",
    "small_multiples",
    "stratify",
]
