"""What a case's model parameters make a run read: files resolved and opened when the case is read.

A case may name files in its `model_params` (the `combined` model's `weights`: a fit of
`parley backtest fit-combined`). Such a path means the file beside the case, wherever parley is
run from, so it is resolved against the case file's folder; the file is then opened with the
same rules as the case itself (`parley.io.safe_read`: a regular file, within the input limit) and
parsed, with whatever else a model checks before it runs (`check_inputs(case)`: the combined
model's procedure and voting rules, smp's accommodation triples), when the case is read.
So `parley validate` runs every check a run would, and a case it calls ok never fails at run time
on an error that does not name the file. A case uploaded to the workbench may name no file at
all: a request never chooses a server path.

Models declare their file parameters (`file_params`, a ClassVar beside `param_ranges`) and their
checks (`check_inputs(case)`); nothing here knows a model by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parley.case import Case
from parley.errors import CaseError, ModelError
from parley.models.registry import get_model, model_class


def checked_case_inputs(case: Case, path: Path, allow_files: bool = True) -> Case:
    """`case` with the files its model parameters name resolved against `path`'s folder, after
    every model it carries parameters for has checked them (files opened and parsed); CaseError
    naming `path` and the parameter otherwise, or for any file at all when not `allow_files`."""
    source = str(path)
    params = {name: dict(values) for name, values in case.model_params.items()}
    for name, key, value in _file_params(params):
        if not allow_files:
            raise CaseError(
                f"model_params: {name}.{key}: names a file ({value!r}); a case uploaded to "
                "the workbench may not name files (leave it out to use the default)",
                source=source,
            )
        params[name][key] = str(_beside(path, value))
    for name, values in params.items():
        model: Any = get_model(name, None, values)
        check = getattr(model, "check_inputs", None)
        if check is None:
            continue
        try:
            check(case)
        except ModelError as exc:
            raise CaseError(f"model_params: {exc}", source=source) from None
    if params == case.model_params:
        return case
    return case.model_copy(update={"model_params": params})


def named_files(case: Case) -> list[Path]:
    """The files a case's model parameters name (resolved against its folder when it was read by
    `checked_case_inputs`): inputs of every command that runs it, so never an output.

    >>> from parley.case import build_case
    >>> named_files(build_case({"title": "t", "actors": [{"id": "a", "capability": 1}],
    ...     "issues": [{"id": "x", "lower": 0, "upper": 10}],
    ...     "stances": {"a": {"x": {"position": 0, "salience": 1}}},
    ...     "model_params": {"combined": {"weights": "/data/w.json"}}}))
    [PosixPath('/data/w.json')]
    """
    return [Path(value) for _, _, value in _file_params(case.model_params)]


def _file_params(params: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(model, parameter, value) of every parameter in `params` that its model declares a file
    (`file_params`) and the case sets."""
    return [
        (name, key, values[key])
        for name, values in params.items()
        for key in getattr(model_class(name), "file_params", ())
        if values.get(key) is not None
    ]


def _beside(case_path: Path, value: str) -> Path:
    """`value` as a path: absolute (or `~`) as given, else relative to the case file's folder."""
    named = Path(value).expanduser()
    return named if named.is_absolute() else Path(case_path).parent / named
