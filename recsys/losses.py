"""Ranking losses over a positive score s⁺ (B,) and negative scores s⁻ (B, n).

- ``bpr``: mean −log σ(s⁺ − s⁻₁) (Rendle et al., 2009; the first negative).
- ``softmax``: sampled softmax, mean −log( e^{s⁺} / (e^{s⁺} + Σ_j e^{s⁻_j}) ).
- ``bce``: mean over candidates of binary cross-entropy, label 1 for s⁺ and 0 for each s⁻_j.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def ranking_loss(pos: torch.Tensor, neg: torch.Tensor, kind: str) -> torch.Tensor:
    """The loss ``kind`` (bpr | softmax | bce) of positives (B,) against negatives (B, n)."""
    if kind == "bpr":
        return F.softplus(neg[:, 0] - pos).mean()
    if kind == "softmax":
        logits = torch.cat([pos[:, None], neg], dim=1)
        return F.cross_entropy(logits, torch.zeros(len(pos), dtype=torch.long, device=pos.device))
    if kind == "bce":
        return 0.5 * (F.softplus(-pos).mean() + F.softplus(neg).mean())
    raise ValueError(f"unknown loss {kind!r} (bpr | softmax | bce)")
