"""Grouped K-fold splits: every issue of a proposal falls in the same fold.

Issues of one proposal share actors, saliences and the final package deal, so a forecaster tested
on an issue whose sibling issues it was trained on would be scored too kindly. The split is the
same idea as scikit-learn's GroupKFold, with the groups shuffled by a seeded generator.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from parley.errors import ParleyError


def group_kfold(
    groups: Sequence[str], folds: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index arrays for `folds` folds of whole groups (fewer if there are fewer groups).

    The shuffled groups are dealt into folds in turn, so fold sizes in groups differ by at most one.
    """
    labels, index = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
    if labels.size < 2:
        raise ParleyError(
            f"grouped cross-validation needs at least 2 proposals (cases), got {labels.size}"
        )
    k = min(folds, labels.size)
    order = np.random.default_rng(seed).permutation(labels.size)
    fold_of_group = np.empty(labels.size, dtype=int)
    fold_of_group[order] = np.arange(labels.size) % k
    fold = fold_of_group[index]
    return [(np.flatnonzero(fold != f), np.flatnonzero(fold == f)) for f in range(k)]
