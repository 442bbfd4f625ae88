"""Node-classification datasets: a DGL graph, features, labels and named families of splits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dgl
import numpy as np
import torch

from graphlab.errors import ConfigError


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
        if family not in self.splits:
            raise ConfigError(f"dataset '{self.name}' has no split '{family}'; available: {', '.join(self.splits)}")
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


def per_class_split(labels: torch.Tensor, per_class: int, num_valid: int, num_test: int | None,
                    seed: int) -> Split:
    """``per_class`` training nodes of each class, then ``num_valid`` validation nodes and the test nodes
    (all remaining labelled nodes when ``num_test`` is None), drawn with a fixed seed."""
    g = torch.Generator().manual_seed(seed)
    labelled = torch.nonzero(labels >= 0).flatten()
    perm = labelled[torch.randperm(len(labelled), generator=g)]
    train = torch.cat([perm[labels[perm] == c][:per_class] for c in labels[labels >= 0].unique()])
    rest = perm[~torch.isin(perm, train)]
    valid = rest[:num_valid]
    test = rest[num_valid:] if num_test is None else rest[num_valid:num_valid + num_test]
    return Split(train.sort().values, valid.sort().values, test.sort().values)


def edge_homophily(graph: dgl.DGLGraph, labels: torch.Tensor) -> float:
    """Share of edges (between labelled nodes) whose endpoints have the same label."""
    u, v = graph.edges()
    ok = (labels[u] >= 0) & (labels[v] >= 0)
    return float((labels[u][ok] == labels[v][ok]).float().mean()) if ok.any() else float("nan")
