"""Clustering back-ends for the co-engagement graph (strategy objects): ``fit(adjacency) → labels`` (I,) in
0..K-1, clusters numbered by decreasing size.

- :class:`Louvain` — modularity maximisation (networkx ``louvain_communities``); K follows from ``resolution``.
- :class:`SpectralKMeans` — regularised spectral clustering (Amini et al., 2013): the K leading eigenvectors of
  D_τ^{-1/2} (A + τ/n · 11ᵀ) D_τ^{-1/2} with τ the mean degree (scipy ``eigsh``; the regulariser keeps the many
  tiny components of a sparse co-engagement graph from taking all the eigenvectors), rows normalised, then
  k-means (sklearn ``KMeans``); K is given.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


def relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..K-1 by decreasing size (ties by old label)."""
    uniq, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    order = np.lexsort((uniq, -counts))
    new = np.empty(len(uniq), np.int64)
    new[order] = np.arange(len(uniq))
    return new[inverse]


class Clustering:
    """A clustering back-end: ``fit(adjacency (I, I) symmetric CSR) → labels (I,)``."""

    def fit(self, adjacency: sp.csr_matrix) -> np.ndarray:
        raise NotImplementedError


@dataclass
class Louvain(Clustering):
    resolution: float = 1.0
    seed: int = 0

    def fit(self, adjacency: sp.csr_matrix) -> np.ndarray:
        import networkx as nx

        g = nx.from_scipy_sparse_array(adjacency, edge_attribute="weight")
        communities = nx.community.louvain_communities(g, weight="weight", resolution=self.resolution,
                                                       seed=self.seed)
        labels = np.empty(adjacency.shape[0], np.int64)
        for c, members in enumerate(communities):
            labels[list(members)] = c
        return relabel_by_size(labels)


@dataclass
class SpectralKMeans(Clustering):
    clusters: int = 32
    seed: int = 0

    def fit(self, adjacency: sp.csr_matrix) -> np.ndarray:
        from scipy.sparse.linalg import LinearOperator, eigsh
        from sklearn.cluster import KMeans

        n = adjacency.shape[0]
        k = min(self.clusters, n)
        deg = np.asarray(adjacency.sum(1)).ravel()
        tau = max(float(deg.mean()), 1e-12)
        inv = 1.0 / np.sqrt(deg + tau)
        a = adjacency.tocsr().astype(np.float64)

        def matvec(x: np.ndarray) -> np.ndarray:
            y = inv[:, None] * np.asarray(x).reshape(n, -1)
            return (inv[:, None] * (a @ y + tau / n * y.sum(0, keepdims=True))).reshape(np.shape(x))

        op = LinearOperator((n, n), matvec=matvec, matmat=matvec, dtype=np.float64)
        if k >= n - 1:
            emb = np.eye(n)[:, :k]
        else:
            v0 = np.random.default_rng(self.seed).random(n)
            _, emb = eigsh(op, k=k, which="LA", tol=1e-4, v0=v0)
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        with warnings.catch_warnings():  # duplicate points (isolated items) only warn
            warnings.simplefilter("ignore")
            labels = KMeans(k, n_init=3, random_state=self.seed).fit_predict(emb)
        return relabel_by_size(labels)


CLUSTERINGS = {"louvain": Louvain, "spectral": SpectralKMeans}


def build_clustering(name: str, clusters: int, resolution: float, seed: int) -> Clustering:
    """The back-end ``name`` (louvain | spectral) with its own parameters."""
    if name == "louvain":
        return Louvain(resolution=resolution, seed=seed)
    if name == "spectral":
        return SpectralKMeans(clusters=clusters, seed=seed)
    raise ValueError(f"unknown clustering {name!r} (one of {', '.join(CLUSTERINGS)})")
