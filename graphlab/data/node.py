"""Node-classification datasets: a DGL graph, features, labels and named families of splits, and the split
builders (seeded per-class, proportional, stratified; stored masks) and ``.npz`` reader the node loaders share."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dgl
import numpy as np
import torch

from graphlab.data.params import check_split
from graphlab.errors import ConfigError, DataError


@dataclass(frozen=True)
class Split:
    """Node ids of the train / valid / test sets (int64 tensors)."""

    train: torch.Tensor
    valid: torch.Tensor
    test: torch.Tensor


@dataclass
class NodeDataset:
    """Graph stored symmetric without self-loops; ``labels`` -1 marks unlabelled nodes.

    ``splits`` maps a split family (``public``, ``geom-gcn`` …) to its members; ``splits["default"]``
    is the family used when a config does not name one.
    """

    name: str
    graph: dgl.DGLGraph
    features: torch.Tensor | None
    labels: torch.Tensor
    num_classes: int
    splits: dict[str, list[Split]]
    metric: str = "acc"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def num_nodes(self) -> int:
        return self.graph.num_nodes()

    def split(self, family: str = "default", index: int = 0) -> Split:
        """Member ``index mod len(family)`` of a split family; an unknown family names the valid ones."""
        check_split(self.name, family, self.splits)
        members = self.splits[family]
        return members[index % len(members)]

    def stats(self) -> dict[str, Any]:
        """``graphlab data info`` figures: nodes, undirected edges, features, classes, homophily, splits."""
        first = self.split()
        return {"nodes": self.num_nodes, "edges": self.graph.num_edges() // 2,
                "features": None if self.features is None else int(self.features.shape[1]),
                "classes": self.num_classes, "labelled": int((self.labels >= 0).sum()),
                "homophily": round(edge_homophily(self.graph, self.labels), 4), "metric": self.metric,
                "splits": {k: len(v) for k, v in self.splits.items()},
                "split_sizes": [len(first.train), len(first.valid), len(first.test)],
                **({"note": self.meta["note"]} if "note" in self.meta else {})}

    def require_features(self, model: str) -> torch.Tensor:
        if self.features is None:
            raise ConfigError(f"dataset '{self.name}' has no node features; the feature-based model '{model}' "
                              f"cannot run on it")
        return self.features


def symmetric_graph(src: np.ndarray, dst: np.ndarray, num_nodes: int) -> dgl.DGLGraph:
    """An undirected simple graph as a DGLGraph: both directions, duplicates and self-loops removed."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    keep = src != dst
    u = np.concatenate([src[keep], dst[keep]])
    v = np.concatenate([dst[keep], src[keep]])
    pairs = np.unique(u * num_nodes + v)
    return dgl.graph((torch.from_numpy(pairs // num_nodes), torch.from_numpy(pairs % num_nodes)), num_nodes=num_nodes)


def _labelled_permutation(labels: torch.Tensor, seed: int) -> torch.Tensor:
    """The labelled nodes (labels ≥ 0) in the order of ``torch.randperm`` drawn with ``seed``."""
    labelled = torch.nonzero(labels >= 0).flatten()
    return labelled[torch.randperm(len(labelled), generator=torch.Generator().manual_seed(seed))]


def _sorted_split(*parts: np.ndarray | torch.Tensor) -> Split:
    """A Split of the three node-id sets, each sorted (int64 tensors)."""
    return Split(*(torch.from_numpy(np.sort(np.asarray(p, dtype=np.int64))) for p in parts))


def per_class_split(labels: torch.Tensor, per_class: int, num_valid: int, num_test: int | None,
                    seed: int) -> Split:
    """``per_class`` training nodes of each class, then ``num_valid`` validation nodes and the test nodes
    (all remaining labelled nodes when ``num_test`` is None), drawn with a fixed seed: in one seeded permutation
    of the labelled nodes, the first ``per_class`` of each class train, the others follow in order."""
    perm = _labelled_permutation(labels, seed).numpy()
    y = labels.numpy()[perm]
    order = np.argsort(y, kind="stable")
    counts = np.bincount(y)
    rank = np.empty(len(y), dtype=np.int64)  # position of each node among the nodes of its class in perm
    rank[order] = np.arange(len(y)) - (np.cumsum(counts) - counts)[y[order]]
    rest = perm[rank >= per_class]
    end = None if num_test is None else num_valid + num_test
    return _sorted_split(perm[rank < per_class], rest[:num_valid], rest[num_valid:end])


def proportion_split(labels: torch.Tensor, train: float, valid: float, seed: int) -> Split:
    """A random split of the labelled nodes (labels ≥ 0): the first ⌊train·n⌋ of a seeded permutation for
    training, the next ⌊valid·n⌋ for validation, the rest for test (LINKX ``rand_train_test_idx``)."""
    perm = _labelled_permutation(labels, seed)
    n_train, n_valid = int(train * len(perm)), int(valid * len(perm))
    return _sorted_split(perm[:n_train], perm[n_train:n_train + n_valid], perm[n_train + n_valid:])


def stratified_split(labels: torch.Tensor, train: float, valid: float, seed: int) -> Split:
    """Per class c with n_c labelled nodes: ⌊train·n_c + ½⌋ training, ⌊valid·n_c + ½⌋ validation nodes and
    the rest test, from one seeded permutation per class (classes in increasing order, one generator)."""
    g = torch.Generator().manual_seed(seed)
    parts: list[list[torch.Tensor]] = [[], [], []]
    for c in sorted({c for c in labels.tolist() if c >= 0}):
        members = torch.nonzero(labels == c).flatten()
        members = members[torch.randperm(len(members), generator=g)]
        n_train, n_valid = int(train * len(members) + 0.5), int(valid * len(members) + 0.5)
        for part, chunk in zip(parts, (members[:n_train], members[n_train:n_train + n_valid],
                                       members[n_train + n_valid:]), strict=True):
            part.append(chunk)
    return _sorted_split(*(torch.cat(p) for p in parts))


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


def edge_homophily(graph: dgl.DGLGraph, labels: torch.Tensor) -> float:
    """Share of edges (between labelled nodes) whose endpoints have the same label."""
    u, v = graph.edges()
    ok = (labels[u] >= 0) & (labels[v] >= 0)
    return float((labels[u][ok] == labels[v][ok]).float().mean()) if ok.any() else float("nan")
