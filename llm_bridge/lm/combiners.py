"""Logit combiners: each decoding step's next-token distribution from several models' outputs.

A combiner is a strategy object (``nn.Module``) called once per step with :class:`StepInputs` — the logits
(B, V) and, when ``needs_hidden``, the last hidden states (B, d_i) of every model, base first — and returns
log-probabilities (B, V) (``-inf`` for excluded tokens). New methods add a combiner, not an if-branch in the
decoding loop:

- :class:`BaseCombiner`: ``log softmax(z_base)``.
- :class:`GenARMCombiner` (Xu et al., ICLR 2025): ``log π ∝ log π_base + α · log π_RM`` with a fixed α.
- :class:`ARGSCombiner` (Khanov et al., ICLR 2024): re-rank the base's top-k tokens by
  ``z_base + w · r`` with the token reward ``r = log π_RM``; the distribution is softmax over those k scores.
- :class:`TaroCombiner` (TARo): GenARM with a per-token ``α_t = router(h_t) ≥ 0``.
- :class:`ExpertSelectCombiner`: the interface FusionRoute fills in: a selector picks an expert per row and
  sequence, and optional complementary logits are added to the selected expert's (``z_sel + z_comp``).

``record`` collects per-step diagnostics (``alpha`` for TARo) when ``combiner.trace`` is a list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class StepInputs:
    """One decoding step: ``logits[i]`` (B, V) of model i (base first); ``hidden[i]`` (B, d_i) when requested."""

    logits: list[torch.Tensor]
    hidden: list[torch.Tensor] = field(default_factory=list)


class Combiner(nn.Module):
    """Base class: ``forward(StepInputs) -> log-probs (B, V)``; ``models`` is how many models it reads."""

    models: int = 1
    needs_hidden: bool = False

    def __init__(self) -> None:
        super().__init__()
        self.trace: list[torch.Tensor] | None = None

    def record(self, value: torch.Tensor) -> None:
        if self.trace is not None:
            self.trace.append(value.detach().cpu())


class BaseCombiner(Combiner):
    """The base model alone."""

    def forward(self, step: StepInputs) -> torch.Tensor:
        return F.log_softmax(step.logits[0].float(), dim=-1)


def mix(base_logits: torch.Tensor, rm_logits: torch.Tensor, alpha: torch.Tensor | float) -> torch.Tensor:
    """``log softmax(log π_base + α · log π_RM)``; α a float or (B, 1) / (..., 1) tensor. α = 0 → base exactly."""
    lb = F.log_softmax(base_logits.float(), dim=-1)
    if isinstance(alpha, float | int):
        return lb if alpha == 0 else F.log_softmax(lb + alpha * F.log_softmax(rm_logits.float(), dim=-1), dim=-1)
    mixed = F.log_softmax(lb + alpha * F.log_softmax(rm_logits.float(), dim=-1), dim=-1)
    return torch.where(alpha == 0, lb, mixed)  # rows with α = 0 are the base bit for bit


class GenARMCombiner(Combiner):
    """GenARM: the base times the autoregressive reward model to a fixed power α."""

    models = 2

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        if alpha < 0:
            raise ValueError(f"GenARM alpha must be ≥ 0 (got {alpha})")
        self.alpha = float(alpha)

    def forward(self, step: StepInputs) -> torch.Tensor:
        return mix(step.logits[0], step.logits[1], self.alpha)


class ARGSCombiner(Combiner):
    """ARGS: the base's top-k tokens re-scored by ``z_base + w · log π_RM``; other tokens are excluded."""

    models = 2

    def __init__(self, k: int = 10, weight: float = 1.0) -> None:
        super().__init__()
        if k < 1 or weight < 0:
            raise ValueError(f"ARGS needs k ≥ 1 and weight ≥ 0 (got k={k}, weight={weight})")
        self.k, self.weight = int(k), float(weight)

    def forward(self, step: StepInputs) -> torch.Tensor:
        zb = step.logits[0].float()
        reward = F.log_softmax(step.logits[1].float(), dim=-1)
        top = zb.topk(min(self.k, zb.shape[-1]), dim=-1).indices
        scores = torch.full_like(zb, float("-inf"))
        scores.scatter_(-1, top, zb.gather(-1, top) + self.weight * reward.gather(-1, top))
        return F.log_softmax(scores, dim=-1)


class TaroCombiner(Combiner):
    """TARo: GenARM with a learned per-token weight ``α_t = router(hidden states)`` (B, 1), α_t ≥ 0."""

    models = 2
    needs_hidden = True

    def __init__(self, router: nn.Module) -> None:
        super().__init__()
        self.router = router

    def forward(self, step: StepInputs) -> torch.Tensor:
        alpha = self.router(step.hidden[0], step.hidden[1])  # (B, 1)
        self.record(alpha.squeeze(-1))
        return mix(step.logits[0], step.logits[1], alpha)


class ExpertSelectCombiner(Combiner):
    """The FusionRoute interface: ``selector(hidden) -> expert index (B,)`` picks an expert's logits per row,
    ``complement(hidden) -> (B, V)`` (optional) adds complementary logits. Models: the experts, in order."""

    needs_hidden = True

    def __init__(self, selector: Callable[[list[torch.Tensor]], torch.Tensor], experts: int,
                 complement: Callable[[list[torch.Tensor]], torch.Tensor] | None = None) -> None:
        super().__init__()
        self.selector, self.complement, self.models = selector, complement, experts

    def forward(self, step: StepInputs) -> torch.Tensor:
        choice = self.selector(step.hidden)  # (B,)
        self.record(choice)
        z = torch.stack([x.float() for x in step.logits], dim=1)  # (B, E, V)
        z = z[torch.arange(z.shape[0]), choice]
        if self.complement is not None:
            z = z + self.complement(step.hidden).float()
        return F.log_softmax(z, dim=-1)
