"""Planetoid citation graphs (``ind.<name>.*`` pickles): Cora, CiteSeer with the public GCN split.

Rows of ``tx`` follow ``test.index``; they are put back in graph order as in Kipf & Welling's loader.
CiteSeer has ids in the test range without a feature row (isolated nodes): they get zero features and
label -1 (unlabelled).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.node import NodeDataset, Split, symmetric_graph
from graphlab.data.safe_pickle import safe_load
from graphlab.errors import DataError


def _read_test_index(path: Path) -> np.ndarray:
    ids = []
    for i, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        if line.strip():
            try:
                ids.append(int(line))
            except ValueError:
                raise DataError(f"{path}:{i}: expected one integer node id, got {line.strip()[:40]!r}") from None
    if not ids:
        raise DataError(f"{path}: empty test index")
    return np.asarray(ids, dtype=np.int64)


def _matrix(obj: object, path: Path, rows: int | None = None) -> np.ndarray:
    arr = obj.toarray() if sp.issparse(obj) else obj
    if not isinstance(arr, np.ndarray) or arr.ndim != 2 or (rows is not None and arr.shape[0] != rows):
        shape = getattr(arr, "shape", type(arr).__name__)
        raise DataError(f"{path}: expected a 2-d matrix{f' with {rows} rows' if rows else ''}, got {shape}")
    if not np.isfinite(arr).all():
        raise DataError(f"{path}: contains NaN or infinite values")
    return arr


def load_planetoid(entry: CatalogEntry, root: str | Path | None = None, **_: object) -> NodeDataset:
    """Load ``cora`` or ``citeseer`` from ``<root>/planetoid_<name>/ind.<name>.*`` (files checked by the caller)."""
    name, folder = entry.name, entry.path(root)
    f = {k: folder / f"ind.{name}.{k}" for k in ("x", "y", "tx", "ty", "allx", "ally", "graph", "test.index")}
    allx = _matrix(safe_load(f["allx"]), f["allx"])
    ally = _matrix(safe_load(f["ally"]), f["ally"], allx.shape[0])
    tx = _matrix(safe_load(f["tx"]), f["tx"])
    ty = _matrix(safe_load(f["ty"]), f["ty"], tx.shape[0])
    y = _matrix(safe_load(f["y"]), f["y"])
    x = _matrix(safe_load(f["x"]), f["x"], y.shape[0])
    if x.shape[1] != allx.shape[1] or not np.array_equal(x, allx[: x.shape[0]]):
        raise DataError(f"{f['x']}: must equal the first {x.shape[0]} rows of ind.{name}.allx")
    adj = safe_load(f["graph"])
    if not isinstance(adj, dict):
        raise DataError(f"{f['graph']}: expected a dict of adjacency lists, got {type(adj).__name__}")
    test_index = _read_test_index(f["test.index"])
    if len(test_index) != tx.shape[0]:
        raise DataError(f"{f['test.index']}: {len(test_index)} ids but ind.{name}.tx has {tx.shape[0]} rows")

    num_nodes = max(len(adj), allx.shape[0] + tx.shape[0], int(test_index.max()) + 1)
    features = np.zeros((num_nodes, allx.shape[1]), dtype=np.float32)
    onehot = np.zeros((num_nodes, ally.shape[1]), dtype=np.float32)
    features[: allx.shape[0]] = allx
    onehot[: ally.shape[0]] = ally
    if test_index.min() < allx.shape[0] or test_index.max() >= num_nodes:
        raise DataError(f"{f['test.index']}: ids must lie in {allx.shape[0]}..{num_nodes - 1}")
    features[test_index] = tx
    onehot[test_index] = ty
    labels = np.where(onehot.sum(1) > 0, onehot.argmax(1), -1)

    try:
        src = np.fromiter((u for u, vs in adj.items() for _ in vs), dtype=np.int64)
        dst = np.fromiter((v for vs in adj.values() for v in vs), dtype=np.int64)
    except (TypeError, ValueError):
        raise DataError(f"{f['graph']}: adjacency lists must hold integer node ids") from None
    if len(src) and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= num_nodes):
        raise DataError(f"{f['graph']}: node ids outside 0..{num_nodes - 1}")
    graph = symmetric_graph(src, dst, num_nodes)

    n_train = y.shape[0]
    public = Split(torch.arange(n_train), torch.arange(n_train, n_train + 500),
                   torch.from_numpy(np.sort(test_index)))
    return NodeDataset(name=name, graph=graph, features=torch.from_numpy(features),
                       labels=torch.from_numpy(labels).long(), num_classes=ally.shape[1],
                       splits={"default": [public], "public": [public]},
                       meta={"source": str(folder)})
