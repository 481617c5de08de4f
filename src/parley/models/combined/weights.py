"""The stored fit of the `combined` stack: the weights shipped with parley, or a file written by
`parley backtest fit-combined`, with the record of the data they were fitted on.

>>> stack, record = load_weights()
>>> stack.models[0], record["fitted_on"]["file"]
('compromise', 'deu3_dev.tsv')
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from parley.errors import CaseError, ModelError
from parley.io.safe_read import read_text
from parley.models.combined.stack import Stack

WEIGHTS_FILE = "combined_weights.json"
_LABEL = "combined.weights"  # the parameter that names the file, as errors name it


def load_weights(path: str | Path | None = None) -> tuple[Stack, dict]:
    """The stored stack and its record: `path`, or the weights shipped in the package."""
    try:
        if path is None:
            text = (
                resources.files("parley.models.combined").joinpath(WEIGHTS_FILE).read_text("utf-8")
            )
        else:
            text = read_text(Path(path))
    except (OSError, CaseError) as exc:
        where = path or f"the package (parley/models/combined/{WEIGHTS_FILE})"
        why = f" ({exc.problems[0].message})" if isinstance(exc, CaseError) else ""
        raise ModelError(
            f"{_LABEL}: no fitted weights in {where}{why}; "
            "fit them with `parley backtest fit-combined`"
        ) from None
    try:
        record = json.loads(text)
        return Stack.from_json(record), record
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"{_LABEL}: {path or WEIGHTS_FILE} is not a weights file ({exc})"
        ) from None
