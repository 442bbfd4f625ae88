"""SASRec-style sequential self-attention (Kang & McAuley, ICDM 2018).

The last L items of a user's sequence plus learned position embeddings pass through causal transformer
blocks; the state at position t scores item x_{t+1}: s_t(i) = ⟨h_t, e_i⟩. Training predicts every next item
of the training sequence against uniform negatives; ranking uses the state after the last history item.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import nn

from recsys.baselines.item_attention import padded_embedding
from recsys.data import RecData
from recsys.data.history import StageHistories, padded_history
from recsys.engine import Recommender
from recsys.losses import ranking_loss


class SASRec(Recommender):
    """Causal self-attention over item sequences (module docstring); pad id = number of items."""

    def __init__(self, histories: StageHistories, num_items: int, dim: int, layers: int, heads: int,
                 max_len: int, dropout: float, reg: float):
        super().__init__()
        self.histories, self.num_items, self.max_len, self.reg = histories, num_items, max_len, reg
        self.item = padded_embedding(num_items, dim)
        self.position = nn.Embedding(max_len, dim)
        block = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=dim, dropout=dropout, batch_first=True,
                                           norm_first=True)
        self.blocks = nn.TransformerEncoder(block, layers, norm=nn.LayerNorm(dim), enable_nested_tensor=False)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("causal", nn.Transformer.generate_square_subsequent_mask(max_len), persistent=False)
        self._train_seq: torch.Tensor | None = None

    def encode(self, seq: torch.Tensor) -> torch.Tensor:
        """States (B, L, d) of left-padded sequences (B, L)."""
        x = self.item(seq) * self.item.embedding_dim ** 0.5 + self.position.weight[None]
        x = self.dropout(x) * (seq != self.num_items)[..., None]
        return self.blocks(x, mask=self.causal, is_causal=True)

    def train_batches(self, data: RecData, batch_size: int, negatives: int, seed: int, epoch: int,
                      shared: bool = False) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Batches of (sequence (B, L + 1), negatives (B, L, n)) over the users with ≥ 2 training items; the
        batch size counts positions (⌈batch_size / L⌉ users); negatives are drawn per position."""
        if self._train_seq is None:
            seq = padded_history(data.stage("valid").history, self.max_len + 1, self.num_items)
            self._train_seq = seq[(seq != self.num_items).sum(1) >= 2]
        g = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
        order = torch.randperm(len(self._train_seq), generator=g)
        users = max(1, batch_size // self.max_len)
        for s in range(0, len(order), users):
            seq = self._train_seq[order[s:s + users]]
            yield seq, torch.randint(0, self.num_items, (len(seq), self.max_len, negatives), generator=g)

    def batch_loss(self, batch: tuple[torch.Tensor, torch.Tensor], loss: str) -> torch.Tensor:
        device = self.item.weight.device
        seq, neg = batch[0].to(device), batch[1].to(device)
        inp, tgt = seq[:, :-1], seq[:, 1:]
        h = self.encode(inp)
        keep = (inp != self.num_items) & (tgt != self.num_items)
        h, pos_e, neg_e = h[keep], self.item(tgt[keep]), self.item(neg[keep])
        pos, negs = (h * pos_e).sum(-1), torch.einsum("nd,nkd->nk", h, neg_e)
        penalty = self.reg * (pos_e.pow(2).sum() + neg_e[:, 0].pow(2).sum()) / max(len(h), 1)
        return ranking_loss(pos, negs, loss) + penalty

    def scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        h = self.encode(self.histories(users, stage))[:, -1]  # (B, d)
        return h @ self.item.weight[: self.num_items].T
