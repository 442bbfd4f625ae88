"""Training batches: shuffled training pairs with uniformly sampled negative items, seeded per (seed, epoch)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch


@dataclass
class Batch:
    """``users`` (B,), ``pos`` (B,) their training items, ``neg`` uniform random items: (B, n_neg) per pair, or
    (1, n_neg) shared by the whole batch (score them with :func:`negative_scores`)."""

    users: torch.Tensor
    pos: torch.Tensor
    neg: torch.Tensor


def negative_scores(query: torch.Tensor, neg: torch.Tensor) -> torch.Tensor:
    """⟨query_b, neg_bj⟩ for queries (B, d) and negative embeddings (B, n, d), or (1, n, d) shared → (B, n)."""
    if neg.shape[0] == 1:
        return query @ neg[0].T
    return torch.einsum("bd,bnd->bn", query, neg)


def batches(user: torch.Tensor, item: torch.Tensor, num_items: int, batch_size: int, n_neg: int, seed: int,
            epoch: int, shared: bool = False) -> Iterator[Batch]:
    """One epoch over the training pairs in a random order drawn from (seed, epoch), so a resumed epoch sees the
    same batches; negatives are uniform over the catalogue (a sampled negative may be a positive, as in BPR),
    one set per pair or, when ``shared``, one set for the whole batch (cheaper: a matrix product)."""
    g = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    order = torch.randperm(len(user), generator=g)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        yield Batch(user[idx], item[idx], torch.randint(0, num_items, (1 if shared else len(idx), n_neg), generator=g))


def num_batches(n: int, batch_size: int) -> int:
    return (n + batch_size - 1) // batch_size
