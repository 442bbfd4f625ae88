"""Matrix factorisation trained with BPR (Rendle et al., UAI 2009): s(u, i) = ⟨p_u, q_i⟩."""

from __future__ import annotations

import torch
from torch import nn

from recsys.data import Batch, negative_scores
from recsys.engine import Recommender


def embedding_penalty(reg: float, *tensors: torch.Tensor) -> torch.Tensor | float:
    """reg · Σ_t ‖t‖² / B (the batch-normalised L2 of LightGCN / BPR-MF)."""
    if reg == 0:
        return 0.0
    return reg * sum(t.pow(2).sum() for t in tensors) / len(tensors[0])


def init_embedding(num: int, dim: int) -> nn.Embedding:
    emb = nn.Embedding(num, dim)
    nn.init.normal_(emb.weight, std=0.1)
    return emb


class MF(Recommender):
    """User and item embeddings (U, d), (I, d); scores are inner products."""

    def __init__(self, num_users: int, num_items: int, dim: int, reg: float):
        super().__init__()
        self.user, self.item, self.reg = init_embedding(num_users, dim), init_embedding(num_items, dim), reg

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        p = self.user(batch.users)  # (B, d)
        return (p * self.item(batch.pos)).sum(-1), negative_scores(p, self.item(batch.neg))

    def penalty(self, batch: Batch) -> torch.Tensor | float:
        return embedding_penalty(self.reg, self.user(batch.users), self.item(batch.pos), self.item(batch.neg[:, 0]))

    def scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        return self.user(users) @ self.item.weight.T
