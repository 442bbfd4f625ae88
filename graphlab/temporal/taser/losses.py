"""TASER's co-training losses: the sampler learns from the TGNN's gradient (Deng et al., IPDPS 2024, §IV-B).

After the TGNN's backward, g = ∂L/∂h_neigh (detached) of the input layer's aggregated neighbourhood is known;
the sampler minimises ⟨g, h̃⟩, a surrogate whose gradient with respect to the sampler's parameters is the
score-function estimate of ∂L/∂π carried through h_neigh (only ``log π`` carries gradient):

- TGAT (per target of the first layer, per head):
  h̃ = (mean_j exp(clamp(a_ij)))^(−α) · Σ_j att_ij (v_j + β h_neigh) log π_j, with the raw attention logits a,
  the attention weights att and the values v of that layer (α = 2, β = 1, clamp 5 by default);
- GraphMixer: h̃ = Linear_frozen(log π ⊙ h_v), with h_v the token-mixing MLP's input (tokens on the last axis)
  and Linear_frozen a detached copy of its first linear; g is the gradient at that linear's output.

Each backbone's loss is a strategy: :data:`SAMPLER_LOSSES` maps the backbone name to it. The trace is what the
backbone recorded in its forward (``trace=`` of TGAT/GraphMixer); ``log_pis[h]`` is hop h's (N_h, k) log π (0 on
padding) and ``masks[h]`` its real slots.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F


def tgat_sampler_loss(trace: dict[Any, Any], log_pis: list[torch.Tensor], masks: list[torch.Tensor],
                      alpha: float = 2.0, beta: float = 1.0, clamp: float = 5.0) -> torch.Tensor:
    """Mean over the first layer's targets (every hop level) of ⟨g, h̃⟩; ``trace[j]`` holds level j's logits,
    att (N, K, H), value (N, K, H, dh) and agg (N, H·dh) with its gradient; ``masks[j]`` (N, K) its real slots."""
    losses = []
    for level, (log_pi, mask) in enumerate(zip(log_pis, masks, strict=True)):
        t = trace.get(level)
        if t is None or t["agg"].grad is None:
            continue
        att, value = t["att"].detach(), t["value"].detach()  # (N, K, H), (N, K, H, dh)
        n, k, heads, dh = value.shape
        exp_a = torch.exp(t["logits"].detach().clamp(-clamp, clamp)) * mask.unsqueeze(-1)
        real = mask.sum(1, keepdim=True)  # (N, 1); a target without neighbours contributes 0
        coef = torch.where(real > 0, (exp_a.sum(1) / real.clamp(min=1)).clamp(min=1e-12).pow(-alpha), 0.0)  # (N, H)
        h_neigh = t["agg"].detach().view(n, heads, dh)
        w = att * log_pi.unsqueeze(-1)  # (N, K, H), carries the gradient
        surrogate = coef.unsqueeze(-1) * ((w.unsqueeze(-1) * value).sum(1) + beta * w.sum(1).unsqueeze(-1) * h_neigh)
        grad = t["agg"].grad.detach().view(n, heads, dh)
        losses.append((grad * surrogate).sum((1, 2)))
    if not losses:
        return torch.zeros((), device=log_pis[0].device)
    return torch.cat(losses).mean()


def mixer_sampler_loss(trace: dict[Any, Any], log_pis: list[torch.Tensor], masks: list[torch.Tensor],
                       **_: Any) -> torch.Tensor:
    """Mean over the roots of ⟨g, W (log π ⊙ h_v) + b⟩ with the token-mixing input h_v (R, d, K) and its first
    linear (W, b) detached; log π is put in the token order GraphMixer used (``trace["order"]``)."""
    hidden = trace["hidden"]
    if hidden.grad is None:
        return torch.zeros((), device=log_pis[0].device)
    log_pi = log_pis[0].gather(1, trace["order"]).unsqueeze(1)  # (R, 1, K)
    linear = trace["linear"]
    surrogate = F.linear(log_pi * trace["input"].detach(), linear.weight.detach(), linear.bias.detach())
    return (hidden.grad.detach() * surrogate).sum((1, 2)).mean()


SAMPLER_LOSSES: dict[str, Callable[..., torch.Tensor]] = {"tgat": tgat_sampler_loss, "graphmixer": mixer_sampler_loss}
