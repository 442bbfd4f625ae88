"""The co-engagement graph against a brute-force count, sparsification, clustering and interest vectors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recsys.interest import coengagement_graph, cooccurrence, top_n_per_row
from recsys.interest.clustering import Louvain, SpectralKMeans, build_clustering
from recsys.interest.interests import entropy, item_relevance, user_interests


def random_matrix(seed: int = 0, users: int = 12, items: int = 7) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    return sp.csr_matrix((rng.random((users, items)) < 0.4).astype(np.float32))


def brute_force(x: np.ndarray) -> np.ndarray:
    users, items = x.shape
    c = np.zeros((items, items))
    for u in range(users):
        for i in range(items):
            for j in range(items):
                if i != j and x[u, i] and x[u, j]:
                    c[i, j] += 1
    return c


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cooccurrence_counts_users_engaging_with_both(seed):
    x = random_matrix(seed)
    assert np.array_equal(cooccurrence(x).toarray(), brute_force(x.toarray()))


def test_cosine_graph_is_sparsified_and_symmetric():
    x = random_matrix(3, users=30, items=10)
    counts = brute_force(x.toarray())
    deg = x.toarray().sum(0)
    cos = counts / np.sqrt(np.outer(np.maximum(deg, 1), np.maximum(deg, 1)))
    top = top_n_per_row(sp.csr_matrix(cos), 2).toarray()
    for i in range(10):  # each row keeps its 2 largest entries
        kept = np.flatnonzero(top[i])
        assert len(kept) == min(2, np.count_nonzero(cos[i]))
        assert top[i][kept].min() >= np.sort(cos[i])[-2] - 1e-6
    a = coengagement_graph(x, top_n=2, normalise="cosine").toarray()
    assert np.allclose(a, a.T)
    assert np.allclose(a, np.maximum(top, top.T), atol=1e-6)
    raw = coengagement_graph(x, top_n=100, normalise="none").toarray()
    assert np.array_equal(raw, counts)


def test_bad_graph_arguments_are_value_errors():
    with pytest.raises(ValueError, match="normalise"):
        coengagement_graph(random_matrix(), normalise="jaccard")
    with pytest.raises(ValueError, match="top_n"):
        coengagement_graph(random_matrix(), top_n=0)
    with pytest.raises(ValueError, match="unknown clustering"):
        build_clustering("kmeans++", 4, 1.0, 0)


def two_blocks() -> sp.csr_matrix:
    """Two 5-cliques joined by one weak edge."""
    a = np.zeros((10, 10))
    a[:5, :5] = a[5:, 5:] = 1
    np.fill_diagonal(a, 0)
    a[4, 5] = a[5, 4] = 0.1
    return sp.csr_matrix(a)


@pytest.mark.parametrize("backend", [Louvain(seed=0), SpectralKMeans(clusters=2, seed=0)])
def test_both_backends_recover_two_blocks(backend):
    labels = backend.fit(two_blocks())
    assert len(set(labels[:5])) == 1 and len(set(labels[5:])) == 1 and labels[0] != labels[9]


def test_interest_vectors_are_distributions_and_ppr_smooths():
    adj, labels = two_blocks(), np.array([0] * 5 + [1] * 5)
    counts, ppr = item_relevance(adj, labels, "counts"), item_relevance(adj, labels, "ppr", alpha=0.5, steps=3)
    assert np.allclose(counts.sum(1), 1) and np.allclose(ppr.sum(1), 1)
    assert ppr[4, 1] > 0 and ppr[4, 0] > ppr[4, 1]  # the bridge item leaks some mass to the other interest
    history = sp.csr_matrix(np.array([[1, 1, 0, 0, 0, 1, 0, 0, 0, 0], [0] * 10], np.float32))
    eta = user_interests(history, counts)
    assert np.allclose(eta[0], [2 / 3, 1 / 3]) and np.allclose(eta[1], 0)
    assert entropy(np.array([[0.5, 0.5], [1.0, 0.0]])) == pytest.approx([np.log(2), 0.0])
