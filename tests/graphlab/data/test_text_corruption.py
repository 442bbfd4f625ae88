"""Corrupted variants of the real text-graph and text-task files (truncated, empty, lines dropped, duplicated or
swapped, fields dropped, added, shuffled, made non-numeric or NaN, undecodable bytes): every load either
succeeds or ends in DataError/ConfigError naming the corrupted file — never another exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphlab.data import entry, load_dataset
from graphlab.errors import ConfigError, DataError

pytestmark = pytest.mark.realdata

HEAD_LINES = {"citeseer-tag": 300, "gsm8k": 40, "alpaca-eval": 60, "mmlu-medical": 12, "medqa": 60,
              "medxpertqa": 30}
FOLDERS = {"citeseer-tag": "citeseer_text", "gsm8k": "gsm8k", "alpaca-eval": "alpaca_eval",
           "mmlu-medical": "mmlu_medical", "medqa": "medical_mcqa", "medxpertqa": "medical_mcqa"}
KINDS = ("truncate", "empty", "drop_line", "duplicate_line", "swap_lines", "drop_field", "add_field",
         "shuffle_fields", "non_numeric", "nan", "bad_bytes")


def _head(name: str, path: Path) -> bytes:
    """The first lines of a real file (the citations restricted to the papers of the texts' head)."""
    n = HEAD_LINES[name]
    if path.name == "citeseer.cites":
        ids = set(path.with_name("citeseer_texts.txt").read_text().split("\n")[:n:3])
        lines = [ln for ln in path.read_text().split("\n") if ln and set(ln.split("\t")) <= ids]
        return ("\n".join(lines) + "\n").encode()
    return b"".join(path.read_bytes().splitlines(keepends=True)[:n])


@pytest.fixture(scope="module")
def heads(data_root):
    """dataset → {file (relative to its folder) → head bytes}, for every catalog file of the dataset."""
    return {name: {f: _head(name, data_root / FOLDERS[name] / f) for f in entry(name, data_root).files}
            for name in HEAD_LINES}


def _split(line: str, suffix: str) -> tuple[list, str] | None:
    """A line's fields and separator: TSV / CSV columns, or a JSON object's items; None for other lines."""
    if suffix == ".jsonl":
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        return (list(obj.items()), "json") if isinstance(obj, dict) and obj else None
    sep = {".cites": "\t", ".csv": ","}.get(suffix)
    return (line.split(sep), sep) if sep else None


def _join(fields: list, sep: str) -> str:
    return json.dumps(dict(fields)) if sep == "json" else sep.join(fields)


def corrupt(content: bytes, suffix: str, kind: str, draw) -> bytes:
    """One corrupted variant of ``content``; ``draw(n)`` gives an integer in [0, n)."""
    if kind == "empty":
        return b""
    if kind == "truncate":
        return content[:draw(len(content) + 1)]
    if kind == "bad_bytes":
        at = draw(len(content) + 1)
        return content[:at] + b"\xff\xfe\xc3" + content[at:]
    lines = content.decode("utf-8").split("\n")
    i, j = draw(len(lines)), draw(len(lines))
    if kind == "drop_line":
        del lines[i]
    elif kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind == "swap_lines":
        lines[i], lines[j] = lines[j], lines[i]
    else:
        parsed = _split(lines[i], suffix)
        if parsed is None:  # a plain text line: the field-level corruptions act on the whole line
            lines[i] = {"non_numeric": "abc", "nan": "NaN", "add_field": lines[i] + "\textra"}.get(kind, "")
        else:
            fields, sep = parsed
            k = draw(len(fields))
            if kind == "drop_field":
                del fields[k]
            elif kind == "add_field":
                fields.insert(k, ("extra", 1) if sep == "json" else "extra")
            elif kind == "shuffle_fields":
                fields = fields[k:] + fields[:k]
            else:
                value = "abc" if kind == "non_numeric" else "NaN"
                fields[k] = (fields[k][0], 7 if kind == "non_numeric" else float("nan")) if sep == "json" \
                    else value
            lines[i] = _join(fields, sep)
    return "\n".join(lines).encode("utf-8")


def _load_variant(name: str, files: dict[str, bytes], target: str, variant: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / FOLDERS[name]
        for f, content in files.items():
            (folder / f).parent.mkdir(parents=True, exist_ok=True)
            (folder / f).write_bytes(variant if f == target else content)
        try:
            load_dataset(name, tmp, verify=False, cache=False)
        except (DataError, ConfigError) as err:
            assert Path(target).name in str(err), f"{type(err).__name__} does not name {target}: {err}"


@pytest.mark.parametrize("name", list(HEAD_LINES))
def test_heads_of_the_real_files_load(heads, name):
    with tempfile.TemporaryDirectory() as tmp:
        for f, content in heads[name].items():
            (Path(tmp) / FOLDERS[name] / f).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / FOLDERS[name] / f).write_bytes(content)
        d = load_dataset(name, tmp, verify=False, cache=False)
        assert d.stats()["nodes" if name == "citeseer-tag" else "examples"] > 0


@pytest.mark.parametrize("name", list(HEAD_LINES))
@given(data=st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_corrupted_files_end_in_a_data_error_naming_the_file(heads, name, data):
    files = heads[name]
    target = data.draw(st.sampled_from(sorted(files)), label="file")
    kind = data.draw(st.sampled_from(KINDS), label="corruption")
    variant = corrupt(files[target], Path(target).suffix, kind,
                      lambda n: data.draw(st.integers(0, max(n - 1, 0))))
    _load_variant(name, files, target, variant)
