"""TARo's token-level router (arXiv 2603.18411; no public code — reconstructed from the paper's abstract and
summaries): ``α_t = softplus(MLP([LN(h_base,t) ‖ LN(h_RM,t)]))`` ≥ 0 and the next-token distribution
``log π(y_t) ∝ log π_base(y_t | ·) + α_t · log π_RM(y_t | ·)``; GenARM is the special case α_t ≡ α.

With ``inputs="rm"`` the router reads only the RM's hidden state, so a router trained next to one base applies
unchanged to another base sharing the tokenizer (the small-to-large transfer).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


class Router(nn.Module):
    """Shapes: ``h_base`` (B, d_base), ``h_rm`` (B, d_rm) → α (B, 1)."""

    def __init__(self, base_dim: int, rm_dim: int, inputs: str = "base+rm", hidden: int = 64,
                 init_alpha: float = 1.0) -> None:
        super().__init__()
        self.inputs, self.base_dim, self.rm_dim = inputs, base_dim, rm_dim
        width = (base_dim if "base" in inputs else 0) + (rm_dim if "rm" in inputs else 0)
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Linear(hidden, 1))
        nn.init.zeros_(self.mlp[2].weight)
        nn.init.constant_(self.mlp[2].bias, math.log(math.expm1(init_alpha)))  # softplus⁻¹(init_alpha)

    def features(self, h_base: torch.Tensor, h_rm: torch.Tensor) -> torch.Tensor:
        parts = []
        if "base" in self.inputs:
            parts.append(F.layer_norm(h_base.float(), h_base.shape[-1:]))
        if "rm" in self.inputs:
            parts.append(F.layer_norm(h_rm.float(), h_rm.shape[-1:]))
        return torch.cat(parts, dim=-1)

    def forward(self, h_base: torch.Tensor, h_rm: torch.Tensor) -> torch.Tensor:
        return F.softplus(self.mlp(self.features(h_base, h_rm)))

    def spec(self) -> dict:
        return {"base_dim": self.base_dim, "rm_dim": self.rm_dim, "inputs": self.inputs,
                "hidden": self.mlp[0].out_features}


def mixed_nll(alpha: torch.Tensor, lb: torch.Tensor, lr: torch.Tensor, valid: torch.Tensor,
              gold: torch.Tensor) -> torch.Tensor:
    """Mean NLL of the gold token under ``softmax(lb + α·lr)`` restricted to candidate tokens.

    Shapes: α (N, 1); lb, lr (N, C) log-probs of base and RM at the candidates; ``valid`` (N, C) bool
    (duplicates and padding off); ``gold`` (N,) index of the target among the candidates.
    """
    z = (lb + alpha * lr).masked_fill(~valid, float("-inf"))
    return (torch.logsumexp(z, dim=-1) - z.gather(-1, gold[:, None]).squeeze(-1)).mean()
