"""What changed between two runs or two cases: the inputs (case, scenario, changes, models) and
every forecast, in each issue's own units.

>>> from parley.diff import diff_results
>>> d = diff_results({"models": {"m": {"forecast": {"x": 1.0}}}},
...                  {"models": {"m": {"forecast": {"x": 3.5}}}})
>>> [(f.model, f.issue, f.shift) for f in d]
[('m', 'x', 2.5)]
"""

from parley.diff.forecasts import ForecastChange, diff_results, forecasts_in
from parley.diff.inputs import InputChange, diff_cases, diff_settings
from parley.diff.rundiff import RunDiff, diff_case_forecasts, diff_runs

__all__ = [
    "ForecastChange",
    "InputChange",
    "RunDiff",
    "diff_case_forecasts",
    "diff_cases",
    "diff_results",
    "diff_runs",
    "diff_settings",
    "forecasts_in",
]
