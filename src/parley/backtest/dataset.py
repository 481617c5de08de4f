"""What a backtest runs on: cases whose issues carry recorded outcomes, grouped by proposal.

A DEU III proposal and a parley case file are the same thing to the backtest: one negotiation (a
`BacktestCase`) with several issues, some of them scored. The group (proposal id or file name) is
the unit of grouped cross-validation and of the cluster bootstrap, because issues of one proposal
are decided together and their errors are not independent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parley.case import Case
from parley.errors import CaseError
from parley.models.combined.rules import PROCEDURES, VOTING_RULES, parse_rule


@dataclass(frozen=True)
class BacktestCase:
    """One negotiation: the case, the ids of its scored issues, and what is known of its rules.

    `procedure` and `voting` map issue ids to 'COD'/'CNS' and 'QMV'/'Unan' where known; the
    `combined` forecaster uses them as features (neutral defaults where unknown).
    """

    group: str
    case: Case
    scored: tuple[str, ...]
    procedure: dict[str, str] = field(default_factory=dict)
    voting: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """Cases to backtest, with notes on what was left out and why (for the report)."""

    source: str
    cases: list[BacktestCase]
    notes: list[str] = field(default_factory=list)

    @property
    def n_scored(self) -> int:
        return sum(len(c.scored) for c in self.cases)


def rules_from_params(case: Case) -> tuple[dict[str, str], dict[str, str]]:
    """Procedure and voting rule per issue from the case's `model_params.combined`, if any.

    Accepted forms: `procedure: COD` (every issue) or `procedure: "i1=COD,i2=CNS"`; same for
    `voting` (QMV/Unan). Unknown values are ignored here (the model reports them when run).
    """
    params = case.model_params.get("combined", {})
    ids = [i.id for i in case.issues]
    return (
        parse_rule(params.get("procedure"), ids, PROCEDURES),
        parse_rule(params.get("voting"), ids, VOTING_RULES),
    )


def read_case_dir(folder: Path) -> Dataset:
    """Every parley case file (.yaml, .yml, .json) in `folder`, sorted by name; each issue with an
    `outcome` is scored.

    Other files are ignored (the other formats parley reads cannot record outcomes), and so are
    hidden ones (a name starting with '.': editors' swap files, macOS's `._case.yaml`); a case file
    that does not read is an error naming the file. Errors are measured on each issue's scale mapped
    to 0-100.
    """
    from parley.io import read_case

    folder = Path(folder)
    if not folder.is_dir():
        raise CaseError("not a folder of case files", source=str(folder))
    extensions = {".yaml", ".yml", ".json"}
    cases: list[BacktestCase] = []
    notes: list[str] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in extensions):
        if not path.is_file() or path.name.startswith("."):
            continue
        case = read_case(path)
        scored = tuple(i.id for i in case.issues if i.outcome is not None)
        if not scored:
            notes.append(f"{path.name}: no issue has an outcome; not scored")
            continue
        try:
            procedure, voting = rules_from_params(case)
        except CaseError as exc:
            raise CaseError(f"model_params.combined: {exc}", source=str(path)) from None
        cases.append(BacktestCase(path.name, case, scored, procedure, voting))
    if not cases:
        raise CaseError("no case file in this folder has an issue with an outcome", str(folder))
    return Dataset(str(folder), cases, notes)
