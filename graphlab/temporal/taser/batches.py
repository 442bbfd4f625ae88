"""TASER's adaptive mini-batch selection (Deng et al., IPDPS 2024, §IV-C).

Epoch 0 visits the training events in a random permutation. Every later epoch draws as many events, with
replacement, with p(e) ∝ σ(ŷ_pos(e)) + floor, where ŷ_pos(e) is the positive logit the model gave e the last
time it was trained on (0 before that, i.e. σ = 0.5): events the model cannot fit — likely noise — are
down-weighted, the floor (0.1) keeps every event reachable. The last logits are a buffer of the module, so
fit's checkpoints (which save the model's state) carry them across a resume.
"""

from __future__ import annotations

import torch
from torch import nn


class AdaptiveBatches(nn.Module):
    """Order of the ``n`` training events (positions 0..n−1) per epoch; :meth:`update` records positive logits."""

    score: torch.Tensor
    trained: torch.Tensor

    def __init__(self, n: int, floor: float = 0.1) -> None:
        super().__init__()
        if n < 1 or floor <= 0:
            raise ValueError(f"AdaptiveBatches: need n >= 1 events and floor > 0; got n={n}, floor={floor}")
        self.floor = floor
        self.register_buffer("score", torch.full((n,), 0.5))  # σ(last positive logit)
        self.register_buffer("trained", torch.zeros((), dtype=torch.bool))  # any update yet

    def order(self, epoch: int, generator: torch.Generator) -> torch.Tensor:
        """(n,) event positions for ``epoch``: a permutation before any update, else a weighted draw."""
        n = self.score.numel()
        if epoch == 0 or not bool(self.trained):
            return torch.randperm(n, generator=generator, device=self.score.device)
        return torch.multinomial(self.score + self.floor, n, replacement=True, generator=generator)

    @torch.no_grad()
    def update(self, positions: torch.Tensor, pos_logits: torch.Tensor) -> None:
        """Record σ of the positive logits of the events at ``positions`` (a repeated event keeps its last)."""
        self.score[positions] = torch.sigmoid(pos_logits.detach().float())
        self.trained.fill_(True)

    def probabilities(self) -> torch.Tensor:
        """(n,) the current sampling distribution (after epoch 0)."""
        w = self.score + self.floor
        return w / w.sum()
