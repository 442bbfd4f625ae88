"""Text formats of temporal event files, parsed column-wise with pandas and checked vectorised.

A format is a separator, an optional header and typed columns:

- ``jodie``: ``u,i,ts,label[,f1,…]`` with a header (TGN's ``u,i,ts,label`` or JODIE's
  ``user_id,item_id,timestamp,state_label,…``); columns after the fourth are float edge features.
- ``snap-temporal``: ``SRC DST UNIXTS`` separated by whitespace, no header (CollegeMsg).
- ``snap-signed``: ``SOURCE,TARGET,RATING,TIME`` with a rating in -10..10, no header (Bitcoin OTC/Alpha).
- ``movielens``: ``user \\t item \\t rating \\t timestamp`` with a rating in 1..5, no header (``u.data``).

Parsing is one ``pandas.read_csv`` call; only when it fails (or its result has NaN, a wrong shape or a row
count that disagrees with the file) are the lines scanned one by one, to name the first bad ``file:line``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graphlab.data.textio import read_text
from graphlab.errors import DataError


@dataclass(frozen=True)
class Column:
    """One numeric column: ``id`` (non-negative integer), ``time`` (finite seconds) or ``value`` (finite;
    integer within ``[lo, hi]`` when a range is given)."""

    name: str
    kind: str
    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True)
class EventFormat:
    """Separator (None = runs of whitespace), accepted headers (empty = none), the fixed leading columns,
    whether further columns are edge features, and which columns play source/destination/time/feature/label."""

    sep: str | None
    columns: tuple[Column, ...]
    headers: tuple[tuple[str, ...], ...] = ()
    extra_features: bool = False
    bipartite: bool = False
    feature_columns: tuple[str, ...] = ()
    label_column: str | None = None

    def describe(self, width: int | None = None) -> str:
        """``4 tab separated fields``; with feature columns ``4+ …``, or the width fixed by the first event line."""
        sep = {None: "whitespace", ",": "comma", "\t": "tab"}.get(self.sep, repr(self.sep))
        if width is not None and self.extra_features:
            return f"{width} {sep} separated fields (as on the first event line)"
        return f"{len(self.columns)}{'+' if self.extra_features else ''} {sep} separated fields"


_ID, _TIME = "id", "time"
FORMATS: dict[str, EventFormat] = {
    "jodie": EventFormat(",", (Column("u", _ID), Column("i", _ID), Column("ts", _TIME), Column("label", "value", 0, 1)),
                         headers=(("u", "i", "ts", "label"), ("user_id", "item_id", "timestamp", "state_label")),
                         extra_features=True, bipartite=True, label_column="label"),
    "snap-temporal": EventFormat(None, (Column("src", _ID), Column("dst", _ID), Column("time", _TIME))),
    "snap-signed": EventFormat(",", (Column("source", _ID), Column("target", _ID), Column("rating", "value", -10, 10),
                                     Column("time", _TIME)), feature_columns=("rating",)),
    "movielens": EventFormat("\t", (Column("user", _ID), Column("item", _ID), Column("rating", "value", 1, 5),
                                    Column("timestamp", _TIME)), bipartite=True, feature_columns=("rating",)),
}


@dataclass
class RawEvents:
    """Parsed columns in file order: source/destination ids as in the file, times, (E, d) features, labels."""

    src: np.ndarray
    dst: np.ndarray
    t: np.ndarray
    features: np.ndarray
    labels: np.ndarray | None


def _fields(line: str, sep: str | None) -> list[str]:
    return line.split() if sep is None else line.split(sep)


def _first_bad_line(path: Path, lines: list[str], first: int, fmt: EventFormat, width: int) -> str:
    """Error message for the first malformed data line (1-based numbering) — the slow path."""
    for i, line in enumerate(lines[first:], first + 1):
        fields = _fields(line, fmt.sep)
        if len(fields) != width:
            fixed = width if i > first + 1 and width >= len(fmt.columns) else None
            return f"{path.name}:{i}: expected {fmt.describe(fixed)}, got {len(fields)}"
        for j, field in enumerate(fields):
            name = fmt.columns[j].name if j < len(fmt.columns) else f"feature {j - len(fmt.columns) + 1}"
            try:
                value = float(field.replace("_", "?"))  # Python accepts 1_000; the fast parser does not
            except ValueError:
                return f"{path.name}:{i}: expected a number in column '{name}', got {field.strip()[:40]!r}"
            if not np.isfinite(value):
                return f"{path.name}:{i}: expected a finite number in column '{name}', got {field.strip()!r}"
    return ""


def _check_values(path: Path, table: np.ndarray, fmt: EventFormat, first: int) -> None:
    """Ids and ranged values (the table is already finite); the first failing row is reported by its line."""
    for j, col in enumerate(fmt.columns):
        x = table[:, j]
        if col.kind == _ID:
            ok, want = (x >= 0) & (x == np.floor(x)) & (x < 2.0**53), "a non-negative integer id"
        elif col.lo is not None:
            ok, want = (x >= col.lo) & (x <= col.hi) & (x == np.floor(x)), f"an integer in {col.lo:g}..{col.hi:g}"
        else:
            continue
        if not ok.all():
            row = int(np.argmin(ok))
            raise DataError(f"{path.name}:{first + row + 1}: expected {want} in column '{col.name}', "
                            f"got {x[row]:g} ({path})")


def _check_header(path: Path, lines: list[str], fmt: EventFormat) -> None:
    got = tuple(f.strip() for f in _fields(lines[0], fmt.sep))[: len(fmt.columns)]
    if got not in fmt.headers:
        want = " or ".join(repr((fmt.sep or " ").join(h)) for h in fmt.headers)
        raise DataError(f"{path.name}:1: expected the header {want}, got {lines[0].strip()[:60]!r} ({path})")


def read_events(path: Path, fmt: EventFormat) -> RawEvents:
    """Parse ``path`` (UTF-8 without NUL bytes: pandas' parser silently ends a field at a NUL) in ``fmt``; every
    malformed input is a DataError naming the file (and line)."""
    import pandas as pd  # imported when a file is parsed, not with graphlab.data

    lines = read_text(path, nul=False).replace("\r\n", "\n").rstrip().split("\n")
    first = 0
    if fmt.headers:
        _check_header(path, lines, fmt)
        first = 1
    if len(lines) <= first:
        raise DataError(f"{path.name}: no events, expected lines of {fmt.describe()} ({path})")
    width = len(_fields(lines[first], fmt.sep)) if fmt.extra_features else len(fmt.columns)
    table, problem = None, ""
    try:
        frame = pd.read_csv(io.StringIO("\n".join(lines[first:])), header=None, dtype=np.float64,
                            sep=r"\s+" if fmt.sep is None else fmt.sep, skip_blank_lines=False,
                            quoting=csv.QUOTE_NONE, engine="c")
        table = frame.to_numpy(dtype=np.float64)
    except ValueError as err:  # pandas' ParserError and EmptyDataError included
        problem = str(err).splitlines()[0] if str(err) else type(err).__name__
    if table is None or table.shape != (len(lines) - first, width) or width < len(fmt.columns) \
            or not np.isfinite(table).all():
        message = _first_bad_line(path, lines, first, fmt, max(width, len(fmt.columns)))
        raise DataError(f"{message} ({path})" if message else f"{path}: cannot parse as {fmt.describe()} "
                        f"({problem or 'inconsistent rows'})")
    _check_values(path, table, fmt, first)
    col = {c.name: j for j, c in enumerate(fmt.columns)}
    time = next(j for j, c in enumerate(fmt.columns) if c.kind == _TIME)
    extra = table[:, len(fmt.columns):] if fmt.extra_features else np.zeros((len(table), 0))
    features = np.concatenate([table[:, [col[c] for c in fmt.feature_columns]], extra], axis=1)
    return RawEvents(src=table[:, 0].astype(np.int64), dst=table[:, 1].astype(np.int64),
                     t=table[:, time].copy(),
                     features=features.astype(np.float32),
                     labels=table[:, col[fmt.label_column]].astype(np.int64) if fmt.label_column else None)
