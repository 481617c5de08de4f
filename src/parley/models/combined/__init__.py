"""`combined`: the learned stack of the other models' forecasts, with everything it needs.

`model` (the registered model), `stack` (the formula and its least-squares fit), `crossval` and
`folds` (grouped cross-validation), `rules` (procedure and voting-rule features) and `weights`
(the stored fit). Nothing here imports the backtest: the backtest sits above and calls in.
"""

from parley.models.combined.model import Combined

__all__ = ["Combined"]
