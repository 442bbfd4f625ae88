"""Corrupted variants of the real node-classification files (npz graphs, FB100 .mat, Twitch-DE CSV/JSON/npy,
Geom-GCN split npz, PubMed pickles): every load succeeds or raises the package's own error naming the file."""

from __future__ import annotations

import functools
import io
import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphlab.data import load_dataset
from graphlab.errors import ConfigError, DataError

pytestmark = pytest.mark.realdata


def fuzz(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def load_or_clean_error(name: str, root: Path, file: str) -> None:
    """The contract: success, or a DataError/ConfigError whose message names ``file``."""
    try:
        load_dataset(name, root, verify=False, cache=False)
    except (DataError, ConfigError) as err:
        assert file in str(err), f"message does not name {file}: {err}"


def corrupt_bytes(blob: bytes, kind: str, where: float, value: int) -> bytes:
    pos = min(int(where * len(blob)), len(blob) - 1)
    if kind == "truncate":
        return blob[:pos]
    if kind == "flip":
        return blob[:pos] + bytes([blob[pos] ^ (value % 255 + 1)]) + blob[pos + 1:]
    return b""


BYTES = st.tuples(st.sampled_from(["truncate", "flip", "empty"]), st.floats(0, 1), st.integers(0, 1000))


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def with_file(root: Path, folder: str, file: str, data: bytes, links: Path | None = None) -> None:
    """Put ``data`` as ``root/folder/file``; with ``links``, the folder's other files link to the real ones."""
    (root / folder).mkdir(parents=True, exist_ok=True)
    if links is not None:
        for p in links.iterdir():
            if p.name != file and p.is_file():
                (root / folder / p.name).symlink_to(p)
    (root / folder / file).write_bytes(data)


# ---- heterophily npz (cornell.npz) ----

NPZ_KINDS = ["nan_features", "inf_features", "string_features", "edge_out_of_range", "negative_edge",
             "negative_label", "huge_label", "float_labels", "drop_key", "mask_length", "overlap", "edges_1d",
             "object_array", "no_splits", "valid"]


def mutate_npz(a: dict[str, np.ndarray], kind: str, i: int, key: int) -> dict[str, np.ndarray]:
    a = {k: v.copy() for k, v in a.items()}
    n, e = a["node_features"].shape[0], a["edges"].shape[0]
    if kind in ("nan_features", "inf_features"):
        a["node_features"][i % n, i % a["node_features"].shape[1]] = np.nan if kind == "nan_features" else np.inf
    elif kind == "string_features":
        a["node_features"] = a["node_features"].astype(str)
    elif kind in ("edge_out_of_range", "negative_edge"):
        a["edges"][i % e, key % 2] = n + i if kind == "edge_out_of_range" else -1 - i
    elif kind in ("negative_label", "huge_label"):
        a["node_labels"][i % n] = -1 if kind == "negative_label" else 10**12
    elif kind == "float_labels":
        a["node_labels"] = a["node_labels"].astype(float)
    elif kind == "drop_key":
        del a[sorted(a)[key % len(a)]]
    elif kind == "mask_length":
        a["val_masks"] = a["val_masks"][:, :-1]
    elif kind == "overlap":
        a["train_masks"][i % 10, i % n] = a["test_masks"][i % 10, i % n] = True
    elif kind == "edges_1d":
        a["edges"] = a["edges"].reshape(-1)
    elif kind == "object_array":
        a["node_labels"] = a["node_labels"].astype(object)
    elif kind == "no_splits":
        for k in ("train_masks", "val_masks", "test_masks"):
            a[k] = a[k][:0]
    return a


@functools.lru_cache(maxsize=1)
def cornell(data_root: Path) -> tuple[bytes, dict[str, np.ndarray]]:
    path = data_root / "heterophily_npz" / "cornell.npz"
    with np.load(path) as z:
        return path.read_bytes(), {k: z[k] for k in z.files}


@fuzz(90)
@given(raw=st.booleans(), corruption=BYTES, kind=st.sampled_from(NPZ_KINDS), i=st.integers(0, 10**6),
       key=st.integers(0, 5))
def test_corrupted_heterophily_npz(data_root, raw, corruption, kind, i, key):
    blob, arrays = cornell(data_root)
    data = corrupt_bytes(blob, *corruption) if raw else npz_bytes(mutate_npz(arrays, kind, i, key))
    with tempfile.TemporaryDirectory() as tmp:
        with_file(Path(tmp), "heterophily_npz", "cornell.npz", data)
        load_or_clean_error("cornell", Path(tmp), "cornell.npz")


# ---- FB100 .mat (Reed98.mat) ----

MAT_KINDS = ["nan", "wrong_columns", "gender_3", "negative", "fractional", "strings", "non_square", "drop_A",
             "drop_info", "dense_A", "nan_A", "empty", "valid"]


def mutate_mat(m: dict, kind: str, i: int) -> dict:
    info, adj = m["local_info"].astype(float), m["A"].copy()
    n = info.shape[0]
    out = {"A": adj, "local_info": info}
    if kind == "nan":
        info[i % n, i % 7] = np.nan
    elif kind == "wrong_columns":
        out["local_info"] = info[:, : i % 7]
    elif kind == "gender_3":
        info[i % n, 1] = 3
    elif kind == "negative":
        info[i % n, i % 7] = -1
    elif kind == "fractional":
        info[i % n, i % 7] = 0.5
    elif kind == "strings":
        out["local_info"] = np.array(["abc"] * n)
    elif kind == "non_square":
        out["A"] = adj[:, :-1]
    elif kind in ("drop_A", "drop_info"):
        del out["A" if kind == "drop_A" else "local_info"]
    elif kind == "dense_A":
        out["A"] = adj.toarray()
    elif kind == "nan_A":
        adj = adj.tocsc().astype(float)
        adj.data[i % adj.nnz] = np.nan
        out["A"] = adj
    elif kind == "empty":
        out = {"A": sp.csc_matrix((0, 0)), "local_info": np.zeros((0, 7))}
    return out


@functools.lru_cache(maxsize=1)
def reed98(data_root: Path) -> tuple[bytes, dict]:
    path = data_root / "linkx_fb100" / "Reed98.mat"
    return path.read_bytes(), scipy.io.loadmat(path)


@fuzz(60)
@given(raw=st.booleans(), corruption=BYTES, kind=st.sampled_from(MAT_KINDS), i=st.integers(0, 10**6))
def test_corrupted_fb100_mat(data_root, raw, corruption, kind, i):
    blob, mat = reed98(data_root)
    if raw:
        data = corrupt_bytes(blob, *corruption)
    else:
        buf = io.BytesIO()
        scipy.io.savemat(buf, mutate_mat(mat, kind, i), do_compression=bool(i % 2))
        data = buf.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        with_file(Path(tmp), "linkx_fb100", "Reed98.mat", data)
        load_or_clean_error("fb100-reed98", Path(tmp), "Reed98.mat")


# ---- Twitch-DE: a consistent 150-node piece of the real files, then one file corrupted ----

TWITCH_NODES = 150


@functools.lru_cache(maxsize=1)
def twitch_piece(data_root: Path) -> dict[str, bytes]:
    """The real files restricted to nodes new_id < 150 (edges among them, their features, their splits)."""
    real = data_root / "linkx_twitch_de"
    target = real.joinpath("musae_DE_target.csv").read_text().splitlines()
    edges = real.joinpath("musae_DE_edges.csv").read_text().splitlines()
    keep = [target[0]] + [line for line in target[1:] if int(line.rsplit(",", 1)[1]) < TWITCH_NODES]
    kept_edges = [edges[0]] + [line for line in edges[1:] if max(map(int, line.split(","))) < TWITCH_NODES]
    features = {k: v for k, v in json.loads(real.joinpath("musae_DE_features.json").read_text()).items()
                if int(k) < TWITCH_NODES}
    splits = np.load(real / "twitch-e-DE-splits.npy", allow_pickle=True)  # the trusted real file
    piece = np.array([{p: [i for i in s[p] if i < TWITCH_NODES] for p in ("train", "valid", "test")} for s in splits])
    buf = io.BytesIO()
    np.save(buf, piece, allow_pickle=True)
    return {"musae_DE_target.csv": ("\n".join(keep) + "\n").encode(),
            "musae_DE_edges.csv": ("\n".join(kept_edges) + "\n").encode(),
            "musae_DE_features.json": json.dumps(features).encode(), "twitch-e-DE-splits.npy": buf.getvalue()}


CSV_KINDS = ["truncate", "drop_field", "add_field", "non_numeric", "nan", "huge", "shuffle_header",
             "no_header", "empty", "blank_line", "crlf", "valid"]
JSON_KINDS = ["truncate", "string_value", "nan_value", "negative_index", "bad_key", "top_list", "empty", "valid"]


def corrupt_csv(text: str, kind: str, i: int) -> str:
    lines = text.splitlines()
    r = 1 + i % (len(lines) - 1)
    fields = lines[r].split(",")
    f = i % len(fields)
    if kind == "truncate":
        return text[: i % len(text)]
    if kind == "drop_field":
        lines[r] = ",".join(fields[:f] + fields[f + 1:])
    elif kind == "add_field":
        lines[r] += ",7"
    elif kind in ("non_numeric", "nan", "huge"):
        fields[f] = {"non_numeric": "x1", "nan": "nan", "huge": "9" * 30}[kind]
        lines[r] = ",".join(fields)
    elif kind == "shuffle_header":
        header = lines[0].split(",")
        lines[0] = ",".join(header[1:] + header[:1])
    elif kind == "no_header":
        lines = lines[1:]
    elif kind == "empty":
        return ""
    elif kind == "blank_line":
        lines.insert(r, "")
    elif kind == "crlf":
        return "\r\n".join(lines) + "\r\n"
    return "\n".join(lines) + "\n"


def corrupt_json(text: str, kind: str, i: int) -> str:
    obj = json.loads(text)
    key = sorted(obj)[i % len(obj)]
    if kind == "truncate":
        return text[: i % len(text)]
    if kind == "string_value":
        obj[key] = "abc"
    elif kind == "nan_value":
        obj[key] = [float("nan")]
    elif kind == "negative_index":
        obj[key] = [-1]
    elif kind == "bad_key":
        obj["x" + key] = obj.pop(key)
    elif kind == "top_list":
        obj = list(obj.values())
    elif kind == "empty":
        return ""
    return json.dumps(obj)


@fuzz(70)
@given(file=st.sampled_from(["musae_DE_target.csv", "musae_DE_edges.csv", "musae_DE_features.json",
                             "twitch-e-DE-splits.npy"]),
       csv_kind=st.sampled_from(CSV_KINDS), json_kind=st.sampled_from(JSON_KINDS), corruption=BYTES,
       i=st.integers(0, 10**6))
def test_corrupted_twitch_files(data_root, file, csv_kind, json_kind, corruption, i):
    piece = dict(twitch_piece(data_root))
    if file.endswith(".csv"):
        piece[file] = corrupt_csv(piece[file].decode(), csv_kind, i).encode()
    elif file.endswith(".json"):
        piece[file] = corrupt_json(piece[file].decode(), json_kind, i).encode()
    else:
        piece[file] = corrupt_bytes(piece[file], *corruption)
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in piece.items():
            with_file(Path(tmp), "linkx_twitch_de", name, data)
        load_or_clean_error("twitch-de", Path(tmp), file)


def test_twitch_piece_itself_loads(data_root):
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in twitch_piece(data_root).items():
            with_file(Path(tmp), "linkx_twitch_de", name, data)
        d = load_dataset("twitch-de", Path(tmp), verify=False, cache=False)
        assert d.num_nodes == TWITCH_NODES and len(d.splits["linkx"]) == 5


# ---- Geom-GCN split files of Cora ----

SPLIT_KINDS = ["wrong_length", "value_2", "float_mask", "overlap", "drop_key", "two_d", "valid"]


@fuzz(25)
@given(k=st.integers(0, 9), raw=st.booleans(), corruption=BYTES, kind=st.sampled_from(SPLIT_KINDS),
       i=st.integers(0, 10**6))
def test_corrupted_geom_gcn_split(data_root, k, raw, corruption, kind, i):
    name = f"cora_split_0.6_0.2_{k}.npz"
    real = data_root / "geom_gcn" / "splits"
    if raw:
        data = corrupt_bytes((real / name).read_bytes(), *corruption)
    else:
        with np.load(real / name) as z:
            m = {key: z[key].copy() for key in z.files}
        if kind == "wrong_length":
            m["val_mask"] = m["val_mask"][:-1]
        elif kind == "value_2":
            m["test_mask"] = m["test_mask"].astype(np.int64) * 2
        elif kind == "float_mask":
            m["train_mask"] = m["train_mask"].astype(float)
        elif kind == "overlap":
            m["train_mask"][i % len(m["train_mask"])] = m["val_mask"][i % len(m["train_mask"])] = True
        elif kind == "drop_key":
            del m[sorted(m)[i % 3]]
        elif kind == "two_d":
            m["train_mask"] = m["train_mask"][None]
        data = npz_bytes(m)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "planetoid_cora").symlink_to(data_root / "planetoid_cora")
        (root / "geom_gcn").mkdir()
        with_file(root / "geom_gcn", "splits", name, data, links=None)
        for other in range(10):
            if other != k:
                (root / "geom_gcn" / "splits" / f"cora_split_0.6_0.2_{other}.npz").symlink_to(
                    real / f"cora_split_0.6_0.2_{other}.npz")
        load_or_clean_error("cora", root, name)


# ---- PubMed pickles / test index ----

@fuzz(15)
@given(file=st.sampled_from(["ind.pubmed.y", "ind.pubmed.ty", "ind.pubmed.ally", "ind.pubmed.graph",
                             "ind.pubmed.test.index"]), corruption=BYTES, csv_kind=st.sampled_from(CSV_KINDS),
       i=st.integers(0, 10**6))
def test_corrupted_pubmed(data_root, file, corruption, csv_kind, i):
    real = data_root / "planetoid_pubmed_partial"
    blob = (real / file).read_bytes()
    if file.endswith("test.index") and csv_kind not in ("truncate", "empty"):
        data = ("\n".join(corrupt_csv("id\n" + blob.decode(), csv_kind, i).splitlines()[1:]) + "\n").encode()
    else:
        data = corrupt_bytes(blob, *corruption)
    with tempfile.TemporaryDirectory() as tmp:
        with_file(Path(tmp), "planetoid_pubmed_partial", file, data, links=real)
        load_or_clean_error("pubmed", Path(tmp), file)
