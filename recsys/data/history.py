"""Padded user histories for history-based recommenders (item attention, SASRec, UIC)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch


def padded_history(history: sp.csr_matrix, max_len: int, pad: int) -> torch.Tensor:
    """The last ``max_len`` items of each row of ``history`` (time-ordered CSR), right-aligned, left-padded
    with ``pad`` (use the number of items: an extra, all-zero embedding row); shape (U, max_len) int64."""
    indptr, indices = history.indptr, np.asarray(history.indices, np.int64)
    n_users = history.shape[0]
    lengths = np.minimum(np.diff(indptr), max_len)
    out = np.full((n_users, max_len), pad, np.int64)
    rows = np.repeat(np.arange(n_users), lengths)
    # position j of the kept tail of row u: indptr[u+1] - lengths[u] + j → column max_len - lengths[u] + j
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    src = np.repeat(indptr[1:] - lengths, lengths) + offset
    out[rows, np.repeat(max_len - lengths, lengths) + offset] = indices[src]
    return torch.from_numpy(out)


def history_tail(history: sp.csr_matrix, max_len: int) -> sp.csr_matrix:
    """The last ``max_len`` entries of each row of a time-ordered CSR (all of them when max_len ≤ 0)."""
    if max_len <= 0:
        return history
    indptr = np.asarray(history.indptr, np.int64)
    lengths = np.minimum(np.diff(indptr), max_len)
    start = indptr[1:] - lengths
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    src = np.repeat(start, lengths) + offset
    new_ptr = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=new_ptr[1:])
    out = sp.csr_matrix((history.data[src], history.indices[src], new_ptr), shape=history.shape)
    out.has_sorted_indices = False
    return out


class StageHistories(torch.nn.Module):
    """The padded history (U, max_len) of each evaluation stage as buffers ``valid`` (the training items, also
    what training reads) and ``test`` (training then valid items); the pad id is the number of items."""

    def __init__(self, stages: dict[str, sp.csr_matrix], max_len: int, num_items: int):
        super().__init__()
        self.pad = num_items
        for name, history in stages.items():
            self.register_buffer(name, padded_history(history, max_len, num_items), persistent=False)

    def forward(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        """(B, max_len) item ids of ``users``' histories at ``stage`` (pad = number of items)."""
        return getattr(self, stage)[users]


class HistoryBags(torch.nn.Module):
    """Every history item of each stage (not truncated), as flat CSR buffers, for bag sums Σ_{j ∈ H_u} w_j."""

    def __init__(self, stages: dict[str, sp.csr_matrix]):
        super().__init__()
        self.stages = tuple(stages)
        for name, history in stages.items():
            self.register_buffer(f"{name}_indptr", torch.from_numpy(np.asarray(history.indptr, np.int64)),
                                 persistent=False)
            self.register_buffer(f"{name}_items", torch.from_numpy(np.asarray(history.indices, np.int64)),
                                 persistent=False)

    def lengths(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        """|H_u| of ``users`` (B,) at ``stage``."""
        indptr = getattr(self, f"{stage}_indptr")
        return indptr[users + 1] - indptr[users]

    def contains(self, users: torch.Tensor, stage: str, items: torch.Tensor) -> torch.Tensor:
        """Whether ``items[b]`` is in the history of ``users[b]`` at ``stage``, (B,) bool."""
        flat, offsets, length = self._flat(users, stage)
        row = torch.repeat_interleave(torch.arange(len(users), device=users.device), length)
        hit = torch.zeros(len(users), dtype=torch.bool, device=users.device)
        return hit.index_put_((row,), flat == items[row], accumulate=True) if len(flat) else hit

    def _flat(self, users: torch.Tensor, stage: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        indptr, items = getattr(self, f"{stage}_indptr"), getattr(self, f"{stage}_items")
        start, length = indptr[users], indptr[users + 1] - indptr[users]
        offsets = torch.cumsum(length, 0) - length
        flat = torch.repeat_interleave(start - offsets, length) + torch.arange(int(length.sum()), device=users.device)
        return items[flat], offsets, length

    def sum(self, users: torch.Tensor, stage: str, weight: torch.Tensor) -> torch.Tensor:
        """Σ_{j ∈ H_u} weight[j] for ``users`` (B,) → (B, d); an empty history sums to 0."""
        flat, offsets, _ = self._flat(users, stage)
        return torch.nn.functional.embedding_bag(flat, weight, offsets, mode="sum")
