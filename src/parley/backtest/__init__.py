"""Backtesting: how accurate each model is on negotiations whose outcomes are recorded.

`read_deu3` and `read_case_dir` give a `Dataset`; `run_backtest` scores every model on it; the
`combined` forecaster (`parley.models.combined`) is fitted here (`combined_fit`). Kept free of
imports at package level so that `parley.models` can import the parts it needs without a cycle.
"""
