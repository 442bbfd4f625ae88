"""Corrupted heads of the real event files: every variant loads or ends in DataError/ConfigError naming the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from graphlab.data import load_dataset
from graphlab.data.temporal import TemporalDataset
from graphlab.errors import ConfigError, DataError

pytestmark = pytest.mark.realdata

# name → (folder, file, separator, has header); bitcoin-alpha is built from the OTC head (absent here)
FILES = {
    "wikipedia": ("jodie_wikipedia_noedgefeat", "wikipedia.csv", ",", True),
    "collegemsg": ("snap_collegemsg", "CollegeMsg.txt", " ", False),
    "bitcoin-otc": ("snap_bitcoin", "soc-sign-bitcoinotc.csv", ",", False),
    "bitcoin-alpha": ("snap_bitcoin", "soc-sign-bitcoinalpha.csv", ",", False),
    "ml100k-events": ("movielens_100k", "u.data", "\t", False),
}
HEAD = 150
BAD_FIELDS = ["abc", "", "1.2.3", "0x1f", "--", "nan", "NaN", "inf", "-inf", "1e999", "-3", "2.5", "1e30", "½", '"7"']


def _head(data_root: Path, name: str) -> list[str]:
    if name == "bitcoin-alpha":  # Alpha's layout: integer day-rounded times, unsorted rows, CRLF line ends
        rows = _head(data_root, "bitcoin-otc")
        rows = [",".join([*r.split(",")[:3], str(int(float(r.split(",")[3])) // 86400 * 86400)]) for r in rows]
        return [rows[i] for i in np.random.default_rng(0).permutation(len(rows))]
    folder, file, _, _ = FILES[name]
    with open(data_root / folder / file, encoding="utf-8") as f:
        return [next(f).rstrip("\r\n") for _ in range(HEAD)]


def _corrupt(lines: list[str], sep: str, header: bool, kind: str, data: st.DataObject) -> bytes:
    lines = list(lines)
    first = 1 if header else 0
    i = data.draw(st.integers(first, len(lines) - 1), label="line")
    fields = lines[i].split(sep)
    j = data.draw(st.integers(0, len(fields) - 1), label="field")
    if kind == "truncate":
        blob = "\n".join(lines).encode()
        return blob[: data.draw(st.integers(0, len(blob)), label="cut")]
    if kind == "drop_field":
        lines[i] = sep.join(fields[:j] + fields[j + 1:])
    elif kind == "add_field":
        lines[i] = sep.join(fields + [data.draw(st.sampled_from(["0", "1", "x"]))])
    elif kind == "bad_field":
        fields[j] = data.draw(st.sampled_from(BAD_FIELDS), label="value")
        lines[i] = sep.join(fields)
    elif kind == "shuffle_header":
        names = ["u", "i", "ts", "label"] if header else ["src", "dst", "rating", "time"][: len(fields)]
        perm = data.draw(st.permutations(names), label="header")
        if header:
            lines[0] = sep.join(perm)
        else:
            lines.insert(0, sep.join(perm))
    elif kind == "empty":
        return data.draw(st.sampled_from([b"", b"\n", b"\r\n\r\n", b"   \n"]), label="empty")
    elif kind == "blank_line":
        lines.insert(i, data.draw(st.sampled_from(["", "   ", sep])))
    elif kind == "garbage":
        blob = bytearray("\n".join(lines).encode())
        pos = data.draw(st.integers(0, len(blob) - 1), label="pos")
        blob[pos:pos + 1] = data.draw(st.binary(min_size=1, max_size=4), label="bytes")
        return bytes(blob)
    elif kind == "separator":
        lines[i] = lines[i].replace(sep, data.draw(st.sampled_from([";", "|", "  ", "\t" if sep != "\t" else ","])))
    elif kind == "crlf_shuffled":
        body = lines[first:]
        order = data.draw(st.permutations(range(len(body))), label="order")
        return "\r\n".join(lines[:first] + [body[k] for k in order]).encode() + b"\r\n"
    elif kind == "keep_head":
        lines = lines[: data.draw(st.integers(first + 1, len(lines)), label="rows")]
    return ("\n".join(lines) + "\n").encode()


KINDS = ["truncate", "drop_field", "add_field", "bad_field", "shuffle_header", "empty", "blank_line", "garbage",
         "separator", "crlf_shuffled", "keep_head"]


@pytest.fixture(scope="module")
def heads(data_root) -> dict[str, list[str]]:
    return {name: _head(data_root, name) for name in FILES}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(list(FILES)), kind=st.sampled_from(KINDS), data=st.data())
def test_corrupted_event_files_fail_cleanly(heads, name, kind, data):
    folder, file, sep, header = FILES[name]
    blob = _corrupt(heads[name], sep, header, kind, data)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / folder).mkdir()
        (Path(tmp) / folder / file).write_bytes(blob)
        try:
            d = load_dataset(name, tmp, verify=False, cache=False)
        except (DataError, ConfigError) as err:
            assert file in str(err), str(err)
            event(f"{kind}: refused")
            return
    event(f"{kind}: loaded")
    assert isinstance(d, TemporalDataset) and d.num_events >= 1
    assert (d.t[1:] >= d.t[:-1]).all() and (d.negatives["test"] != d.dst[d.events("test")][:, None]).all()
    assert d.stats()["events"] == d.num_events


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    folder, file, _, _ = FILES[name]
    path = tmp_path / folder / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return tmp_path


@pytest.mark.parametrize(("name", "text", "message"), [
    ("wikipedia", "u,i,ts,label\n0,8227\n", r"wikipedia.csv:2: expected 4\+ comma separated fields, got 2"),
    ("wikipedia", "u,i,ts,label\n0,8227,0,0\n1,8228\n", r"wikipedia.csv:3: expected 4 comma separated fields \(as on the first"),
    ("wikipedia", "ts,u,i,label\n0,8227,0,0\n", r"wikipedia.csv:1: expected the header 'u,i,ts,label'"),
    ("wikipedia", "u,i,ts,label\n", r"wikipedia.csv: no events"),
    ("wikipedia", "", r"wikipedia.csv: empty file"),
    ("collegemsg", "1 2 10\n3 4 nan\n", r"CollegeMsg.txt:2: expected a finite number in column 'time'"),
    ("collegemsg", "1 2 10\n3 x 11\n", r"CollegeMsg.txt:2: expected a number in column 'dst', got 'x'"),
    ("collegemsg", "1 2 10\n\n3 4 11\n", r"CollegeMsg.txt:2: expected 3 whitespace separated fields, got 0"),
    ("collegemsg", "1 2 10\n3 -4 11\n", r"CollegeMsg.txt:2: expected a non-negative integer id in column 'dst'"),
    ("bitcoin-otc", "1,2,3,100.5\r\n4,5,11,99\r\n", r"soc-sign-bitcoinotc.csv:2: expected an integer in -10..10 in column 'rating'"),
    ("ml100k-events", "1\t2\t3\t881250949\n1\t2\t3\n", r"u.data:2: expected 4 tab separated fields, got 3"),
    ("ml100k-events", b"1\t2\t3\t5\n1\t\xff\t3\t6\n", r"u.data:2: expected UTF-8 text"),
    ("collegemsg", b"1 2 10\n3 4\x005 11\n", r"CollegeMsg.txt:2: expected UTF-8 text without NUL bytes"),
    ("collegemsg", "1 2 10\n3 4 1_1\n", r"CollegeMsg.txt:2: expected a number in column 'time', got '1_1'"),
    ("ml100k-events", "".join(f"{k}\t1\t3\t{k}\n" for k in range(1, 11)), r"u.data: cannot draw valid negatives"),
])
def test_malformed_rows_name_file_and_line(tmp_path, name, text, message):
    with pytest.raises(DataError, match=message):
        load_dataset(name, _write(tmp_path, name, text), verify=False, cache=False)


def test_tiny_streams_load_with_empty_later_splits(tmp_path):
    d = load_dataset("collegemsg", _write(tmp_path, "collegemsg", "1 2 10\n"), verify=False, cache=False)
    assert d.stats()["split_sizes"] == [1, 0, 0] and d.negatives["test"].shape == (0, 49)
