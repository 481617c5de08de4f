"""Reader for the DEU III layout (Arregui & Perarnaud, doi:10.34810/data53): one case per proposal.

The layout: one row per issue with proposal and issue ids (`prnr`, `isnr`), `proc` (COD/CNS),
`counvte` (QMV/Unan), `p<actor>` positions and `s<actor>` saliences on 0-100, `rp` the reference
point and `out` the outcome. The redistributed file is tab-separated with a GDP row (second line,
blank ids) under the position columns; the original release is semicolon-separated (decimal commas
are accepted there). Conventions, as in the dataset's documentation and the DEU literature:

- blank = no position; a value outside 0-100 (e.g. 999) is a missing-data sentinel;
- a missing (blank or sentinel) salience of an actor that holds a position counts as 50;
- an issue is scored when its outcome lies in 0-100 and at least 3 actors hold a position.

Every cell that is neither blank nor a number is an error naming file, line and column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from parley.backtest.dataset import PROCEDURES, VOTING_RULES, BacktestCase, Dataset
from parley.case import Locations, build_case
from parley.case.numbers import parse_number
from parley.errors import CaseError, Problem, setting
from parley.io.safe_read import csv_rows, read_text
from parley.suggest import did_you_mean

MISSING_SALIENCE = 50.0
MIN_POSITIONS = 3

ACTOR_NAMES = {
    "com": "European Commission", "ep": "European Parliament", "at": "Austria", "be": "Belgium",
    "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus", "cz": "Czech Republic", "dk": "Denmark",
    "ee": "Estonia", "fi": "Finland", "fr": "France", "de": "Germany", "el": "Greece",
    "hu": "Hungary", "ie": "Ireland", "it": "Italy", "lv": "Latvia", "lt": "Lithuania",
    "lu": "Luxembourg", "mt": "Malta", "nl": "Netherlands", "pl": "Poland", "pt": "Portugal",
    "ro": "Romania", "si": "Slovenia", "sk": "Slovakia", "es": "Spain", "se": "Sweden",
    "uk": "United Kingdom",
}  # fmt: skip


class _Table:
    """The parsed file: header, rows with their line numbers, and located cell errors."""

    def __init__(self, path: Path) -> None:
        self.source = str(path)
        text = read_text(path)
        first = text.split("\n")[0]
        self.delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
        rows = csv_rows(text, self.source, self.delimiter)
        self.header = [h.strip().lower() for h in rows[0][1]]
        self.col = {h: k for k, h in enumerate(self.header)}
        self.rows = [(line, row) for line, row in rows[1:] if any(c.strip() for c in row)]
        self.problems: list[Problem] = [
            Problem(
                self.source,
                f"line {line}",
                f"{len(row)} of {len(self.header)} columns: the row is cut short (the file "
                "truncated mid-row?); its missing cells would read as blanks and be scored",
            )
            for line, row in self.rows
            if len(row) < len(self.header)
        ]

    def error(self, line: int, column: str, message: str) -> None:
        number = self.col.get(column, -1) + 1
        self.problems.append(
            Problem(self.source, f"line {line}", f"column {column} ({number}): {message}")
        )

    def cell(self, row: list[str], column: str) -> str:
        k = self.col.get(column)
        return row[k].strip() if k is not None and k < len(row) else ""

    def number(self, line: int, row: list[str], column: str) -> float | None:
        """The cell as a float; None when blank; NaN (and an error) when not a number."""
        text = self.cell(row, column)
        if not text:
            return None
        if self.delimiter != "," and "," in text and "." not in text:
            text = text.replace(",", ".")  # decimal comma of the semicolon release
        try:
            value = _plain(text)
        except ValueError:
            self.error(line, column, f"expected a number or a blank, got {text!r}")
            return math.nan
        if not math.isfinite(value):
            self.error(line, column, f"expected a finite number, got {text!r}")
            return math.nan
        return value


def _plain(text: str) -> float:
    """A cell's number by the plain-number rule (`5_0` is not 50); ValueError otherwise."""
    value = parse_number(text)
    if value is None:
        raise ValueError(text)
    return value


def _in_scale(value: float | None) -> float | None:
    """The value when it lies on the 0-100 scale; None for blanks and sentinels such as 999."""
    if value is None or math.isnan(value) or not 0 <= value <= 100:
        return None
    return value


def read_deu3(path: str | Path, capability: str | Path = "gdp") -> Dataset:
    """The proposals of a DEU III file as backtest cases.

    `capability`: 'equal' (1 for every actor), 'gdp' (the GDP row on the file's second line) or the
    path of a CSV file of `actor,capability` rows. Issues on which no actor holds a position are
    left out of the case (a note says so); issues are scored by the conventions above.
    """
    table = _Table(Path(path))
    _require(table, ("prnr", "isnr", "out"))
    actors = [h[1:] for h in table.header if h.startswith("p") and "s" + h[1:] in table.col]
    if not actors:
        raise CaseError(
            "no actor columns found (expected p<actor> and s<actor> column pairs)", table.source
        )
    rows = table.rows
    gdp_row = None
    if rows and not table.cell(rows[0][1], "prnr") and not table.cell(rows[0][1], "isnr"):
        gdp_row, rows = rows[0], rows[1:]
    caps = _capabilities(table, actors, gdp_row, capability)
    by_proposal: dict[str, list[tuple[int, list[str]]]] = {}
    for line, row in rows:
        prnr = table.cell(row, "prnr")
        if not prnr:
            table.error(line, "prnr", "empty proposal id")
            continue
        if not table.cell(row, "isnr"):
            table.error(line, "isnr", "empty issue id")
            continue
        by_proposal.setdefault(prnr, []).append((line, row))
    notes: list[str] = []
    cases = [
        _proposal(table, prnr, items, actors, caps, notes) for prnr, items in by_proposal.items()
    ]
    if table.problems:
        raise CaseError(table.problems)
    kept = [c for c in cases if c is not None]
    if not kept:
        raise CaseError("no issue on which any actor holds a position", table.source)
    return Dataset(table.source, kept, notes)


def _require(table: _Table, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.col]
    if missing:
        raise CaseError(
            f"line 1: missing column(s) {', '.join(missing)} (is this a DEU III file? "
            f"read with delimiter {table.delimiter!r})",
            table.source,
        )


def _capabilities(
    table: _Table, actors: list[str], gdp_row, capability: str | Path
) -> dict[str, float]:
    if str(capability) == "equal":
        return dict.fromkeys(actors, 1.0)
    if str(capability) == "gdp":
        if gdp_row is None:
            raise CaseError(
                "line 2: no GDP row (a row with blank prnr and isnr right after the header); "
                f"use {setting('capability', 'equal')} or a CSV of capabilities",
                table.source,
            ).suggesting("capability", "equal")
        line, row = gdp_row
        caps = {}
        for actor in actors:
            value = table.number(line, row, "p" + actor)
            if value is None or not value > 0:
                shown = "a blank" if value is None else f"{value:g}"
                table.error(line, "p" + actor, f"GDP capability must be a number > 0, got {shown}")
            caps[actor] = value if value is not None else math.nan
        if table.problems:
            raise CaseError(table.problems)
        return caps
    return read_capability_csv(Path(capability), actors)


def read_capability_csv(path: Path, actors: list[str]) -> dict[str, float]:
    """Capabilities from `actor,capability` rows (a header row is optional); every actor needs one."""
    text = read_text(path)
    problems: list[Problem] = []
    caps: dict[str, float] = {}
    source = str(path)
    for line, row in csv_rows(text, source):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            problems.append(
                Problem(
                    source, f"line {line}", f"expected 2 columns actor,capability, got {len(row)}"
                )
            )
            continue
        actor, raw = row[0].strip().lower(), row[1].strip()
        try:
            value = _plain(raw)
        except ValueError:
            if line == 1:
                continue  # a header row
            problems.append(
                Problem(source, f"line {line}", f"column 2: expected a number, got {raw!r}")
            )
            continue
        if actor not in actors:
            problems.append(
                Problem(
                    source,
                    f"line {line}",
                    f"column 1: unknown actor {actor!r}"
                    + (did_you_mean(actor, actors) or f" (the data has: {', '.join(actors)})"),
                )
            )
        elif actor in caps:
            problems.append(Problem(source, f"line {line}", f"column 1: duplicate actor {actor!r}"))
        elif not (math.isfinite(value) and value > 0):
            problems.append(
                Problem(source, f"line {line}", f"column 2: capability must be > 0, got {raw}")
            )
        else:
            caps[actor] = value
    missing = [a for a in actors if a not in caps]
    if missing and not problems:
        problems.append(Problem(source, "", f"no capability for actor(s) {', '.join(missing)}"))
    if problems:
        raise CaseError(problems)
    return caps


def _proposal(
    table: _Table,
    prnr: str,
    items: list[tuple[int, list[str]]],
    actors: list[str],
    caps: Mapping[str, float],
    notes: list[str],
) -> BacktestCase | None:
    issues: list[dict[str, Any]] = []
    stances: dict[str, dict[str, Any]] = {}
    scored: list[str] = []
    procedure, voting = {}, {}
    where = Locations()
    for line, row in items:
        isnr = table.cell(row, "isnr")
        held = {}
        for actor in actors:
            position = _in_scale(table.number(line, row, "p" + actor))
            salience = table.number(line, row, "s" + actor)
            if position is None:
                continue
            salience = _in_scale(salience)
            held[actor] = {
                "position": position,
                "salience": MISSING_SALIENCE if salience is None else salience,
            }
        outcome = _in_scale(table.number(line, row, "out"))
        rp = _in_scale(table.number(line, row, "rp"))
        if not held:
            notes.append(f"{prnr} issue {isnr} (line {line}): no actor holds a position; left out")
            continue
        if any(i["id"] == isnr for i in issues):
            table.error(line, "isnr", f"duplicate issue id {isnr!r} in proposal {prnr!r}")
            continue
        where.add(("issues", len(issues)), f"line {line}", "isnr")
        issues.append(
            {
                "id": isnr,
                "name": isnr,
                "lower": 0,
                "upper": 100,
                "status_quo": rp,
                "outcome": outcome,
            }
        )
        for actor, stance in held.items():
            stances.setdefault(actor, {})[isnr] = stance
        if outcome is not None and len(held) >= MIN_POSITIONS:
            scored.append(isnr)
        proc, vote = table.cell(row, "proc"), table.cell(row, "counvte")
        if proc in PROCEDURES:
            procedure[isnr] = proc
        if vote in VOTING_RULES:
            voting[isnr] = vote
    if not issues:
        return None
    first = items[0][1]
    title = " ".join(p for p in (prnr, table.cell(first, "prname")) if p)
    involved = [a for a in actors if a in stances]
    # the schema's checks, each problem located by its issue's line; the relations are not
    # checked: a proposal is scored as the data set records it (an actor's saliences may all be 0)
    case = build_case(
        {
            "title": title,
            "description": "DEU III proposal " + prnr,
            "sources": [f"{Path(table.source).name} (DEU III, doi:10.34810/data53, CC BY 4.0)"],
            "salience_scale": 100,
            "actors": [
                {"id": a, "name": ACTOR_NAMES.get(a, a), "capability": caps[a]} for a in involved
            ],
            "issues": issues,
            "stances": stances,
            "model_params": {"combined": _rules_param(procedure, voting)},
        },
        table.source,
        where,
        relations=False,
    )
    return BacktestCase(prnr, case, tuple(scored), procedure, voting)


def _rules_param(procedure: dict[str, str], voting: dict[str, str]) -> dict[str, str]:
    """The rules as `combined` model parameters, so that `parley forecast` on the case sees them."""
    return {
        name: ",".join(f"{i}={v}" for i, v in rules.items())
        for name, rules in (("procedure", procedure), ("voting", voting))
        if rules
    }
