"""Item-level attention (DIN-style, Zhou et al., KDD 2018): a target-aware user representation pooled over the
user's history items.

For a candidate item i and history items h_1..h_L (the target itself and padding masked out)
α_j = softmax_j(⟨W_q e_i, W_k e_{h_j}⟩ / √d),  v_u(i) = Σ_j α_j e_{h_j},  s(u, i) = ⟨v_u(i), e_i⟩ + b_i.
Full ranking therefore costs O(|I| · L · d) per user — the inference cost UIC's interest layer avoids.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from recsys.baselines.mf import embedding_penalty
from recsys.data import Batch
from recsys.data.history import StageHistories
from recsys.engine import Recommender

#: Largest (users × items × history) block scored at once (memory bound of full ranking).
BLOCK = 2 ** 24


def padded_embedding(num_items: int, dim: int) -> nn.Embedding:
    """Item embeddings (I + 1, d) whose last row (the pad id) is zero and never trained."""
    emb = nn.Embedding(num_items + 1, dim, padding_idx=num_items)
    nn.init.normal_(emb.weight, std=0.1)
    with torch.no_grad():
        emb.weight[num_items].zero_()
    return emb


class ItemAttention(Recommender):
    """Target-aware attention over the last ``max_history`` items (module docstring)."""

    def __init__(self, histories: StageHistories, num_items: int, dim: int, reg: float, dropout: float):
        super().__init__()
        self.histories, self.num_items, self.reg = histories, num_items, reg
        self.item = padded_embedding(num_items, dim)
        self.query, self.key = nn.Linear(dim, dim, bias=False), nn.Linear(dim, dim, bias=False)
        self.bias = nn.Parameter(torch.zeros(num_items))
        self.dropout = nn.Dropout(dropout)

    def _scores(self, hist: torch.Tensor, cand: torch.Tensor, per_user: bool) -> torch.Tensor:
        """Scores of candidates ``cand`` — (B, C) per user, or (C,) shared when not ``per_user`` — given
        histories (B, L); a candidate found in a history is masked there (it is the target)."""
        h = self.dropout(self.item(hist))  # (B, L, d)
        k = self.key(h)  # (B, L, d)
        e = self.item(cand)  # (B, C, d) or (C, d)
        q = self.query(e)
        if per_user:
            logits = torch.einsum("bcd,bld->bcl", q, k)
            masked = (hist[:, None, :] == cand[:, :, None]) | (hist == self.num_items)[:, None, :]
        else:
            logits = torch.einsum("cd,bld->bcl", q, k)
            masked = (hist[:, None, :] == cand[None, :, None]) | (hist == self.num_items)[:, None, :]
        alpha = torch.softmax(logits.masked_fill(masked, -math.inf) / math.sqrt(q.shape[-1]), dim=-1)
        alpha = torch.nan_to_num(alpha, nan=0.0)  # a history with nothing left attends to nothing
        # ⟨Σ_j α_j e_{h_j}, e_i⟩ = Σ_j α_j ⟨e_{h_j}, e_i⟩
        g = torch.einsum("bcd,bld->bcl", e, h) if per_user else torch.einsum("cd,bld->bcl", e, h)
        return (alpha * g).sum(-1) + self.bias[cand]

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        cand = torch.cat([batch.pos[:, None], batch.neg.expand(len(batch.pos), -1)], dim=1)
        s = self._scores(self.histories(batch.users, "valid"), cand, per_user=True)
        return s[:, 0], s[:, 1:]

    def penalty(self, batch: Batch) -> torch.Tensor | float:
        return embedding_penalty(self.reg, self.item(batch.pos), self.item(batch.neg[:, 0]))

    def scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        """(B, I) scores; users are grouped by history length and leading padding is cut per block."""
        hist = self.histories(users, stage)
        lengths = (hist != self.num_items).sum(1)
        order = torch.argsort(lengths)
        items = torch.arange(self.num_items, device=hist.device)
        out = torch.empty(len(users), self.num_items, device=hist.device)
        s = 0
        while s < len(users):
            width = max(1, int(lengths[order[min(len(users), s + 1) - 1]]))
            step = max(1, BLOCK // (self.num_items * width))
            rows = order[s:s + step]
            width = max(1, int(lengths[rows].max()))
            out[rows] = self._scores(hist[rows, hist.shape[1] - width:], items, per_user=False)
            s += len(rows)
        return out
