"""Fuzzing every reader: hostile variants of a valid file, and the one contract each must keep.

Each reader gets a valid seed file (`SEEDS`) which hypothesis mutates: splices of short strings
drawn from what breaks readers (delimiters, quotes, line endings, control characters, digits in
odd notations, huge and non-finite numbers, markup, escapes of lone surrogates). The contract
(`holds`): the reader returns a valid case (or data set, or weights), or raises parley's error
whose every line names the file; never another exception, never a hang.

`tests/hostile/test_fuzz_readers.py` runs a bounded, derandomised set in the suite;
`benchmarks/fuzz_readers.py --minutes N` runs the same properties for longer, exploring.
"""

from __future__ import annotations

import io
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from hostile.corpus import BDM, DECIDE, JSON, KTAB, TABLE, YAML
from hypothesis import strategies as st

from parley.case import Case
from parley.case.check import case_problems
from parley.errors import ParleyError

DATA = Path(__file__).parents[1] / "data"

#: Pieces a mutation splices into a seed: what readers stumble on.
PIECES = [
    ",", ";", "\t", "|", '"', "'", "\n", "\r", "\r\n", " ", "", "#", ":", "-", "{", "}", "[", "]",
    "<", ">", "&", "=", "0", "1", "-1", "5_0", "1:30", "0x10", "1e308", "-1e308", "1e-320",
    "nan", "inf", ".nan", "-.inf", "99999999999999999999", "0.0", "null", "~", "yes", "no",
    "2006-10-31", "\x00", "\x1b[2J", "\x9b", "\u202e", "\ufeff", "é", "\\ud800", "\\udc80",
    "\\u0000", "&amp;", "<![CDATA[", "*a", "&a ", "!!python/object:os.system", "%", "\\",
    "#A", "#D", "#M", "#P", "actor", "issue", "position", "salience", "capability",
]  # fmt: skip

# (position fraction, characters to delete, piece): a splice into the seed text
_SPLICE = st.tuples(
    st.floats(0, 1, allow_nan=False),
    st.integers(0, 6),
    st.one_of(st.sampled_from(PIECES), st.text(max_size=4)),
)
MUTATIONS = st.lists(_SPLICE, min_size=1, max_size=6)


def mutate(text: str, splices: list[tuple[float, int, str]]) -> str:
    """`text` with each splice applied in turn (at a fraction of the current length)."""
    for where, cut, piece in splices:
        k = int(where * len(text))
        text = text[:k] + piece + text[k + cut :]
    return text


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return path


def holds(read: Callable[[Path], Any], path: Path) -> Any:
    """The contract: a valid result, or a ParleyError every line of which names `path`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = read(path)
    except ParleyError as exc:
        lines = str(exc).splitlines()
        assert lines, "an error without a message"
        for line in lines:
            assert str(path) in line, f"a line that does not name the file: {line!r}"
        return None
    if isinstance(result, Case):
        assert case_problems(result) == [], "a case returned with problems"
    if isinstance(result, tuple) and hasattr(result[0], "weights"):  # a combined stack
        assert all(np.isfinite(a).all() for a in (result[0].weights, result[0].coefs))
    return result


# ---- the readers, each a seed and a way to read it ------------------------------------------


def _read_any(path: Path) -> Any:
    from parley.io import read_case

    return read_case(path)


def _read_deu3(path: Path) -> Any:
    from parley.backtest.deu3 import read_deu3

    return read_deu3(path, capability="gdp")


def _read_capabilities(path: Path) -> Any:
    from parley.backtest.deu3 import read_capability_csv

    return read_capability_csv(path, ["de", "fr", "it"])


def _read_weights(path: Path) -> Any:
    from parley.models.combined.weights import load_weights

    return load_weights(path)


def _ktab_xml() -> str:
    from parley.io import read_case, write_case

    with tempfile.TemporaryDirectory() as folder:
        case = write(Path(folder), "case.yaml", YAML)
        target = Path(folder) / "ktab.xml"
        write_case(read_case(case), target)
        return target.read_text(encoding="utf-8")


def _deu3() -> str:
    lines = (DATA / "deu3" / "deu3_dev.tsv").read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[:8]) + "\n"  # header, GDP row, a few issues


def _weights() -> str:
    from importlib import resources

    return resources.files("parley.models.combined").joinpath("combined_weights.json").read_text()


@dataclass(frozen=True)
class Reader:
    file_name: str
    seed: Callable[[], str]
    read: Callable[[Path], Any]


TEXT_READERS: dict[str, Reader] = {
    "table": Reader("table.csv", lambda: TABLE, _read_any),
    "bdm": Reader("bdm.csv", lambda: BDM, _read_any),
    "ktab": Reader("ktab.csv", lambda: KTAB, _read_any),
    "ktab-xml": Reader("ktab.xml", _ktab_xml, _read_any),
    "decide": Reader("decide.txt", lambda: DECIDE, _read_any),
    "yaml": Reader("case.yaml", lambda: YAML, _read_any),
    "json": Reader("case.json", lambda: JSON, _read_any),
    "deu3": Reader("deu3.tsv", _deu3, _read_deu3),
    "capabilities": Reader("caps.csv", lambda: "actor,capability\nde,3\nfr,2\nit,1\n", _read_capabilities),
    "weights": Reader("weights.json", _weights, _read_weights),
}  # fmt: skip


def check_text_reader(name: str, splices: list[tuple[float, int, str]]) -> None:
    """One example: the seed of reader `name` mutated by `splices`, read under the contract."""
    reader = TEXT_READERS[name]
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), reader.file_name, mutate(_seed(name), splices))
        holds(reader.read, path)


_SEEDS: dict[str, str] = {}


def _seed(name: str) -> str:
    if name not in _SEEDS:
        _SEEDS[name] = TEXT_READERS[name].seed()
    return _SEEDS[name]


# ---- the weights file: any JSON in place of one of its values -------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def check_weights_value(where: float, value: Any) -> None:
    """One example: the shipped weights with one of their values (at any depth) replaced."""
    import json

    record = json.loads(_seed("weights"))
    slots: list[tuple[Any, Any]] = []
    stack: list[Any] = [record]
    while stack:
        item = stack.pop()
        keys = item.keys() if isinstance(item, dict) else range(len(item))
        for key in keys:
            slots.append((item, key))
            if isinstance(item[key], dict | list):
                stack.append(item[key])
    parent, key = slots[int(where * (len(slots) - 1))]
    parent[key] = value
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), "weights.json", json.dumps(record))
        holds(_read_weights, path)


# ---- workbooks: cells of any type, and damaged archives -------------------------------------

CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    # a worksheet cannot hold C0 controls (openpyxl refuses to write them)
    st.sampled_from([p for p in PIECES if not any(ord(c) < 32 and c not in "\t\n\r" for c in p)]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=6),
)
GRIDS = st.lists(st.lists(CELLS, min_size=0, max_size=7), min_size=0, max_size=6)
HEADER = ["actor", "issue", "position", "salience", "capability"]


def check_workbook(
    rows: list[list[Any]], with_header: bool, flip: tuple[float, int] | None
) -> None:
    """One example: a workbook of `rows` (under the table header), its bytes flipped at `flip`."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in ([HEADER] if with_header else []) + rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    data = bytearray(buf.getvalue())
    if flip is not None:
        k = int(flip[0] * (len(data) - 1))
        data[k] = flip[1]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        path.write_bytes(bytes(data))
        holds(_read_any, path)


__all__ = [
    "GRIDS",
    "JSON_VALUES",
    "MUTATIONS",
    "TEXT_READERS",
    "check_text_reader",
    "check_weights_value",
    "check_workbook",
]
