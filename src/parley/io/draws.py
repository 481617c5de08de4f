"""The draws file of an ensemble: one row per member with its scenario, inputs and forecasts.

Columns: `member`, `scenario`, one per uncertain input (its key, e.g. `iai.withdrawal.position`,
in the case file's units; empty where the member's scenario leaves the value fixed), then per model
`forecast.MODEL.ISSUE` (issue units) and `status.MODEL`. Parquet (`.parquet`, needs pyarrow: the
`parquet` extra) or CSV (`.csv`); rows are written chunk by chunk as the members finish, so a
million members never sit in memory as a table, into a temporary file that replaces the target
only when the run succeeds.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from parley.errors import OutputError

FORMATS = {".parquet": "parquet", ".csv": "csv"}


def draws_format(path: Path) -> str:
    """'parquet' or 'csv' from the file's extension; OutputError for any other."""
    kind = FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        raise OutputError(f"{path}: the draws file must end in .parquet or .csv")
    if kind == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise OutputError(
                f"{path}: Parquet needs pyarrow (pip install 'parley[parquet]'); or write .csv"
            ) from None
    return kind


class DrawsWriter:
    """Writes member rows to `path` (a temporary file: see `parley.io.safe_write.atomic_write`)."""

    def __init__(
        self,
        path: Path,
        kind: str,
        inputs: Sequence[str],
        models: Sequence[str],
        issues: Sequence[str],
    ) -> None:
        self.path, self.kind = Path(path), kind
        self.inputs, self.models, self.issues = list(inputs), list(models), list(issues)
        forecasts = [f"forecast.{m}.{i}" for m in self.models for i in self.issues]
        self.columns = ["member", "scenario", *self.inputs, *forecasts]
        self.columns += [f"status.{m}" for m in self.models]
        self._writer: Any = None
        self._file: Any = None

    def write(
        self,
        members: np.ndarray,
        scenarios: Sequence[str],
        inputs: np.ndarray,
        forecasts: dict[str, np.ndarray],
        status: dict[str, Sequence[str]],
    ) -> None:
        """One block of rows: member ids (n,), scenario names (n,), input values (n, K), per model
        forecasts (n, I) and statuses (n,)."""
        columns: list[Any] = [np.asarray(members, dtype=np.int64), list(scenarios)]
        columns += [inputs[:, k] for k in range(inputs.shape[1])]
        for m in self.models:
            columns += [forecasts[m][:, k] for k in range(len(self.issues))]
        columns += [list(status[m]) for m in self.models]
        if self.kind == "parquet":
            self._write_parquet(columns)
        else:
            self._write_csv(columns)

    def _write_parquet(self, columns: list[Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(dict(zip(self.columns, columns, strict=True)))
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, table.schema)
        self._writer.write_table(table)

    def _write_csv(self, columns: list[Any]) -> None:
        if self._file is None:
            self._file = self.path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._file)
            self._writer.writerow(self.columns)
        cells = [
            [("" if np.isnan(v) else repr(float(v))) for v in c]
            if isinstance(c, np.ndarray) and c.dtype.kind == "f"
            else [str(v) for v in c]
            for c in columns
        ]
        self._writer.writerows(zip(*cells, strict=True))

    def close(self) -> None:
        if self.kind == "parquet" and self._writer is not None:
            self._writer.close()
        if self._file is not None:
            self._file.close()
        if self._writer is None and self._file is None:
            raise OutputError(f"{self.path}: no members were written")
