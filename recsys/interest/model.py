"""UIC's two-tower model with user–interest attention (arXiv 2408.03886, §3).

Item tower: v_i = e_i + c_{κ(i)} (item embedding plus the embedding of its interest cluster κ(i)).
User tower: q_u = p_u + mean_{j ∈ H_u} e_j (ID embedding plus the mean over the last ``max_history`` items, all
when 0; without ``user_id`` no p_u, the user is its history alone — better for sparse, cold users), then attention over the K
cluster embeddings queried by the user and biased by the interest vector η_u:
a_u = softmax_k(⟨W_q q_u, c_k⟩ / √d + log(η_uk + ε)),  r_u = Σ_k a_uk c_k,  z_u = q_u + W_o r_u.
Score s(u, i) = ⟨z_u, v_i⟩ + b_i = ⟨[z_u, 1], [v_i, b_i]⟩, an inner product, so retrieval can use a KNN index;
a_u routes a user to its top clusters. In training the target item is left out of H_u and of η_u (see ``interests``).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from recsys.baselines.mf import embedding_penalty, init_embedding
from recsys.data import Batch, negative_scores
from recsys.data.history import HistoryBags
from recsys.engine import Recommender


class UserInterestAttention(nn.Module):
    """a_u = softmax(⟨W_q q, c_k⟩/√d + log(η + ε)) over clusters and r = a C; returns (r (B, d), a (B, K))."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.query, self.eps = nn.Linear(dim, dim, bias=False), eps

    def forward(self, q: torch.Tensor, clusters: torch.Tensor, eta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.query(q) @ clusters.T / math.sqrt(q.shape[-1]) + torch.log(eta.clamp(min=0) + self.eps)
        a = torch.softmax(logits, dim=-1)
        return a @ clusters, a


class UIC(Recommender):
    """User-interest-cluster two-tower recommender (module docstring)."""

    def __init__(self, bags: HistoryBags, interests: dict[str, torch.Tensor], relevance: torch.Tensor,
                 item_cluster: torch.Tensor, num_users: int, dim: int, reg: float, eps: float, dropout: float,
                 recent: HistoryBags | None = None, user_id: bool = True):
        super().__init__()
        self.bags, self.reg = bags, reg
        self.recent = recent if recent is not None else bags  # the history mean reads these (e.g. the last L)
        for stage, eta in interests.items():
            self.register_buffer(f"eta_{stage}", eta, persistent=False)
        self.register_buffer("relevance", relevance, persistent=False)  # R (I, K)
        self.register_buffer("item_cluster", item_cluster, persistent=False)  # κ (I,)
        num_items, k = relevance.shape
        self.user = init_embedding(num_users, dim) if user_id else None
        self.item, self.cluster = init_embedding(num_items, dim), init_embedding(k, dim)
        self.attention = UserInterestAttention(dim, eps)
        self.out = nn.Linear(dim, dim, bias=False)
        self.bias = nn.Parameter(torch.zeros(num_items))
        self.dropout = nn.Dropout(dropout)

    def item_vectors(self) -> torch.Tensor:
        """[v_i, b_i] (I, d + 1) with v_i = e_i + c_{κ(i)}."""
        return torch.cat([self.item.weight + self.cluster.weight[self.item_cluster], self.bias[:, None]], dim=1)

    def user_vectors(self, users: torch.Tensor, stage: str,
                     leave_out: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """[z_u, 1] (B, d + 1) and attention a_u (B, K) from the history at ``stage``, optionally without the
        item ``leave_out`` (B,) (a training target: dropped from η_u and, when among the recent items, the mean)."""
        total = self.recent.sum(users, stage, self.item.weight)
        m = self.recent.lengths(users, stage).float()
        n = self.bags.lengths(users, stage).float()
        eta = getattr(self, f"eta_{stage}")[users]
        if leave_out is not None:
            inside = self.recent.contains(users, stage, leave_out) if self.recent is not self.bags else \
                torch.ones_like(m, dtype=torch.bool)
            total = total - self.item(leave_out) * inside[:, None]
            m = m - inside.float()
            eta = (eta * n[:, None] - self.relevance[leave_out]) / (n - 1).clamp(min=1)[:, None]
        q = self.dropout(total / m.clamp(min=1)[:, None])
        if self.user is not None:
            q = q + self.user(users)
        r, a = self.attention(q, self.cluster.weight, eta)
        return torch.cat([q + self.out(r), torch.ones_like(m)[:, None]], dim=1), a

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        z, _ = self.user_vectors(batch.users, "valid", leave_out=batch.pos)
        v = self.item_vectors()
        return (z * v[batch.pos]).sum(-1), negative_scores(z, v[batch.neg])

    def penalty(self, batch: Batch) -> torch.Tensor | float:
        users = [self.user(batch.users)] if self.user is not None else []
        return embedding_penalty(self.reg, *users, self.item(batch.pos), self.item(batch.neg[:, 0]))

    def head_items(self, n: int) -> np.ndarray:
        """The ``n`` items with the largest learned bias b_i (a popular head that retrieval scans for everyone)."""
        return torch.topk(self.bias.detach(), min(n, len(self.bias))).indices.cpu().numpy() if n else np.zeros(0, int)

    def scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        z, _ = self.user_vectors(users, stage)
        return z @ self.item_vectors().T
