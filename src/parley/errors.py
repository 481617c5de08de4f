"""Errors a user can act on. The CLI prints each problem on one line and exits 2."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Self

from parley.text import visible


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        """One line, always: a control character or line separator in a file name or a value
        quoted in the message is shown escaped (`parley.text.visible`), so no problem ever
        reads as two (CaseError joins its problems with newlines)."""
        parts = [p for p in (self.source, self.where) if p]
        return visible(f"{': '.join(parts)}: {self.message}" if parts else self.message)


class ParleyError(Exception):
    """Base class of the errors parley reports to users (never a traceback).

    Library code names its own parameters, never a command-line flag or a web field: an error
    about one parameter is made with `about`, which records it in `parameter`, and each edge shows
    its own name for it (the CLI its flag, `parley.cli.common.fail`; the web its field, which is
    the parameter's name). A message that suggests a setting (`salience=False`) records it with
    `suggesting`, so that the CLI can show the flag that makes it (`--no-salience`).

    >>> err = ParleyError.about("samples", "must be at least 1, got 0")
    >>> str(err), err.parameter
    ('samples must be at least 1, got 0', 'samples')
    >>> str(ParleyError.about("spread", ": unknown kind 'weight'"))
    "spread: unknown kind 'weight'"
    >>> err = ParleyError(f"every salience is 0: try {setting('salience', False)}")
    >>> str(err.suggesting("salience", False)), err.settings
    ('every salience is 0: try salience=False', (('salience', False),))
    """

    parameter: str | None = None
    settings: tuple[tuple[str, object], ...] = ()

    @classmethod
    def about(cls, parameter: str, problem: str, *args: Any) -> Self:
        """An error whose message starts with the library parameter it is about (then a space,
        or directly the `problem` when it starts with ':'); `args` go to the constructor (a
        CaseError's source file)."""
        err = cls(f"{parameter}{'' if problem.startswith(':') else ' '}{problem}", *args)
        err.parameter = parameter
        return err

    def suggesting(self, parameter: str, value: object) -> Self:
        """This error, recording that its message suggests `setting(parameter, value)`."""
        self.settings = (*self.settings, (parameter, value))
        return self


def setting(parameter: str, value: object) -> str:
    """How a library message writes a suggested setting: `salience=False`, `capability='equal'`."""
    return f"{parameter}={value!r}"


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
