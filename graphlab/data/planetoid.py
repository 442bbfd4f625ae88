"""Planetoid citation graphs (``ind.<name>.*`` pickles): Cora, CiteSeer, PubMed with the public GCN split.

Rows of ``tx`` follow ``test.index``; they are put back in graph order as in Kipf & Welling's loader.
CiteSeer has ids in the test range without a feature row (isolated nodes): they get zero features and
label -1 (unlabelled). An entry whose catalog files lack ``ind.<name>.allx`` (our PubMed copy) loads
structure and labels only: ``features`` is None, ``meta["note"]`` says why, and feature-based models are
refused by ``NodeDataset.require_features``.

Split families: ``public`` (= ``default``; the first 20 per class / 500 / 1000 of Yang et al.) and, when
``<root>/geom_gcn/splits`` holds the graph's ten files, ``geom-gcn`` (see ``graphlab.data.geom_gcn``);
without that folder the family is not offered.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.geom_gcn import geom_gcn_splits
from graphlab.data.node import NodeDataset, Split, symmetric_graph
from graphlab.data.params import check_params
from graphlab.data.root import resolve_root
from graphlab.data.safe_pickle import safe_load
from graphlab.data.textio import read_lines
from graphlab.errors import DataError


def _read_test_index(path: Path) -> np.ndarray:
    """``ind.<name>.test.index``: one node id per non-blank line."""
    ids = []
    for i, line in read_lines(path):
        try:
            ids.append(int(line))
        except ValueError:
            raise DataError(f"{path}:{i}: expected one integer node id, got {line.strip()[:40]!r}") from None
        if not 0 <= ids[-1] < 2**62:
            raise DataError(f"{path}:{i}: node id {line.strip()[:40]} is out of range")
    return np.asarray(ids, dtype=np.int64)


def _matrix(path: Path, rows: int | None = None) -> np.ndarray:
    """The pickled dense or CSR matrix ``path`` as a finite 2-d array (of ``rows`` rows when given)."""
    obj = safe_load(path)
    arr = obj.toarray() if sp.issparse(obj) else obj
    if not isinstance(arr, np.ndarray) or arr.ndim != 2 or (rows is not None and arr.shape[0] != rows):
        shape = getattr(arr, "shape", type(arr).__name__)
        raise DataError(f"{path}: expected a 2-d matrix{f' with {rows} rows' if rows else ''}, got {shape}")
    if not np.isfinite(arr).all():
        raise DataError(f"{path}: contains NaN or infinite values")
    return arr


def _graph_order(head: np.ndarray, test: np.ndarray, test_index: np.ndarray, num_nodes: int) -> np.ndarray:
    """float32 [num_nodes, C]: the rows of ``head`` (``allx`` / ``ally``) first, the rows of ``test`` (``tx`` /
    ``ty``) at ``test_index``, zeros elsewhere."""
    out = np.zeros((num_nodes, head.shape[1]), dtype=np.float32)
    out[: head.shape[0]] = head
    out[test_index] = test
    return out


def _features(f: dict[str, Path], name: str, num_nodes: int, rows: tuple[int, int], test_index: np.ndarray,
              n_train: int) -> np.ndarray:
    """[num_nodes, F] features from ``x`` / ``allx`` / ``tx`` (rows = rows of ``ally`` and ``ty``)."""
    allx, tx, x = _matrix(f["allx"], rows[0]), _matrix(f["tx"], rows[1]), _matrix(f["x"], n_train)
    if x.shape[1] != allx.shape[1] or tx.shape[1] != allx.shape[1] or not np.array_equal(x, allx[:n_train]):
        raise DataError(f"{f['x']}: must equal the first {n_train} rows of ind.{name}.allx (and match ind.{name}.tx)")
    return _graph_order(allx, tx, test_index, num_nodes)


def load_planetoid(entry: CatalogEntry, root: str | Path | None = None, **params: object) -> NodeDataset:
    """Load ``cora``, ``citeseer`` or ``pubmed`` from ``<root>/<folder>/ind.<name>.*`` (files checked by the
    caller) and its Geom-GCN splits from ``<root>/geom_gcn/splits`` when present."""
    check_params(entry.name, params, {})
    name, folder = entry.name, entry.path(root)
    f = {k: folder / f"ind.{name}.{k}" for k in ("x", "y", "tx", "ty", "allx", "ally", "graph", "test.index")}
    ally, ty, y = _matrix(f["ally"]), _matrix(f["ty"]), _matrix(f["y"])
    if not (ally.shape[1] == ty.shape[1] == y.shape[1]) or not np.array_equal(y, ally[: y.shape[0]]):
        raise DataError(f"{f['y']}: must equal the first {y.shape[0]} rows of ind.{name}.ally (and have as many "
                        f"columns as ind.{name}.ty)")
    adj = safe_load(f["graph"])
    if not isinstance(adj, dict):
        raise DataError(f"{f['graph']}: expected a dict of adjacency lists, got {type(adj).__name__}")
    test_index = _read_test_index(f["test.index"])
    if len(test_index) != ty.shape[0]:
        raise DataError(f"{f['test.index']}: {len(test_index)} ids but ind.{name}.ty has {ty.shape[0]} rows")

    num_nodes = max(len(adj), ally.shape[0] + ty.shape[0], int(test_index.max()) + 1)
    if test_index.min() < ally.shape[0] or test_index.max() >= num_nodes:
        raise DataError(f"{f['test.index']}: ids must lie in {ally.shape[0]}..{num_nodes - 1}")
    onehot = _graph_order(ally, ty, test_index, num_nodes)
    labels = torch.from_numpy(np.where(onehot.sum(1) > 0, onehot.argmax(1), -1)).long()
    features, meta = None, {"source": str(folder)}
    if f["allx"].name in entry.files:
        features = torch.from_numpy(_features(f, name, num_nodes, (ally.shape[0], ty.shape[0]), test_index, y.shape[0]))
    else:
        meta["note"] = (f"no node features: ind.{name}.allx is absent from this copy, so feature-based models are "
                        f"refused; structure and all labels are complete")

    try:
        src = np.fromiter((u for u, vs in adj.items() for _ in vs), dtype=np.int64)
        dst = np.fromiter((v for vs in adj.values() for v in vs), dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        raise DataError(f"{f['graph']}: adjacency lists must hold integer node ids") from None
    if len(src) and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= num_nodes):
        raise DataError(f"{f['graph']}: node ids outside 0..{num_nodes - 1}")
    graph = symmetric_graph(src, dst, num_nodes)

    n_train = y.shape[0]
    public = Split(torch.arange(n_train), torch.arange(n_train, n_train + 500),
                   torch.from_numpy(np.sort(test_index)))
    splits = {"default": [public], "public": [public]}
    geom = geom_gcn_splits(resolve_root(root), name, labels)
    if geom is not None:
        splits["geom-gcn"] = geom
    return NodeDataset(name=name, graph=graph, features=features, labels=labels, num_classes=ally.shape[1],
                       splits=splits, meta=meta)
