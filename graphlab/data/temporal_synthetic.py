"""``temporal-sbm``: a synthetic event stream with recurring pairs and drifting communities (no files).

N nodes in C communities; the time span is cut into P phases and at each phase start a fraction ``drift`` of
the nodes moves to another community (memberships are in ``meta["communities"]``, (P, N)). Each node keeps
``partners`` favourite contacts drawn from its community, redrawn when it moves. Event e at time t (times
uniform over the span, sorted) has a source drawn with power-law activity w_v ∝ rank_v^(−activity); its
destination is, with probability ``recurrence``, one of the source's partners (a recurring pair), otherwise
with probability ``intra`` a uniform member of the source's current community, else a uniform node. With
probability ``noise`` an event is replaced by a uniform random pair (``meta["noisy"]``, (E,) bool). With
``edge_dim`` > 0, edge features are μ_c(dst) + 0.5·ε (unit-norm community means; noisy events: ε only).
Deterministic given ``seed``; split and stored negatives as for the file-backed streams.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from graphlab.data.params import check_rules
from graphlab.data.temporal import SPLIT_DEFAULTS, TemporalDataset, event_stream, split_params

TEMPORAL_SBM_DEFAULTS: dict[str, Any] = {
    "nodes": 500, "communities": 5, "events": 20000, "span_days": 30.0, "phases": 4, "drift": 0.2,
    "partners": 3, "recurrence": 0.6, "intra": 0.9, "noise": 0.0, "activity": 1.0, "edge_dim": 0, "seed": 0}
_COUNTS = {"nodes": 2, "communities": 1, "events": 1, "phases": 1, "partners": 1, "edge_dim": 0}
_PROBABILITIES = ("drift", "recurrence", "intra", "noise")


def _params(params: dict[str, Any]) -> dict[str, Any]:
    p = split_params("temporal-sbm", params, TEMPORAL_SBM_DEFAULTS)
    check_rules(p, [*((k, p[k] >= least, f"≥ {least}") for k, least in _COUNTS.items()),
                    *((k, 0.0 <= p[k] <= 1.0, "a probability in [0, 1]") for k in _PROBABILITIES),
                    ("span_days", p["span_days"] > 0, "> 0"), ("activity", p["activity"] >= 0, "≥ 0"),
                    ("communities", p["communities"] <= p["nodes"], f"≤ nodes = {p['nodes']}")])
    return p


def _member(orders: np.ndarray, starts: np.ndarray, phase: np.ndarray, community: np.ndarray,
            u: np.ndarray) -> np.ndarray:
    """A uniform member (u ~ U[0, 1)) of ``community`` at ``phase``, per row, given each phase's nodes sorted
    by community (``orders`` (P, N)) and the community offsets in that order (``starts`` (P, C + 1))."""
    lo = starts[phase, community]
    size = starts[phase, community + 1] - lo
    return orders[phase, lo + np.minimum((u * size).astype(np.int64), size - 1)]


def _other(v: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """A uniform node different from each entry of ``v``."""
    return (v + 1 + rng.integers(0, n - 1, size=len(v))) % n


def temporal_sbm(**params: Any) -> TemporalDataset:
    """Generate the stream (see the module docstring); ``params`` override TEMPORAL_SBM_DEFAULTS and the split
    parameters of ``graphlab.data.temporal`` (SPLIT_DEFAULTS)."""
    p = _params(params)
    n, c, e, phases, k = p["nodes"], p["communities"], p["events"], p["phases"], p["partners"]
    rng = np.random.default_rng(p["seed"])
    communities = np.empty((phases, n), dtype=np.int64)
    partners = np.empty((phases, n, k), dtype=np.int64)
    orders, starts = np.empty((phases, n), dtype=np.int64), np.empty((phases, c + 1), dtype=np.int64)
    for ph in range(phases):
        if ph == 0:
            communities[0] = rng.permutation(np.arange(n) % c)  # every community non-empty
            moved = np.ones(n, dtype=bool)
        else:
            moved = (rng.random(n) < p["drift"]) if c > 1 else np.zeros(n, dtype=bool)
            communities[ph] = np.where(moved, (communities[ph - 1] + rng.integers(1, max(c, 2), n)) % c,
                                       communities[ph - 1])
        orders[ph] = np.argsort(communities[ph], kind="stable")
        starts[ph] = np.concatenate([[0], np.cumsum(np.bincount(communities[ph], minlength=c))])
        fresh = _member(orders, starts, np.full(n * k, ph), np.repeat(communities[ph], k),
                        rng.random(n * k)).reshape(n, k)
        partners[ph] = fresh if ph == 0 else np.where(moved[:, None], fresh, partners[ph - 1])

    span = p["span_days"] * 86400.0
    t = np.sort(rng.integers(0, int(span), size=e)).astype(np.float64)
    phase = np.minimum((t / span * phases).astype(np.int64), phases - 1)
    weights = (1.0 + rng.permutation(n)) ** -p["activity"]
    src = rng.choice(n, size=e, p=weights / weights.sum())
    mode = rng.random(e)
    recur = partners[phase, src, rng.integers(0, k, size=e)]
    intra = _member(orders, starts, phase, communities[phase, src], rng.random(e))
    uniform = rng.integers(0, n, size=e)
    dst = np.where(mode < p["recurrence"], recur,
                   np.where(mode < p["recurrence"] + (1 - p["recurrence"]) * p["intra"], intra, uniform))
    loops = dst == src
    dst[loops] = _other(src[loops], n, rng)
    noisy = rng.random(e) < p["noise"]
    src[noisy] = rng.integers(0, n, size=int(noisy.sum()))
    dst[noisy] = _other(src[noisy], n, rng)

    feat = np.zeros((e, p["edge_dim"]), dtype=np.float32)
    if p["edge_dim"]:
        means = rng.standard_normal((c, p["edge_dim"]))
        means /= np.linalg.norm(means, axis=1, keepdims=True)
        feat = (np.where(noisy[:, None], 0.0, means[communities[phase, dst]])
                + 0.5 * rng.standard_normal((e, p["edge_dim"]))).astype(np.float32)
    split = {key: p[key] for key in SPLIT_DEFAULTS}
    meta = {"params": p, "communities": torch.from_numpy(communities), "noisy": torch.from_numpy(noisy)}
    return event_stream("temporal-sbm", src, dst, t, feat, n, ((0, n), (0, n)), "temporal-sbm", meta=meta, **split)


def load_temporal_sbm(entry: Any, root: Any = None, **params: Any) -> TemporalDataset:
    """Catalog loader of ``temporal-sbm`` (no files): the generator with the config's ``dataset.params``."""
    return temporal_sbm(**params)
