"""Errors a user can act on. The CLI prints each problem on one line and exits 2."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.where) if p]
        return f"{': '.join(parts)}: {self.message}" if parts else self.message


class ParleyError(Exception):
    """Base class of the errors parley reports to users (never a traceback).

    Library code names its own parameters, never a command-line flag: an error about one
    parameter is made with `about`, which records it in `parameter`, and the CLI shows the flag
    that sets it (`parley.cli.common.fail`).

    >>> err = ParleyError.about("samples", "must be at least 1, got 0")
    >>> str(err), err.parameter
    ('samples must be at least 1, got 0', 'samples')
    """

    parameter: str | None = None

    @classmethod
    def about(cls, parameter: str, problem: str) -> Self:
        """An error whose message starts with the library parameter it is about."""
        err = cls(f"{parameter} {problem}")
        err.parameter = parameter
        return err


class CaseError(ParleyError):
    """A case (or a file meant to be one) is invalid; carries every problem found."""

    def __init__(self, problems: Iterable[Problem] | str, source: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(source, "", problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ModelError(ParleyError):
    """A model name, preset or parameter is unknown or has a bad value."""


class ScenarioError(ParleyError):
    """A scenario is unknown or its patch does not apply to the case."""


class FrontError(ParleyError):
    """A front cannot be formed or searched as asked (unknown member, too few, too many)."""


class OutputError(ParleyError):
    """An output file cannot be written (missing folder, no permission, disk full)."""


class ParleyWarning(UserWarning):
    """Something a user should know that does not stop the run (e.g. a model left out)."""
