"""Where each value of a case came from in its file, so that errors can name the line and field."""

from __future__ import annotations

from parley.text import visible

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """`('stances', 'usa', 'oil', 'salience', 'value')` -> `stances.usa.oil.salience`."""
    return ".".join(visible(str(p)) for p in path if p != "value")


class Locations:
    """Maps a path into the case data to a place in the file ('line 12') and the file's field name."""

    def __init__(self) -> None:
        self._at: dict[Path, tuple[str, str]] = {}

    def add(self, path: Path, where: str, field: str = "") -> None:
        self._at[tuple(path)] = (where, field)

    def find(self, path: Path) -> tuple[str, str]:
        """The place of the longest registered prefix of `path`, and the field label to print."""
        path = tuple(path)
        for k in range(len(path), -1, -1):
            hit = self._at.get(path[:k])
            if hit is not None:
                where, field = hit
                return where, field if (field and k >= len(_strip(path))) else dotted(path)
        return "", dotted(path)


def _strip(path: Path) -> Path:
    return path[:-1] if path and path[-1] == "value" else path
