"""LINKX graphs (Lim et al., NeurIPS 2021, arXiv:2110.14446): Facebook100 schools and Twitch-DE.

``fb100-<school>`` reads ``<School>.mat`` (Traud et al. 2012): ``A`` sparse symmetric adjacency [N, N],
``local_info`` int [N, 7] = (status, gender, major, minor, dorm, year, high school), 0 = missing. As in
LINKX: label = gender - 1 (gender 0 → -1, unlabelled, in no split); features = per column other than gender,
an indicator of each distinct value (0 included; sklearn ``label_binarize`` semantics: a column with two
distinct values gives one column, with one value a zero column); 5 random 50/25/25 splits of the labelled
nodes (as many as LINKX's fixed Penn94 splits) drawn with ``torch.Generator`` seeds 0..4. Metric: accuracy.

``twitch-de`` reads the MUSAE files (Rozemberczki et al. 2021) and LINKX's 5 fixed splits: label
``mature``; binary features from ``features.json`` with never-used indices dropped as LINKX does (3170
indices → 2514 columns); metric ROC-AUC.
"""

from __future__ import annotations

import json
import re
import struct
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import scipy.io
import scipy.sparse as sp
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.node import NodeDataset, Split, proportion_split, symmetric_graph
from graphlab.data.params import check_params
from graphlab.data.safe_pickle import safe_loads
from graphlab.data.textio import read_text
from graphlab.errors import DataError

FB100_SPLITS = 5


def one_hot_columns(values: np.ndarray) -> np.ndarray:
    """[N, C] int → float32 [N, Σ width] indicators of each column's distinct values (two values → one
    column marking the larger, one value → one zero column, as sklearn ``label_binarize``)."""
    offset, rows, cols = 0, [], []
    for col in values.T:
        distinct, index = np.unique(col, return_inverse=True)
        many = len(distinct) > 2
        hot = np.arange(len(col)) if many else np.flatnonzero(index == 1)
        rows.append(hot)
        cols.append(offset + (index if many else np.zeros(len(hot), dtype=np.int64)))
        offset += len(distinct) if many else 1
    x = np.zeros((len(values), offset), dtype=np.float32)
    x[np.concatenate(rows), np.concatenate(cols)] = 1.0
    return x


def _read_mat(path: Path) -> dict[str, Any]:
    try:
        return scipy.io.loadmat(path)
    except (scipy.io.matlab.MatReadError, ValueError, TypeError, IndexError, KeyError, OverflowError, EOFError,
            OSError, AttributeError, NotImplementedError, MemoryError, struct.error, zlib.error) as err:
        raise DataError(f"{path}: not a readable MATLAB .mat file ({type(err).__name__}: {err})") from None


def load_fb100(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> NodeDataset:
    """Load ``fb100-<school>`` from ``<root>/linkx_fb100/<School>.mat`` (LINKX gender task)."""
    check_params(entry.name, params, {})
    path = entry.path(root) / next(iter(entry.files))
    mat = _read_mat(path)
    if "A" not in mat or "local_info" not in mat:
        raise DataError(f"{path}: expected variables 'A' and 'local_info', got "
                        f"{', '.join(k for k in mat if not k.startswith('__')) or 'none'}")
    info = mat["local_info"]
    if not (isinstance(info, np.ndarray) and info.ndim == 2 and info.shape[1] == 7
            and np.issubdtype(info.dtype, np.number) and np.isfinite(info).all() and (info >= 0).all()
            and (info == np.round(info)).all()):
        raise DataError(f"{path}: local_info must be a finite non-negative integer [N, 7] matrix, got "
                        f"{getattr(info, 'dtype', type(info).__name__)} {getattr(info, 'shape', '')}")
    info = info.astype(np.int64)
    n = info.shape[0]
    if n == 0:
        raise DataError(f"{path}: holds no nodes (local_info has 0 rows)")
    adj = mat["A"]
    values = adj.data if sp.issparse(adj) else adj
    if not (isinstance(values, np.ndarray) and adj.shape == (n, n) and np.issubdtype(values.dtype, np.number)
            and np.isfinite(values).all()):
        raise DataError(f"{path}: A must be a finite numeric [{n}, {n}] adjacency matrix (N = rows of "
                        f"local_info), got {getattr(adj, 'dtype', type(adj).__name__)} {getattr(adj, 'shape', '')}")
    gender = info[:, 1]
    if (gender > 2).any():
        raise DataError(f"{path}: gender (local_info column 2) must be 0, 1 or 2, got {int(gender.max())}")
    src, dst = sp.coo_matrix(adj).nonzero()
    labels = torch.from_numpy(gender - 1)
    splits = [proportion_split(labels, 0.5, 0.25, seed) for seed in range(FB100_SPLITS)]
    return NodeDataset(name=entry.name, graph=symmetric_graph(src, dst, n),
                       features=torch.from_numpy(one_hot_columns(np.delete(info, 1, axis=1))), labels=labels,
                       num_classes=2, splits={"default": splits, "random": splits}, metric="acc",
                       meta={"source": str(path), "split_seeds": list(range(FB100_SPLITS))})


def _file(entry: CatalogEntry, root: str | Path | None, suffix: str) -> Path:
    """The entry's file whose name ends in ``suffix``."""
    names = [f for f in entry.files if f.endswith(suffix)]
    if len(names) != 1:
        raise DataError(f"catalog entry '{entry.name}' must list exactly one *{suffix} file, got {names}")
    return entry.path(root) / names[0]


def read_csv_lines(path: Path, header: list[str]) -> list[str]:
    """The data lines of a comma-separated file whose first line is exactly ``header``, each checked to
    hold ``len(header)`` fields."""
    lines = read_text(path).splitlines()
    if lines[0].strip().split(",") != header:
        raise DataError(f"{path}:1: expected the header {','.join(header)}, got {lines[0][:80]!r}")
    for i, line in enumerate(lines[1:], 2):
        if line.count(",") != len(header) - 1:
            raise DataError(f"{path}:{i}: expected {len(header)} comma-separated fields, got {line.count(',') + 1}")
    return lines[1:]


def int_fields(lines: list[str], width: int, path: Path, what: str) -> np.ndarray:
    """[len(lines), width] int64 from checked comma-separated lines; the first field that is not an integer is
    a DataError naming its line (numpy's parser first, a line-by-line scan only on failure)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)  # numpy would parse "1.5" via float
            return np.loadtxt(lines, delimiter=",", dtype=np.int64, comments=None, ndmin=2).reshape(len(lines), width)
    except (ValueError, OverflowError, DeprecationWarning):
        for i, line in enumerate(lines, 2):
            for field in line.split(","):
                if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", field):
                    raise DataError(f"{path}:{i}: expected an integer {what}, got {field[:40]!r}") from None
        raise DataError(f"{path}: a {what} lies outside the int64 range") from None


def _read_features(path: Path, n: int, target: Path) -> np.ndarray:
    """``{"<node>": [feature indices]}`` → float32 [n, used indices] binary matrix."""
    try:
        raw = json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: not a readable JSON file ({err})") from None
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a JSON object {{node id: [feature indices]}}, got {type(raw).__name__}")
    nodes, index = [], []
    for key, value in raw.items():
        if not (key.isdigit() and int(key) < n and isinstance(value, list)
                and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)):
            raise DataError(f"{path}: entry {key[:20]!r} must map a node id in 0..{n - 1} (the rows of "
                            f"{target.name}) to a list of non-negative feature indices")
        nodes.append(np.full(len(value), int(key), dtype=np.int64))
        index.append(np.asarray(value, dtype=np.int64))
    rows, cols = (np.concatenate(a) if a else np.zeros(0, np.int64) for a in (nodes, index))
    used, cols = np.unique(cols, return_inverse=True)  # never-used indices dropped (LINKX)
    x = np.zeros((n, len(used)), dtype=np.float32)
    x[rows, cols] = 1.0
    return x


def _read_splits(path: Path, n: int, target: Path) -> list[Split]:
    """LINKX's ``*-splits.npy``: an object array of dicts ``{train, valid, test}`` of node ids, read through
    the restricted unpickler (numpy arrays and plain containers only)."""
    try:
        with path.open("rb") as f:
            version = np.lib.format.read_magic(f)
            if version not in ((1, 0), (2, 0)):
                raise DataError(f"{path}: unsupported .npy format version {version}")
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}[version]
            _, _, dtype = read_header(f)
            if not dtype.hasobject:
                raise DataError(f"{path}: expected an object array of split dicts, got dtype {dtype}")
            raw = safe_loads(f, path)
    except (OSError, ValueError, EOFError, TypeError, AttributeError, IndexError, KeyError, struct.error,
            MemoryError) as err:  # numpy's reactions to a damaged header
        raise DataError(f"{path}: not a readable .npy split file ({type(err).__name__}: {err})") from None
    splits = []
    for k, d in enumerate(np.atleast_1d(np.asarray(raw, dtype=object))):
        parts = _split_parts(d, n)
        if parts is None:
            raise DataError(f"{path}: split {k} must be a dict of train/valid/test node ids in 0..{n - 1} "
                            f"(the rows of {target.name})")
        if len(np.unique(np.concatenate(parts))) != sum(map(len, parts)):
            raise DataError(f"{path}: split {k} repeats a node id across or within train/valid/test")
        splits.append(Split(*(torch.from_numpy(np.sort(p)) for p in parts)))
    if not splits:
        raise DataError(f"{path}: holds no splits")
    return splits


def _split_parts(d: object, n: int) -> list[np.ndarray] | None:
    """[train, valid, test] int64 node ids in 0..n-1 of one LINKX split dict, or None if it is not one."""
    if not (isinstance(d, dict) and all(part in d for part in ("train", "valid", "test"))):
        return None
    try:
        parts = [np.asarray(d[part]) for part in ("train", "valid", "test")]
    except (ValueError, TypeError):
        return None
    if any(p.ndim != 1 or not np.issubdtype(p.dtype, np.integer) or (p.size and (p.min() < 0 or p.max() >= n))
           for p in parts):
        return None
    return [p.astype(np.int64) for p in parts]


def load_twitch(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> NodeDataset:
    """Load ``twitch-de`` from ``<root>/linkx_twitch_de/``: ``*_target.csv`` (node ``new_id`` 0..N-1 and label
    ``mature``), ``*_edges.csv`` (``from,to``), ``*_features.json``, ``*-splits.npy`` (LINKX)."""
    check_params(entry.name, params, {})
    target, edges = _file(entry, root, "_target.csv"), _file(entry, root, "_edges.csv")
    lines = read_csv_lines(target, ["id", "days", "mature", "views", "partner", "new_id"])
    node = int_fields([line.rsplit(",", 1)[1] for line in lines], 1, target, "new_id")[:, 0]
    n = len(node)
    if n == 0 or not np.array_equal(np.sort(node), np.arange(n)):
        raise DataError(f"{target}: new_id must be a permutation of 0..{n - 1} (one row per node)")
    mature = np.array([line.split(",")[2] for line in lines])
    bad = np.flatnonzero(~np.isin(mature, ("True", "False")))
    if bad.size:
        raise DataError(f"{target}:{bad[0] + 2}: expected mature True or False, got {mature[bad[0]][:40]!r}")
    labels = np.empty(n, dtype=np.int64)
    labels[node] = mature == "True"
    src, dst = int_fields(read_csv_lines(edges, ["from", "to"]), 2, edges, "node id").T
    out = np.flatnonzero((src < 0) | (src >= n) | (dst < 0) | (dst >= n))
    if out.size:
        raise DataError(f"{edges}:{out[0] + 2}: node id outside 0..{n - 1} (the rows of {target.name})")
    features = _read_features(_file(entry, root, "_features.json"), n, target)
    splits = _read_splits(_file(entry, root, "-splits.npy"), n, target)
    return NodeDataset(name=entry.name, graph=symmetric_graph(src, dst, n), features=torch.from_numpy(features),
                       labels=torch.from_numpy(labels), num_classes=2,
                       splits={"default": splits, "linkx": splits}, metric="rocauc",
                       meta={"source": str(entry.path(root))})
