"""Reading text data files: UTF-8 (a leading byte-order mark dropped), strict or latin-1 tolerant, with every
unreadable, undecodable or empty file a DataError naming the file (and the line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from graphlab.errors import DataError


def read_text(path: Path, fallback: Literal["strict", "latin-1"] = "strict", nul: bool = True) -> str:
    """The text of ``path``. ``fallback="strict"``: bytes that are not UTF-8 are a DataError ``<path>:<line>``;
    ``"latin-1"``: a line that is not UTF-8 is decoded as latin-1 (every byte a character). ``nul=False`` also
    refuses NUL bytes (parsers that end a field at a NUL). A file of only white space is a DataError."""
    try:
        raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    except OSError as err:
        raise DataError(f"cannot read {path}: {err.strerror or err}") from None
    if not raw or raw.isspace():
        raise DataError(f"{path}: empty file")
    bad = -1 if nul else raw.find(b"\x00")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        if fallback == "latin-1":
            text = "\n".join(_utf8_or_latin1(line) for line in raw.split(b"\n"))
        else:
            bad = err.start if bad < 0 else min(bad, err.start)
    if bad >= 0:
        line, byte = raw.count(b"\n", 0, bad) + 1, raw[bad]
        raise DataError(f"{path}:{line}: not valid UTF-8 (byte {byte:#04x})" if nul
                        else f"{path}:{line}: expected UTF-8 text without NUL bytes, got byte {byte:#04x}")
    return text


def _utf8_or_latin1(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def read_lines(path: Path, fallback: Literal["strict", "latin-1"] = "strict") -> list[tuple[int, str]]:
    """(1-based line number, text without its ``\\r\\n`` / ``\\n``) of the non-blank lines of :func:`read_text`;
    a file without any is a DataError."""
    lines = [(i, line.rstrip("\r")) for i, line in enumerate(read_text(path, fallback).split("\n"), 1)
             if line.strip()]
    if not lines:
        raise DataError(f"{path}: empty file")
    return lines


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line of a strict UTF-8 JSON Lines file; NaN/Infinity are refused."""
    records = []
    for i, line in read_lines(path):
        try:
            obj = json.loads(line, parse_constant=_reject_constant)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}:{i}: invalid JSON ({err.msg} at column {err.colno})") from None
        except ValueError as err:
            raise DataError(f"{path}:{i}: {err}") from None
        if not isinstance(obj, dict):
            raise DataError(f"{path}:{i}: expected a JSON object, got {type(obj).__name__}")
        records.append((i, obj))
    return records


def _reject_constant(constant: str) -> None:
    raise ValueError(f"{constant} is not a valid value here")
