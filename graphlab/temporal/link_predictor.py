"""Edge scorer of temporal link prediction (TGL's ``EdgePredictor``): an MLP on the pair (h_src, h_dst),

    s(u, v) = w_o · ReLU(W_s h_u + W_d h_v + b) + b_o,

a logit (BCE with logits in training). The source projection is computed once per source and shared by its
candidates, which makes scoring a positive and its 49 negatives cheap.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class LinkPredictor(nn.Module):
    """Args: ``dim`` the embedding width, ``hidden`` the MLP width (default ``dim``).

    Shapes: ``forward(h_src (B, dim), h_dst (B, dim))`` → (B,); ``forward(h_src (B, dim), h_dst (B, M, dim))``
    → (B, M), every candidate of row b scored against source b.
    """

    def __init__(self, dim: int, hidden: int | None = None) -> None:
        super().__init__()
        hidden = hidden or dim
        self.src = nn.Linear(dim, hidden)
        self.dst = nn.Linear(dim, hidden, bias=False)
        self.out = nn.Linear(hidden, 1)

    def forward(self, h_src: torch.Tensor, h_dst: torch.Tensor) -> torch.Tensor:
        s = self.src(h_src)
        if h_dst.dim() == 3:
            s = s.unsqueeze(1)  # (B, 1, hidden) against (B, M, hidden)
        elif h_dst.dim() != 2:
            raise ValueError(f"LinkPredictor: h_dst must be (B, dim) or (B, M, dim); got {tuple(h_dst.shape)}")
        return self.out(F.relu(s + self.dst(h_dst))).squeeze(-1)
