"""The helpers every family shares: dataset.params validation, text reading, safe unpickling, split builders."""

from __future__ import annotations

import io
import pickle
import shutil

import numpy as np
import pytest
import torch

from graphlab.data.node import per_class_split, proportion_split, stratified_split
from graphlab.data.params import check_params, check_rules, check_split
from graphlab.data.safe_pickle import safe_loads
from graphlab.data.textio import read_jsonl, read_lines, read_text
from graphlab.errors import ConfigError, DataError

DEFAULTS = {"n": 3, "rate": 0.5, "flag": False, "mode": "a", "items": [1], "any": None}


def test_check_params_merges_and_coerces_to_the_default_types():
    p = check_params("toy", {"n": 4.0, "rate": 1, "items": (2, 3), "any": "x"}, DEFAULTS)
    assert p == {**DEFAULTS, "n": 4, "rate": 1.0, "items": [2, 3], "any": "x"}
    assert type(p["n"]) is int and type(p["rate"]) is float
    assert check_params("toy", {"n": [1, 2]}, DEFAULTS, untyped=("n",))["n"] == [1, 2]


@pytest.mark.parametrize(("params", "message"), [
    ({"nn": 1}, r"dataset\.params\.nn is not a parameter of 'toy'; valid: any, flag, items, mode, n, rate$"),
    ({"n": 2.5}, r"dataset\.params\.n must be an integer \(got 2\.5\)"),
    ({"n": True}, r"dataset\.params\.n must be an integer"),
    ({"n": "3"}, r"dataset\.params\.n must be an integer"),
    ({"rate": float("nan")}, r"dataset\.params\.rate must be a finite number"),
    ({"rate": 10**400}, r"dataset\.params\.rate must be a finite number"),
    ({"flag": 1}, r"dataset\.params\.flag must be true or false"),
    ({"mode": 1}, r"dataset\.params\.mode must be a string"),
    ({"items": "ab"}, r"dataset\.params\.items must be a list"),
])
def test_check_params_names_the_bad_key(params, message):
    with pytest.raises(ConfigError, match=message):
        check_params("toy", params, DEFAULTS)
    with pytest.raises(ConfigError, match="valid: none"):
        check_params("toy", {"x": 1}, {})


def test_check_rules_and_check_split():
    check_rules({"n": 3}, [("n", True, "≥ 1")])
    with pytest.raises(ConfigError, match=r"dataset\.params\.n must be ≥ 5 \(got 3\)"):
        check_rules({"n": 3}, [("n", True, "≥ 1"), ("n", False, "≥ 5")])
    with pytest.raises(ConfigError, match="dataset 'toy' has no split 'dev'; available: train, test"):
        check_split("toy", "dev", ("train", "test"))


def test_read_text_modes(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"\xef\xbb\xbfok\n\xe9t\xe9\na\x00b\n")
    assert read_text(path, fallback="latin-1") == "ok\n\u00e9t\u00e9\na\x00b\n"  # BOM dropped, line 2 latin-1
    with pytest.raises(DataError, match=r"f\.txt:2: not valid UTF-8 \(byte 0xe9\)"):
        read_text(path)
    with pytest.raises(DataError, match=r"f\.txt:2: expected UTF-8 text without NUL bytes, got byte 0xe9"):
        read_text(path, nul=False)
    path.write_bytes(b"ok\na\x00b\n")
    with pytest.raises(DataError, match=r"f\.txt:2: expected UTF-8 text without NUL bytes, got byte 0x00"):
        read_text(path, nul=False)
    for blank in (b"", b" \n\r\n"):
        path.write_bytes(blank)
        with pytest.raises(DataError, match=r"f\.txt: empty file"):
            read_text(path)
    with pytest.raises(DataError, match="cannot read .*missing.txt"):
        read_text(tmp_path / "missing.txt")


def test_read_lines_and_jsonl(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"a": 1}\r\n\n  \n{"b": 2}\n')
    assert read_lines(path) == [(1, '{"a": 1}'), (4, '{"b": 2}')]
    assert read_jsonl(path) == [(1, {"a": 1}), (4, {"b": 2})]
    path.write_text("\u2028\n")  # white space to str.strip only: no line left
    with pytest.raises(DataError, match="empty file"):
        read_lines(path)
    for text, message in [('{"a": NaN}\n', r"f\.jsonl:1: NaN is not a valid value"),
                          ('{"a": 1}\n[1]\n', r"f\.jsonl:2: expected a JSON object, got list"),
                          ('{"a": \n', r"f\.jsonl:1: invalid JSON")]:
        path.write_text(text)
        with pytest.raises(DataError, match=message):
            read_jsonl(path)


class _Evil:
    def __reduce__(self):
        return (shutil.rmtree, ("/nonexistent-graphlab-test",))


def test_safe_loads_reads_bytes_and_streams_and_refuses_globals():
    blob = pickle.dumps({"x": [0, 1, 2]}, protocol=2)
    assert safe_loads(blob, "mem") == {"x": [0, 1, 2]}
    stream = io.BytesIO(b"head" + blob)
    stream.seek(4)
    assert safe_loads(stream, "stream") == {"x": [0, 1, 2]}
    with pytest.raises(DataError, match="evil.pkl: refused to unpickle.*shutil.rmtree"):
        safe_loads(pickle.dumps(_Evil(), protocol=2), "evil.pkl")
    with pytest.raises(DataError, match=r"cut\.pkl: "):
        safe_loads(blob[:10], "cut.pkl")


def _per_class_reference(labels: torch.Tensor, per_class: int, num_valid: int, num_test: int | None,
                         seed: int) -> list[list[int]]:
    """per_class_split by its definition: a class-by-class scan of the seeded permutation."""
    labelled = torch.nonzero(labels >= 0).flatten()
    perm = labelled[torch.randperm(len(labelled), generator=torch.Generator().manual_seed(seed))].tolist()
    taken: dict[int, int] = {}
    train, rest = [], []
    for v in perm:
        c = int(labels[v])
        (train if taken.get(c, 0) < per_class else rest).append(v)
        taken[c] = taken.get(c, 0) + 1
    test = rest[num_valid:] if num_test is None else rest[num_valid:num_valid + num_test]
    return [sorted(train), sorted(rest[:num_valid]), sorted(test)]


def test_per_class_split_matches_its_definition():
    rng = np.random.default_rng(0)
    for trial in range(60):
        labels = torch.from_numpy(rng.integers(-1, int(rng.integers(1, 8)), int(rng.integers(1, 300))))
        args = (int(rng.integers(0, 25)), int(rng.integers(0, 80)), None if trial % 2 else int(rng.integers(0, 80)),
                int(rng.integers(0, 10**6)))
        s = per_class_split(labels, *args)
        assert [t.tolist() for t in (s.train, s.valid, s.test)] == _per_class_reference(labels, *args)
        assert all(t.dtype == torch.int64 for t in (s.train, s.valid, s.test))


def test_split_builders_are_pinned_for_a_seed():
    """Fixed outputs: a faster rewrite of a builder must not change the nodes it draws."""
    labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, -1, 2, 0, 1, 2])
    pinned = [(per_class_split(labels, 2, 3, None, 7), [[0, 2, 4, 5, 6, 7], [12, 13, 15], [1, 3, 8, 9, 10, 14]]),
              (proportion_split(labels, 0.5, 0.25, 7), [[0, 2, 5, 6, 7, 13, 15], [1, 4, 12], [3, 8, 9, 10, 14]]),
              (stratified_split(labels, 0.5, 0.25, 7), [[0, 2, 3, 4, 8, 9, 10, 12, 14], [6, 7, 15], [1, 5, 13]])]
    for split, expected in pinned:
        assert [t.tolist() for t in (split.train, split.valid, split.test)] == expected
