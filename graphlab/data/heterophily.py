"""Heterophilous node-classification graphs in Platonov et al.'s npz format (ICLR 2023, arXiv:2302.11640).

Keys of ``<name>.npz``: ``node_features`` float [N, F], ``node_labels`` int [N], ``edges`` int [E, 2] (each
undirected edge stored once; made symmetric here), ``train_masks`` / ``val_masks`` / ``test_masks`` bool
[S, N] (S = 10 fixed splits). Chameleon, squirrel, actor, cornell, texas and wisconsin ship the Geom-GCN
60/20/20 splits (Pei et al., ICLR 2020; identical to ``geom_gcn/splits``), offered under the names ``fixed``
and ``geom-gcn``; the ``*-filtered`` graphs, minesweeper and tolokers have their own splits (``fixed``).
Binary tasks (minesweeper, tolokers) are scored by ROC-AUC as in the paper, the others by accuracy.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.node import NodeDataset, Split, symmetric_graph
from graphlab.errors import ConfigError, DataError


def reject_params(name: str, params: dict[str, Any], valid: Iterable[str] = ()) -> None:
    """A ``dataset.params`` key the loader does not take is a ConfigError naming the valid ones."""
    valid = sorted(valid)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ConfigError(f"dataset.params.{unknown[0]} is not a parameter of dataset '{name}'; valid: "
                          f"{', '.join(valid) or 'none'}")


def read_npz(path: Path, keys: Iterable[str]) -> dict[str, np.ndarray]:
    """The arrays ``keys`` of a numpy ``.npz`` file (no pickles); unreadable or missing ones are DataErrors."""
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = [k for k in keys if k not in z.files]
            if missing:
                raise DataError(f"{path}: missing array '{missing[0]}' (has {', '.join(z.files) or 'none'})")
            return {k: z[k] for k in keys}
    except (OSError, ValueError, EOFError, KeyError, IndexError, TypeError, RuntimeError, NotImplementedError,
            MemoryError, struct.error, zipfile.BadZipFile, zlib.error) as err:  # zipfile's reactions to damage
        raise DataError(f"{path}: not a readable .npz file ({type(err).__name__}: {err})") from None


def masks_to_splits(train: np.ndarray, valid: np.ndarray, test: np.ndarray, path: Path,
                    keep: np.ndarray | None = None) -> list[Split]:
    """Splits from boolean (or 0/1) masks of shape [S, N]; a node in two sets of one split is a DataError.
    ``keep`` (bool [N]) drops the other nodes from every set (e.g. unlabelled ones)."""
    masks = []
    for m in (train, valid, test):
        if m.dtype != bool and not (np.issubdtype(m.dtype, np.integer) and np.isin(m, (0, 1)).all()):
            raise DataError(f"{path}: split masks must be boolean or 0/1, got dtype {m.dtype}")
        masks.append(m.astype(bool) & (True if keep is None else keep))
    if (masks[0].astype(np.int8) + masks[1] + masks[2] > 1).any():
        raise DataError(f"{path}: a node is in more than one of train/valid/test of the same split")
    return [Split(*(torch.from_numpy(np.flatnonzero(m[k])) for m in masks)) for k in range(masks[0].shape[0])]


def load_heterophily(entry: CatalogEntry, root: str | Path | None = None, geom_gcn: bool = False,
                     **params: Any) -> NodeDataset:
    """Load ``<folder>/<file>.npz`` (the entry's one file). ``geom_gcn`` (catalog option) also names the
    stored splits ``geom-gcn``."""
    reject_params(entry.name, params)
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
