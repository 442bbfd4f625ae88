"""Cluster-restricted retrieval (UIC §3.4): one faiss inner-product index per interest cluster; a user is
served from the indexes of its top-c clusters (by the user–interest attention a_u) instead of the whole
catalogue — O(N · c · |I| / K) inner products instead of O(N · |I|).

Optionally a popular head — the ``head`` items given, e.g. those with the largest learned item bias b_i, which
enter most users' top-k whatever their interests — is one more list that every user also scans.

Both searches return each user's top-k items after dropping the stage's masked items (a packed-bitset
seen-items filter): the exact search fetches k + |masked_u| candidates, the restricted one k + |masked_u ∩ routed
clusters|, users grouped in chunks of similar fetch size. Their Recall@k is computed as the evaluator does and the
two are timed side by side on the same vectors, faiss on one thread.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

CHUNK = 256


def _faiss():  # noqa: ANN202
    import faiss

    return faiss


def _flat_index(vectors: np.ndarray):  # noqa: ANN202
    index = _faiss().IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, np.float32))
    return index


def _keys(csr: sp.csr_matrix, num_items: int) -> np.ndarray:
    """Sorted int64 keys u · I + i of the non-zeros of a (U, I) CSR."""
    rows = np.repeat(np.arange(csr.shape[0], dtype=np.int64), np.diff(csr.indptr))
    return np.unique(rows * num_items + csr.indices.astype(np.int64))


def _member(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    if len(keys) == 0:
        return np.zeros(query.shape, bool)
    pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return keys[pos] == query


class SeenFilter:
    """The items each user must not be shown (the stage's masked items), as a packed bitset (N, ⌈I/8⌉) over the
    rows ``users`` of ``exclude``: an O(1) membership test, as a serving system's seen-items filter."""

    def __init__(self, exclude: sp.csr_matrix, users: np.ndarray):
        sub = exclude[users].tocoo()
        self.bits = np.zeros((len(users), (exclude.shape[1] + 7) // 8), np.uint8)
        np.bitwise_or.at(self.bits, (sub.row, sub.col >> 3), (128 >> (sub.col & 7)).astype(np.uint8))
        self.count = np.diff(exclude[users].indptr)

    def seen(self, rows: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Whether ``ids`` (n, m) are masked for the users at positions ``rows`` (n,); ids < 0 count as seen."""
        safe = np.maximum(ids, 0)
        return ((self.bits[rows[:, None], safe >> 3] & (128 >> (safe & 7))) > 0) | (ids < 0)


def first_allowed(ids: np.ndarray, bad: np.ndarray, k: int) -> np.ndarray:
    """Per row the first k ``ids`` not ``bad``, in order, padded with -1 (faiss returns each row best first, so
    these are the row's k best allowed items; no re-sort)."""
    keep = ~bad
    rank = np.cumsum(keep, axis=1) - 1  # position among the row's allowed entries
    rows, cols = np.nonzero(keep & (rank < k))
    out = np.full((ids.shape[0], k), -1, np.int64)
    out[rows, rank[rows, cols]] = ids[rows, cols]
    return out


class FullSearch:
    """Exact top-k over the whole catalogue (faiss IndexFlatIP), fetching k + |masked_u| per user."""

    def __init__(self, items: np.ndarray):
        self.index, self.num_items = _flat_index(items), len(items)

    def search(self, user_vecs: np.ndarray, seen: SeenFilter, k: int) -> np.ndarray:
        out = np.full((len(user_vecs), k), -1, np.int64)
        order = np.argsort(seen.count, kind="stable")
        for s in range(0, len(order), CHUNK):
            rows = order[s:s + CHUNK]
            fetch = min(self.num_items, k + int(seen.count[rows].max()))
            _, i = self.index.search(user_vecs[rows], fetch)
            out[rows] = first_allowed(i, seen.seen(rows, i), k)
        return out


class ClusterSearch:
    """Items stored per interest cluster: a faiss IndexIVFFlat whose inverted list c holds exactly the items of
    cluster c (the per-cluster indexes of the paper, in one structure); ``search`` scans, for each user, only the
    lists in ``routes`` (N, c) — faiss ``search_preassigned`` with the routes as the probe lists, one call per
    chunk of users — fetching k + |masked_u ∩ routed clusters| candidates."""

    def __init__(self, items: np.ndarray, item_cluster: np.ndarray):
        faiss = _faiss()
        items = np.ascontiguousarray(items, np.float32)
        self.num_items, self.item_cluster = len(items), item_cluster.astype(np.int64)
        k = int(item_cluster.max()) + 1
        self.sizes = np.bincount(self.item_cluster, minlength=k)
        centroids = np.zeros((k, items.shape[1]), np.float32)
        np.add.at(centroids, self.item_cluster, items)
        quantizer = faiss.IndexFlatIP(items.shape[1])
        quantizer.add(centroids / np.maximum(self.sizes, 1)[:, None])
        self.index = faiss.IndexIVFFlat(quantizer, items.shape[1], k, faiss.METRIC_INNER_PRODUCT)
        self.index.is_trained = True
        self._quantizer = quantizer  # the IVF index does not own it
        ids = np.arange(self.num_items, dtype=np.int64)
        self.index.add_core(self.num_items, faiss.swig_ptr(items), faiss.swig_ptr(ids),
                            faiss.swig_ptr(self.item_cluster))

    @property
    def members(self) -> list[np.ndarray]:
        return [np.flatnonzero(self.item_cluster == c) for c in range(len(self.sizes))]

    def masked_per_cluster(self, exclude: sp.csr_matrix, users: np.ndarray) -> np.ndarray:
        """|masked_u ∩ cluster| (N, K), kept with the user's state like the seen-items filter."""
        onehot = sp.csr_matrix((np.ones(self.num_items), (np.arange(self.num_items), self.item_cluster)),
                               shape=(self.num_items, len(self.sizes)))
        return ((exclude[users] > 0).astype(np.float64) @ onehot).toarray().astype(np.int64)

    def search(self, user_vecs: np.ndarray, seen: SeenFilter, masked: np.ndarray, k: int,
               routes: np.ndarray) -> np.ndarray:
        routes = np.ascontiguousarray(routes, np.int64)
        self.index.nprobe = routes.shape[1]
        reach = self.sizes[routes].sum(1)
        fetch = np.minimum(reach, k + np.take_along_axis(masked, routes, 1).sum(1))
        out = np.full((len(user_vecs), k), -1, np.int64)
        order = np.argsort(fetch, kind="stable")
        dq = np.zeros(routes.shape, np.float32)
        for s in range(0, len(order), CHUNK):
            rows = order[s:s + CHUNK]
            _, i = self.index.search_preassigned(user_vecs[rows], max(1, int(fetch[rows].max())), routes[rows],
                                                 dq[rows])
            out[rows] = first_allowed(i, seen.seen(rows, i), k)
        return out


def recall_of(recommended: np.ndarray, users: np.ndarray, targets: sp.csr_matrix, masked: np.ndarray,
              num_items: int) -> np.ndarray:
    """Recall of each user's recommended ids against its targets that are not masked (NaN: none left)."""
    target_keys = np.setdiff1d(_keys(targets, num_items), masked, assume_unique=True)
    n_rel = np.bincount(target_keys // num_items, minlength=targets.shape[0])[users]
    hits = (_member(target_keys, users[:, None] * num_items + np.maximum(recommended, 0)) & (recommended >= 0)).sum(1)
    return np.where(n_rel > 0, hits / np.maximum(n_rel, 1), np.nan)


@dataclass
class RetrievalReport:
    """Side-by-side figures of exact and cluster-restricted top-k retrieval."""

    full_ms_per_1k_users: float
    cluster_ms_per_1k_users: float
    recall_full: float
    recall_cluster: float
    candidate_share: float  # mean fraction of the catalogue a user's clusters hold

    @property
    def speedup(self) -> float:
        return self.full_ms_per_1k_users / max(self.cluster_ms_per_1k_users, 1e-12)

    @property
    def recall_loss(self) -> float:
        """Relative Recall@k loss, (R_full − R_cluster) / R_full."""
        return (self.recall_full - self.recall_cluster) / max(self.recall_full, 1e-12)


def with_head(item_cluster: np.ndarray, head: np.ndarray | None) -> tuple[np.ndarray, int | None]:
    """Search lists of the items — their interest cluster, or list K (after the K clusters) for the ``head`` items —
    and the head list's id (None without a head)."""
    lists = item_cluster.astype(np.int64).copy()
    if head is None or not len(head):
        return lists, None
    head_list = int(item_cluster.max()) + 1
    lists[head] = head_list
    return lists, head_list


def route(attention: np.ndarray, c: int, head_list: int | None) -> np.ndarray:
    """The lists a user scans: its top-``c`` clusters by a_u, plus the head list when there is one (a row sort of the
    K attention weights: for K in the hundreds cheaper than ``argpartition``)."""
    n, k = attention.shape
    routes = np.argsort(-attention, axis=1)[:, :c] if c < k else np.tile(np.arange(k), (n, 1))
    return routes if head_list is None else np.concatenate([routes, np.full((n, 1), head_list)], 1)


def compare_retrieval(user_vecs: np.ndarray, attention: np.ndarray, items: np.ndarray, item_cluster: np.ndarray,
                      users: np.ndarray, targets: sp.csr_matrix, exclude: sp.csr_matrix, top_c: int, k: int = 20,
                      repeats: int = 3, head: np.ndarray | None = None) -> RetrievalReport:
    """Time exact and top-``top_c``-cluster retrieval for ``users`` (best of ``repeats``, faiss on one thread;
    the cluster path includes routing, argpartition of a_u; ``head`` item ids are scanned for every user) and
    compare their Recall@k on ``targets``."""
    faiss = _faiss()
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        num_items = len(items)
        user_vecs = np.ascontiguousarray(user_vecs, np.float32)
        lists, head_list = with_head(item_cluster, head)
        full, clustered = FullSearch(items), ClusterSearch(items, lists)
        seen = SeenFilter(exclude, users)  # built once, like the indexes: not timed
        per_cluster = clustered.masked_per_cluster(exclude, users)
        c = min(top_c, attention.shape[1])

        def run_full() -> np.ndarray:
            return full.search(user_vecs, seen, k)

        def run_cluster() -> np.ndarray:
            return clustered.search(user_vecs, seen, per_cluster, k, route(attention, c, head_list))

        times = {}
        results = {}
        for name, fn in (("full", run_full), ("cluster", run_cluster)):
            best = np.inf
            for _ in range(repeats):
                t0 = time.perf_counter()
                results[name] = fn()
                best = min(best, time.perf_counter() - t0)
            times[name] = 1e6 * best / max(len(users), 1)  # ms per 1,000 users
        masked = _keys(exclude, num_items)
        share = float(clustered.sizes[route(attention, c, head_list)].sum(1).mean() / num_items)
        recall = {name: float(np.nanmean(recall_of(r, users, targets, masked, num_items)))
                  for name, r in results.items()}
        return RetrievalReport(times["full"], times["cluster"], recall["full"], recall["cluster"], share)
    finally:
        faiss.omp_set_num_threads(threads)
