"""Shared pieces of the command line: the app, consoles, common options, the error contract."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from parley.case import Case
from parley.errors import (
    CaseError,
    ParleyError,
    ParleyWarning,
    Problem,
    ScenarioError,
    setting,
)
from parley.io import read_case
from parley.io.finite_json import dumps
from parley.report.terminal import TerminalConsole

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="parley: forecast how multi-party negotiations end.",
    pretty_exceptions_enable=False,
)
# no console markup on stdout: titles, names and ids are the user's text, and '[...]' in them
# (the " [scenario]" of a patched case's title, a name like "[EU] Council") must print as written;
# control characters in that text (and in file names) are shown escaped (report.terminal)
out = TerminalConsole(soft_wrap=True, markup=False)
err = TerminalConsole(stderr=True, soft_wrap=True)  # one problem, one line: never wrapped


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


CaseArg = Annotated[
    Path,
    typer.Argument(
        help="Case file: YAML/JSON, stakeholder CSV/XLSX, BDM CSV, KTAB CSV/XML, Decide"
    ),
]
ModelOpt = Annotated[
    list[str] | None, typer.Option("--model", "-m", help="Model to run (repeatable; default: all)")
]
ScenarioOpt = Annotated[str | None, typer.Option("--scenario", "-s", help="Scenario of the case")]
PresetOpt = Annotated[
    list[str] | None, typer.Option("--preset", help="PRESET or MODEL:PRESET (repeatable)")
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="NAME=VALUE or MODEL.NAME=VALUE (repeatable)"),
]
RoundsOpt = Annotated[
    int | None, typer.Option("--rounds", "-r", help="Rounds for round-based models")
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format")]


NoiseMembersOpt = Annotated[
    int,
    typer.Option(
        "--noise-members",
        min=0,
        help="Members of the small-perturbation ensemble that marks shifts within the model's "
        "noise on the case with ~ (0: off; docs/uncertainty.md)",
    ),
]


def noise_ensemble(members: int):
    """The `Perturbation` of `--noise-members N` (None when 0: off)."""
    from parley.ensemble.noise import Perturbation

    return Perturbation(members) if members else None


def table_or_json(value: OutputFormat) -> OutputFormat:
    """The check of a command that writes a table or JSON but no CSV (a usage error, exit 2)."""
    if value is OutputFormat.csv:
        raise typer.BadParameter("this command writes table or json, not csv")
    return value


#: --format of the commands without CSV: the same type, checked by `table_or_json`.
TableJsonOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format (table or json)", callback=table_or_json),
]
SheetOpt = Annotated[
    str | None, typer.Option("--sheet", help="Workbook: the sheet with the stakeholder table")
]
HeaderRowOpt = Annotated[
    int | None,
    typer.Option("--header-row", help="Table: the row (line) of the header, below any title rows"),
]
SpreadOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--spread",
        help="KIND=FRACTION: a default range for values stated without one (repeatable; "
        "position and salience: +/- FRACTION of the scale, capability: of the value)",
    ),
]


def key_values(items: list[str] | tuple[str, ...] | None, option: str, what: str) -> dict[str, str]:
    """`KEY=VALUE` items as a mapping (values checked by the library)."""
    found = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ParleyError(f"{option} expects {what}, got {item!r}")
        found[key.strip()] = value.strip()
    return found


def parse_spread(items: list[str] | tuple[str, ...] | None) -> dict[str, float]:
    """`--spread KIND=FRACTION` items as a mapping, checked by `parley.ensemble.check_spread`."""
    from parley.ensemble import check_spread

    return check_spread(key_values(items, "--spread", "KIND=FRACTION (e.g. position=0.05)"))


def _max_memory(ctx: typer.Context, value: str | None) -> str | None:
    """`--max-memory SIZE`, read once (`parley.models.cost.parse_memory_limit`: a bad value is
    one line, exit 2) and set as `PARLEY_MAX_MEMORY` while the command runs, so that every check
    (and every worker process the command starts) sees the same limit; restored afterwards."""
    if value is None:
        return None
    from parley.models.cost import LIMIT_VARIABLE, parse_memory_limit

    try:
        limit = parse_memory_limit(value)
    except ParleyError as exc:
        fail(exc)
    previous = os.environ.get(LIMIT_VARIABLE)
    os.environ[LIMIT_VARIABLE] = str(limit)

    def restore() -> None:
        if previous is None:
            os.environ.pop(LIMIT_VARIABLE, None)
        else:
            os.environ[LIMIT_VARIABLE] = previous

    ctx.call_on_close(restore)
    return value


#: --max-memory of every command that runs models (docs/limits.md).
MaxMemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--max-memory",
        metavar="SIZE",
        callback=_max_memory,
        help="Memory one model run may use, e.g. 2GB or 500MB (default: $PARLEY_MAX_MEMORY, else "
        "half of this machine's); a larger run is refused before it starts",
    ),
]

#: The flag that sets each library parameter an error may name (`ParleyError.parameter`).
FLAGS = {
    "max_memory": "--max-memory",
    "samples": "--samples",
    "max_size": "--max-size",
    "params": "--param",
    "limit": "--limit",
    "incompatible": "--incompatible",
    "workers": "--workers",
    "thresholds": "--threshold",
    "spread": "--spread",
    "correlate": "--correlate",
    "device": "--device",
    "set": "--set",
    "goal": "--goal",
    "sheet": "--sheet",
    "header_row": "--header-row",
    "ensemble": "--ensemble",
    "store": "--store",
    "capability": "--capability",
    "salience": "--salience",
    "noise_members": "--noise-members",
}
#: Suggested settings (`ParleyError.settings`) whose flag is not `FLAG VALUE`.
SETTING_FLAGS: dict[tuple[str, object], str] = {("salience", False): "--no-salience"}


def flag_lines(exc: ParleyError, flags: dict[str, str] | None = None) -> list[str]:
    """The error's lines as the command line says them: a problem that starts with a library
    parameter starts with its flag instead (`FLAGS`, or the command's own `flags`), and a
    suggested setting (`salience=False`) is written as the flag that makes it (`--no-salience`).

    >>> flag_lines(ParleyError.about("spread", ": unknown kind 'weight'"))
    ["--spread: unknown kind 'weight'"]
    """
    names = {**FLAGS, **(flags or {})}
    flag = names.get(exc.parameter or "")

    def flagged(text: str) -> str:
        name = exc.parameter or ""
        if flag and text.startswith(name) and text[len(name) : len(name) + 1] in (" ", ":"):
            return flag + text[len(name) :]
        return text

    if isinstance(exc, CaseError):  # the parameter leads a problem's message, after its file
        lines = [str(Problem(p.source, p.where, flagged(p.message))) for p in exc.problems]
    else:
        lines = [flagged(line) for line in str(exc).splitlines()]
    for parameter, value in exc.settings:
        written = SETTING_FLAGS.get(
            (parameter, value), f"{names.get(parameter, parameter)} {value}"
        )
        lines = [line.replace(setting(parameter, value), written) for line in lines]
    return lines


def fail(
    exc: ParleyError, case: Path | None = None, flags: dict[str, str] | None = None
) -> NoReturn:
    """One line per problem on stderr, exit code 2: the contract for bad input.

    `case`: the case file the command read; a scenario's problems (found in the patched case,
    which has no file of its own) are prefixed with it so that every line names the file. An
    error about a library parameter names the command's flag for it instead (`flag_lines`).
    """
    lines = flag_lines(exc, flags)
    if case is not None and isinstance(exc, ScenarioError):
        lines = [ln if ln.startswith(f"{case}: ") else f"{case}: {ln}" for ln in lines]
    for line in lines:
        err.print(f"[red]error:[/red] {escape(line)}", highlight=False, markup=True)
    raise typer.Exit(2)


@contextmanager
def library_warnings() -> Iterator[None]:
    """Print the library's ParleyWarnings (e.g. a model left out) as `warning:` lines after the
    block; other warnings pass through as Python prints them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ParleyWarning)
        yield
    shown: set[str] = set()
    for w in caught:
        if issubclass(w.category, ParleyWarning):
            if str(w.message) not in shown:  # a front runs the models twice: say it once
                shown.add(str(w.message))
                warn([str(w.message)])
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def load_case(path: Path, sheet: str | None = None, header_row: int | None = None) -> Case:
    """The case in `path` (`--sheet`, `--header-row` for tables); what the reader ignored (extra
    columns, ...) is printed as warnings. CaseError propagates to the command's `fail`."""
    with library_warnings():
        return read_case(path, sheet, header_row)


def print_json(obj: object) -> None:
    """Print a command's `--format json` result: strict JSON, each NaN or infinity as `null`
    (`parley.io.finite_json`, the same writer as the web API's)."""
    sys.stdout.write(dumps(obj) + "\n")


def warn(lines: list[str]) -> None:
    for line in lines:
        err.print(f"[yellow]warning:[/yellow] {escape(line)}", highlight=False)
