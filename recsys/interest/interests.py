"""User interest vectors over K clusters.

Each item i gets a relevance row R_i ∈ Δ^K:

- ``counts``: R_i = onehot(c(i)), so η_u is the share of u's history in each cluster (normalised counts);
- ``ppr``: personalised PageRank from i on the co-engagement graph, R_i = Σ_{k ∈ cluster} π_i(k) with
  π_i = α Σ_{t=0}^{T} (1-α)^t e_i P^t (P row-normalised adjacency; rows renormalised after truncation), which
  spreads a light user's few items over the neighbouring interests.

η_u = mean_{j ∈ H_u} R_j (H_u with repetitions), and leaving one item i out is (|H_u| η_u − R_i) / (|H_u| − 1).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

INTERESTS = ("counts", "ppr")


def cluster_indicator(labels: np.ndarray, k: int | None = None) -> sp.csr_matrix:
    """M (I, K) with M[i, c(i)] = 1."""
    k = int(labels.max()) + 1 if k is None else k
    return sp.csr_matrix((np.ones(len(labels), np.float32), (np.arange(len(labels)), labels)), shape=(len(labels), k))


def item_relevance(adjacency: sp.csr_matrix, labels: np.ndarray, kind: str = "ppr", alpha: float = 0.5,
                   steps: int = 3) -> np.ndarray:
    """R (I, K) float32, each row a distribution over clusters (module docstring)."""
    m = cluster_indicator(labels).toarray()
    if kind == "counts":
        return m.astype(np.float32)
    if kind != "ppr":
        raise ValueError(f"unknown interest vector {kind!r} (one of {', '.join(INTERESTS)})")
    deg = np.asarray(adjacency.sum(1)).ravel()
    p = sp.diags(np.where(deg > 0, 1.0 / np.maximum(deg, 1e-12), 0.0)) @ adjacency
    p = p + sp.diags((deg == 0).astype(np.float64))  # an isolated item keeps its own mass
    z, total = m, alpha * m
    for t in range(1, steps + 1):
        z = p @ z
        total = total + alpha * (1 - alpha) ** t * z
    return (total / total.sum(1, keepdims=True)).astype(np.float32)


def user_interests(history: sp.csr_matrix, relevance: np.ndarray) -> np.ndarray:
    """η (U, K) = mean of R over each user's history rows (zeros for an empty history)."""
    n = np.asarray(history.sum(1)).ravel()
    return (history @ relevance / np.maximum(n, 1)[:, None]).astype(np.float32)


def entropy(eta: np.ndarray) -> np.ndarray:
    """Shannon entropy (nats) of each row of η (U, K)."""
    p = np.clip(eta, 1e-12, None)
    return -(eta * np.log(p)).sum(1)
