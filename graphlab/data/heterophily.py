"""Heterophilous node-classification graphs in Platonov et al.'s npz format (ICLR 2023, arXiv:2302.11640).

Keys of ``<name>.npz``: ``node_features`` float [N, F], ``node_labels`` int [N], ``edges`` int [E, 2] (each
undirected edge stored once; made symmetric here), ``train_masks`` / ``val_masks`` / ``test_masks`` bool
[S, N] (S = 10 fixed splits). Chameleon, squirrel, actor, cornell, texas and wisconsin ship the Geom-GCN
60/20/20 splits (Pei et al., ICLR 2020; identical to ``geom_gcn/splits``), offered under the names ``fixed``
and ``geom-gcn``; the ``*-filtered`` graphs, minesweeper and tolokers have their own splits (``fixed``).
Binary tasks (minesweeper, tolokers) are scored by ROC-AUC as in the paper, the others by accuracy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.node import NodeDataset, masks_to_splits, read_npz, symmetric_graph
from graphlab.data.params import check_params
from graphlab.errors import DataError


def load_heterophily(entry: CatalogEntry, root: str | Path | None = None, geom_gcn: bool = False,
                     **params: Any) -> NodeDataset:
    """Load ``<folder>/<file>.npz`` (the entry's one file). ``geom_gcn`` (catalog option) also names the
    stored splits ``geom-gcn``."""
    check_params(entry.name, params, {})
    path = entry.path(root) / next(iter(entry.files))
    a = read_npz(path, ("node_features", "node_labels", "edges", "train_masks", "val_masks", "test_masks"))
    x, y, edges = a["node_features"], a["node_labels"], a["edges"]
    if x.ndim != 2 or not np.issubdtype(x.dtype, np.number) or not np.isfinite(x).all():
        raise DataError(f"{path}: node_features must be a finite numeric [N, F] matrix, got {x.dtype} {x.shape}")
    n = x.shape[0]
    if n == 0:
        raise DataError(f"{path}: holds no nodes (node_features has 0 rows)")
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n:
        raise DataError(f"{path}: node_labels must be {n} integers in 0..{n - 1}, got {y.dtype} {y.shape}")
    if edges.ndim != 2 or edges.shape[1] != 2 or not np.issubdtype(edges.dtype, np.integer):
        raise DataError(f"{path}: edges must be an integer [E, 2] array, got {edges.dtype} {edges.shape}")
    if edges.size and (edges.min() < 0 or edges.max() >= n):
        raise DataError(f"{path}: edges hold node ids outside 0..{n - 1}")
    shapes = {a[k].shape for k in ("train_masks", "val_masks", "test_masks")}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2 or next(iter(shapes))[1] != n:
        raise DataError(f"{path}: train/val/test masks must share one shape [S, {n}], got {sorted(shapes)}")
    splits = masks_to_splits(a["train_masks"], a["val_masks"], a["test_masks"], path)
    if not splits:
        raise DataError(f"{path}: holds no splits (masks of shape [0, {n}])")
    num_classes = int(y.max()) + 1
    families = {"default": splits, "fixed": splits, **({"geom-gcn": splits} if geom_gcn else {})}
    return NodeDataset(name=entry.name, graph=symmetric_graph(edges[:, 0], edges[:, 1], n),
                       features=torch.from_numpy(x.astype(np.float32)), labels=torch.from_numpy(y.astype(np.int64)),
                       num_classes=num_classes, splits=families, metric="rocauc" if num_classes == 2 else "acc",
                       meta={"source": str(path)})
