"""Corrupted heads of the real interaction files (ml100k, lastfm, beauty): every variant either loads or ends
in DataError/ConfigError whose message names the corrupted file; never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from graphlab.data import load_dataset
from graphlab.data.interactions import InteractionDataset
from graphlab.errors import ConfigError, DataError

pytestmark = pytest.mark.realdata

# dataset → folder, {file: (field separator, has a header)}
FILES = {
    "ml100k": ("movielens_100k", {"u.data": (b"\t", False), "u.item": (b"|", False)}),
    "lastfm": ("lastfm_hetrec2011", {"user_artists.dat": (b"\t", True), "user_taggedartists.dat": (b"\t", True),
                                     "tags.dat": (b"\t", True), "artists.dat": (b"\t", True)}),
    "beauty": ("amazon_beauty_seq", {"Beauty.txt": (b" ", False)}),
}
TARGETS = [(name, file) for name, (_, files) in FILES.items() for file in files]
HEAD = 150
BAD = [b"abc", b"", b"nan", b"NaN", b"inf", b"-inf", b"-4", b"2.5", b"1e400", b"99999999999999999999999",
       b"\xe9t\xe9", b"\xff\xfe", b"0x10", b"4 ", b"\x00"]
KINDS = ["truncate", "drop_field", "add_field", "bad_field", "shuffle_header", "empty", "flip_bytes",
         "duplicate_line", "drop_line", "crlf", "swap_lines"]


@pytest.fixture(scope="session")
def heads(data_root: Path) -> dict[str, list[bytes]]:
    """The first HEAD lines (bytes, without line ends) of every file above."""
    out = {}
    for folder, files in FILES.values():
        for file in files:
            with open(data_root / folder / file, "rb") as f:
                out[file] = [next(f).rstrip(b"\r\n") for _ in range(HEAD)]
    return out


def _write(root: Path, name: str, heads: dict[str, list[bytes]], replaced: dict[str, bytes]) -> None:
    folder, files = FILES[name]
    (root / folder).mkdir(parents=True)
    for file in files:
        (root / folder / file).write_bytes(replaced.get(file, b"\n".join(heads[file]) + b"\n"))


def _corrupt(lines: list[bytes], sep: bytes, header: bool, kind: str, data: st.DataObject) -> bytes:
    lines = list(lines)
    blob = b"\n".join(lines) + b"\n"
    i = data.draw(st.integers(1 if header else 0, len(lines) - 1), label="line")
    fields = lines[i].split(sep)
    j = data.draw(st.integers(0, len(fields) - 1), label="field")
    if kind == "truncate":
        return blob[: data.draw(st.integers(0, len(blob) - 1), label="cut")]
    if kind == "empty":
        return data.draw(st.sampled_from([b"", b"\n", b"\r\n  \r\n", b"\xef\xbb\xbf"]), label="empty")
    if kind == "flip_bytes":
        pos = data.draw(st.integers(0, len(blob) - 1), label="pos")
        return blob[:pos] + data.draw(st.binary(min_size=1, max_size=3), label="bytes") + blob[pos + 1:]
    if kind == "crlf":
        return blob.replace(b"\n", b"\r\n")
    if kind == "drop_field":
        lines[i] = sep.join(fields[:j] + fields[j + 1:])
    elif kind == "add_field":
        lines[i] = sep.join(fields[:j] + [data.draw(st.sampled_from([b"1", b"x", b""]), label="extra")] + fields[j:])
    elif kind == "bad_field":
        fields[j] = data.draw(st.sampled_from(BAD), label="value")
        lines[i] = sep.join(fields)
    elif kind == "shuffle_header":  # the header (or the first row of a header-less file) in another order
        lines[0] = sep.join(data.draw(st.permutations(lines[0].split(sep)), label="order"))
    elif kind == "duplicate_line":
        lines.insert(i, lines[i])
    elif kind == "drop_line":
        del lines[i]
    elif kind == "swap_lines":
        k = data.draw(st.integers(0, len(lines) - 1), label="other")
        lines[i], lines[k] = lines[k], lines[i]
    return b"\n".join(lines) + b"\n"


def test_clean_heads_load(heads):
    for name in FILES:
        with tempfile.TemporaryDirectory() as tmp:
            _write(Path(tmp), name, heads, {})
            ds = load_dataset(name, tmp, verify=False, cache=False)
        assert isinstance(ds, InteractionDataset) and ds.stats()["interactions"] > 50


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(TARGETS), kind=st.sampled_from(KINDS), data=st.data())
def test_corrupted_heads_load_or_name_the_file(heads, target, kind, data):
    name, file = target
    sep, header = FILES[name][1][file]
    variant = _corrupt(heads[file], sep, header, kind, data)
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), name, heads, {file: variant})
        try:
            ds = load_dataset(name, tmp, verify=False, cache=False)
        except (DataError, ConfigError) as err:
            event(f"{kind}: error")
            assert file in str(err), f"{kind} on {file}: message does not name the file: {err}"
            return
    event(f"{kind}: loaded")
    st_ = ds.stats()  # what `graphlab data info` prints must work on whatever loaded
    assert st_["interactions"] == len(ds.user) > 0 and 0 < st_["density"] <= 1
    split = ds.split()
    assert len(split.train) + len(split.valid) + len(split.test) == ds.num_interactions
