"""Sparse node features: bag-of-words and one-hot inputs kept as a sparse COO matrix.

A first layer ``X W`` then costs O(nnz(X) · hidden) instead of O(N · F · hidden), and input dropout touches only
the non-zeros. The helpers below accept a dense tensor too and then do the plain dense operation, so a model
written with them runs unchanged on either input (equal outputs up to float rounding).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def density(x: Tensor) -> float:
    """Share of non-zero entries of ``x`` (dense or sparse COO)."""
    total = x.shape[0] * x.shape[1]
    nnz = x._nnz() if x.is_sparse else int(torch.count_nonzero(x))
    return nnz / max(total, 1)


def sparsify_features(x: Tensor, max_density: float) -> Tensor:
    """``x`` as a coalesced sparse COO tensor if at most ``max_density`` of its entries are non-zero, else ``x``
    (``max_density`` 0: always ``x``)."""
    if x.is_sparse or x.dim() != 2 or max_density <= 0 or density(x) > max_density:
        return x
    return x.to_sparse().coalesce()


def densify(x: Tensor) -> Tensor:
    """``x`` as a dense tensor (for layers that need one, e.g. sum aggregation of the raw features)."""
    return x.to_dense() if x.is_sparse else x


def feature_dropout(x: Tensor, p: float, training: bool) -> Tensor:
    """Dropout on features; on a sparse ``x`` only its non-zeros are dropped (zeros stay zero either way), so
    the result has the same distribution as dense dropout."""
    if not x.is_sparse:
        return F.dropout(x, p, training)
    if not training or p == 0.0:
        return x
    x = x.coalesce()
    return torch.sparse_coo_tensor(x.indices(), F.dropout(x.values(), p, True), x.shape, is_coalesced=True)


def take_rows(x: Tensor, rows: Tensor) -> Tensor:
    """``x[rows]`` for a dense or a sparse COO ``x`` (``rows``: 1-D index tensor)."""
    return x.index_select(0, rows.to(x.device)) if x.is_sparse else x[rows]


def leading_rows(x: Tensor, n: int) -> Tensor:
    """``x[:n]`` for a dense or a sparse COO ``x`` (DGL blocks keep their destination nodes as a prefix)."""
    if not x.is_sparse:
        return x[:n]
    if n == x.shape[0]:
        return x
    return x.index_select(0, torch.arange(n, device=x.device))

