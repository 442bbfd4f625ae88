"""Temporal event streams (TGL-style): events (src, dst, t, edge features) in time order, a chronological
train/valid/test split and negatives drawn once and stored — 9 per validation event, 49 per test event.

Node ids are contiguous: a unipartite stream numbers the ids that occur, in increasing order of their file id,
0..N-1; a bipartite stream (users × items) numbers users 0..U-1 and items U..N-1 the same way, so items never
collide with users whatever their ids in the file (raw JODIE numbers both from 0; TGN's copy already shifts
items after the users; MovieLens numbers both from 1). ``node_ids`` keeps every node's id in the file.

Events are sorted stably by time (ties keep file order). Edge features are (E, d) float32 with d = 0 when the
source has none (wikipedia here, CollegeMsg); ratings (Bitcoin, MovieLens) are one raw feature column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.event_formats import FORMATS, read_events
from graphlab.data.params import check_params, check_rules, check_split
from graphlab.errors import ConfigError, DataError

SPLIT_DEFAULTS: dict[str, Any] = {"valid_fraction": 0.15, "test_fraction": 0.15, "negative_seed": 0}
NEGATIVES_PER_EVENT = {"valid": 9, "test": 49}
SPLITS = ("train", "valid", "test")


@dataclass
class TemporalDataset:
    """An event stream: E events between ``num_nodes`` nodes.

    Shapes: ``src``, ``dst`` (E,) int64; ``t`` (E,) float64 seconds, non-decreasing; ``edge_feat`` (E, d)
    float32; ``node_ids`` (N,) int64 file id of each node; ``labels`` (E,) int64 or None (wikipedia: 1 when the
    user was banned after the edit). ``sides`` = (source side, destination side) as half-open id ranges:
    ((0, U), (U, N)) when bipartite, ((0, N), (0, N)) otherwise. Events ``[0, b1)`` train, ``[b1, b2)`` valid,
    ``[b2, E)`` test with ``boundaries = (b1, b2)``; ``negatives["valid"]`` (E_valid, 9) and
    ``negatives["test"]`` (E_test, 49) are destination-side nodes, never the event's true destination.
    """

    name: str
    src: torch.Tensor
    dst: torch.Tensor
    t: torch.Tensor
    edge_feat: torch.Tensor
    num_nodes: int
    bipartite: bool
    sides: tuple[tuple[int, int], tuple[int, int]]
    boundaries: tuple[int, int]
    negatives: dict[str, torch.Tensor]
    node_ids: torch.Tensor
    labels: torch.Tensor | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def num_events(self) -> int:
        return len(self.src)

    def span(self, split: str) -> tuple[int, int]:
        """Half-open event-index range of ``split`` (train | valid | test)."""
        check_split(self.name, split, SPLITS)
        bounds = (0, *self.boundaries, self.num_events)
        i = SPLITS.index(split)
        return bounds[i], bounds[i + 1]

    def events(self, split: str) -> torch.Tensor:
        """Event ids (int64) of ``split``."""
        return torch.arange(*self.span(split))

    def stats(self) -> dict[str, Any]:
        """``graphlab data info`` figures: events, nodes, time span (seconds and days), sides, splits."""
        t = self.t
        span = float(t[-1] - t[0]) if self.num_events else 0.0
        pairs = torch.unique(self.src * self.num_nodes + self.dst).numel()
        out: dict[str, Any] = {"events": self.num_events, "nodes": self.num_nodes, "time_span": span,
                               "time_span_days": round(span / 86400, 1), "first_time": float(t[0]),
                               "last_time": float(t[-1]), "bipartite": self.bipartite}
        if self.bipartite:
            out["users"], out["items"] = self.sides[0][1] - self.sides[0][0], self.sides[1][1] - self.sides[1][0]
        return {**out, "edge_features": int(self.edge_feat.shape[1]), "distinct_pairs": pairs,
                "split_sizes": [b - a for a, b in map(self.span, SPLITS)],
                "negatives": {k: int(v.shape[1]) for k, v in self.negatives.items()}}


def split_params(dataset: str, params: dict[str, Any], own: dict[str, Any] | None = None) -> dict[str, Any]:
    """``params`` over SPLIT_DEFAULTS and the loader's ``own`` defaults, validated: unknown keys, bad types and
    bad split fractions are ConfigErrors naming ``dataset.params.<key>``."""
    p = check_params(dataset, params, {**SPLIT_DEFAULTS, **(own or {})})
    check_rules(p, [(k, 0.0 <= p[k] < 1.0, "a number in [0, 1)") for k in ("valid_fraction", "test_fraction")])
    if p["valid_fraction"] + p["test_fraction"] >= 1.0:
        raise ConfigError("dataset.params.valid_fraction + dataset.params.test_fraction must be < 1")
    return p


def chronological_boundaries(t: np.ndarray, valid_fraction: float, test_fraction: float) -> tuple[int, int]:
    """(b1, b2) for sorted times ``t``: q1 = round((1 − valid − test)·E), q2 = round((1 − test)·E) are the
    quantile positions; each boundary moves forward past every event sharing the time of the event just
    before it (b1 = #{t ≤ t[q1 − 1]}), so equal timestamps never straddle two splits and no validation or
    test event precedes a training event."""
    n = len(t)
    q1 = int(round((1.0 - valid_fraction - test_fraction) * n))
    q2 = int(round((1.0 - test_fraction) * n))
    b1 = int(np.searchsorted(t, t[q1 - 1], side="right")) if q1 > 0 else 0
    b2 = int(np.searchsorted(t, t[q2 - 1], side="right")) if q2 > 0 else 0
    return b1, max(b1, b2)


def draw_negatives(dst: np.ndarray, side: tuple[int, int], k: int, rng: np.random.Generator) -> np.ndarray:
    """(len(dst), k) nodes uniform over ``side`` minus each row's true destination (with replacement):
    r ~ U{0..M−2}, negative = lo + r + [r ≥ dst − lo]."""
    lo, hi = side
    r = rng.integers(0, hi - lo - 1, size=(len(dst), k), dtype=np.int64)
    return lo + r + (r >= (dst - lo)[:, None])


def event_stream(name: str, src: np.ndarray, dst: np.ndarray, t: np.ndarray, edge_feat: np.ndarray,
                 num_nodes: int, sides: tuple[tuple[int, int], tuple[int, int]], origin: str,
                 node_ids: np.ndarray | None = None, labels: np.ndarray | None = None,
                 meta: dict[str, Any] | None = None, **params: Any) -> TemporalDataset:
    """Sort events stably by time, split them chronologically and draw the stored negatives with
    ``np.random.default_rng([negative_seed, 1])`` (valid) and ``[negative_seed, 2]`` (test).
    ``params`` are the validated split parameters (SPLIT_DEFAULTS); ``origin`` names the data in errors."""
    order = np.argsort(t, kind="stable")
    src, dst, t, edge_feat = src[order], dst[order], t[order], edge_feat[order]
    b1, b2 = chronological_boundaries(t, float(params["valid_fraction"]), float(params["test_fraction"]))
    bounds = {"valid": (b1, b2), "test": (b2, len(t))}
    negatives = {}
    for i, (split, k) in enumerate(NEGATIVES_PER_EVENT.items(), 1):
        lo, hi = bounds[split]
        if hi > lo and sides[1][1] - sides[1][0] < 2:
            raise DataError(f"{origin}: cannot draw {split} negatives: the destination side has fewer than 2 nodes")
        rng = np.random.default_rng([int(params["negative_seed"]), i])
        negatives[split] = torch.from_numpy(draw_negatives(dst[lo:hi], sides[1], k, rng) if hi > lo
                                            else np.zeros((0, k), dtype=np.int64))
    bipartite = sides[0] != sides[1]
    return TemporalDataset(
        name=name, src=torch.from_numpy(src), dst=torch.from_numpy(dst), t=torch.from_numpy(t),
        edge_feat=torch.from_numpy(np.ascontiguousarray(edge_feat, dtype=np.float32)), num_nodes=num_nodes,
        bipartite=bipartite, sides=sides, boundaries=(b1, b2), negatives=negatives,
        node_ids=torch.from_numpy(np.arange(num_nodes) if node_ids is None else node_ids),
        labels=None if labels is None else torch.from_numpy(labels[order]), meta=meta or {})


def contiguous_ids(src: np.ndarray, dst: np.ndarray, bipartite: bool
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[tuple[int, int], tuple[int, int]]]:
    """File ids → 0..N-1 in increasing file-id order (bipartite: users first, then items); returns the new
    src, dst, the file id of every node and the two sides."""
    if bipartite:
        users, items = np.unique(src), np.unique(dst)
        u = len(users)
        return (np.searchsorted(users, src), u + np.searchsorted(items, dst), np.concatenate([users, items]),
                ((0, u), (u, u + len(items))))
    ids = np.unique(np.concatenate([src, dst]))
    n = len(ids)
    return np.searchsorted(ids, src), np.searchsorted(ids, dst), ids, ((0, n), (0, n))


def load_event_stream(entry: CatalogEntry, root: str | Path | None = None, format: str = "", **params: Any
                      ) -> TemporalDataset:
    """Catalog loader of the event-stream datasets: the entry's one file read in ``format``
    (``event_formats.FORMATS``, fixed by the catalog's ``options``); params: SPLIT_DEFAULTS."""
    if format not in FORMATS:
        raise ConfigError(f"dataset '{entry.name}': unknown event format {format!r}; known: {', '.join(FORMATS)}")
    p = split_params(entry.name, params)
    fmt = FORMATS[format]
    path = entry.path(root) / next(iter(entry.files))
    raw = read_events(path, fmt)
    src, dst, node_ids, sides = contiguous_ids(raw.src, raw.dst, fmt.bipartite)
    return event_stream(entry.alias_of or entry.name, src, dst, raw.t, raw.features, sides[1][1], sides, str(path),
                        node_ids=node_ids, labels=raw.labels, meta={"source": str(path), "format": format}, **p)
