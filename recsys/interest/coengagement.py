"""The item–item co-engagement graph: C = XᵀX with X the binary (U, I) training matrix, so C_ij is the number
of users who engaged with both i and j (diagonal dropped). ``normalise="cosine"`` divides by √(d_i d_j)
(d_i = users of i), ``"none"`` keeps the counts. Sparsified to the ``top_n`` heaviest edges of each item (ties
by lower item id) and symmetrised with max(A, Aᵀ)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

NORMALISATIONS = ("none", "cosine")


def cooccurrence(train: sp.csr_matrix) -> sp.csr_matrix:
    """C = XᵀX without its diagonal, (I, I) float32; X is binarised first."""
    x = train.tocsr(copy=True)
    x.data[:] = 1.0
    c = (x.T @ x).tocsr().astype(np.float32)
    c.setdiag(0)
    c.eliminate_zeros()
    return c


def top_n_per_row(m: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """Keep the ``n`` largest entries of each row (ties: lower column first)."""
    m = m.tocoo()
    order = np.lexsort((m.col, -m.data, m.row))
    row, col, val = m.row[order], m.col[order], m.data[order]
    starts = np.searchsorted(row, row, side="left")
    keep = np.arange(len(row)) - starts < n
    return sp.csr_matrix((val[keep], (row[keep], col[keep])), shape=m.shape)


def coengagement_graph(train: sp.csr_matrix, top_n: int = 20, normalise: str = "cosine") -> sp.csr_matrix:
    """The sparsified, symmetric co-engagement adjacency (I, I) described in the module docstring."""
    if normalise not in NORMALISATIONS:
        raise ValueError(f"normalise must be one of {', '.join(NORMALISATIONS)} (got {normalise!r})")
    if top_n < 1:
        raise ValueError(f"top_n must be ≥ 1 (got {top_n})")
    c = cooccurrence(train)
    if normalise == "cosine":
        d = np.asarray((train > 0).sum(0)).ravel().astype(np.float32)
        inv = 1.0 / np.sqrt(np.maximum(d, 1.0))
        c = sp.diags(inv) @ c @ sp.diags(inv)
    a = top_n_per_row(c.tocsr(), top_n)
    return a.maximum(a.T).tocsr()
