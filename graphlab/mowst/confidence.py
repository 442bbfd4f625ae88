"""Mowst's confidence functions: how much a node trusts the weak expert, from the dispersion of its prediction.

With p = softmax(z_MLP) over C classes (Zeng et al., ICLR 2024, §3):

- var_conf = Var(p) / Var(one-hot) = (C·Σ_c p_c² − 1) / (C − 1)   (0 for uniform p, 1 for one-hot p)
- ent_conf = 1 − H(p) / log C                                       (0 for uniform p, 1 for one-hot p)

Strategies (``CONFIDENCES``): the learned gate C = σ(GateMLP([var_conf, ent_conf] (‖ x))) and the paper's
fixed functions C = var_conf^τ and C = ent_conf^τ for ablation. The dispersion is computed without gradient,
as in the official implementation: the weak expert learns from the C-weighted loss, the gate from both.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import torch
from torch import Tensor, nn

from graphlab.nn import MLP, FrozenMLP, densify


@torch.no_grad()
def variance_confidence(p: Tensor) -> Tensor:
    """Var(p)/Var(one-hot) per row of class probabilities ``p: (N, C)`` → ``(N,)`` in [0, 1]."""
    c = p.shape[1]
    return ((c * p.square().sum(1) - 1) / (c - 1)).clamp(0.0, 1.0)


@torch.no_grad()
def entropy_confidence(p: Tensor) -> Tensor:
    """1 − H(p)/log C per row of ``p: (N, C)`` → ``(N,)`` in [0, 1] (0·log 0 = 0)."""
    return (1 - torch.special.entr(p).sum(1) / math.log(p.shape[1])).clamp(0.0, 1.0)


def row_softmax(logits: Tensor) -> Tensor:
    """softmax over dim 1, exp(z − max z) / Σ exp(z − max z), in plain element-wise ops (on CPU torch's softmax
    kernel costs ~0.15 ms on a (1000, 7) batch, as much as the MLP's first layer)."""
    e = (logits - logits.max(dim=1, keepdim=True).values).exp()
    return e / e.sum(dim=1, keepdim=True)


def dispersion(logits: Tensor) -> Tensor:
    """The gate's input features ``[var_conf, ent_conf]`` of softmax(logits): ``(N, C)`` → ``(N, 2)``, detached."""
    p = row_softmax(logits.detach())
    return torch.stack([variance_confidence(p), entropy_confidence(p)], dim=1)


class Confidence(nn.Module):
    """Strategy: the weak expert's confidence C ∈ [0, 1] per node from its logits (and the node features)."""

    #: Keyword arguments the strategy accepts (see :func:`build_confidence`).
    options: tuple[str, ...] = ()

    def forward(self, logits: Tensor, x: Tensor) -> Tensor:
        """``logits: (N, classes)``, ``x: (N, in_feats)`` → ``C: (N,)``."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward")

    def frozen(self) -> Callable[[Tensor, Tensor], Tensor]:
        """The strategy for inference, ``(logits, x) → C`` as ``forward`` in eval mode; a strategy without
        parameters is its own inference form."""
        return self


class LearnedConfidence(Confidence):
    """C = σ(GateMLP([var_conf, ent_conf] ‖ x)) (``uses_features``) or σ(GateMLP([var_conf, ent_conf])).

    The gate is a :class:`~graphlab.nn.MLP` with one output, of the given width, depth, dropout and norm.
    """

    options = ("in_feats", "hidden", "layers", "dropout", "norm", "uses_features")

    def __init__(self, in_feats: int, hidden: int, layers: int = 2, dropout: float = 0.5, norm: str | None = None,
                 uses_features: bool = False) -> None:
        super().__init__()
        self.uses_features = bool(uses_features)
        self.gate = MLP(2 + (in_feats if self.uses_features else 0), hidden, 1, layers=layers, dropout=dropout,
                        norm=norm)

    def forward(self, logits: Tensor, x: Tensor) -> Tensor:
        return self._confidence(partial(self.gate, None), logits, x)

    def frozen(self) -> Callable[[Tensor, Tensor], Tensor]:
        """C from a :class:`~graphlab.nn.FrozenMLP` copy of the gate (its BatchNorm folded): rebuild after
        training changes the gate."""
        return partial(self._confidence, FrozenMLP(self.gate))

    def _confidence(self, gate: Callable[[Tensor], Tensor], logits: Tensor, x: Tensor) -> Tensor:
        h = dispersion(logits)  # (N, 2)
        if self.uses_features:
            h = torch.cat([h, densify(x)], dim=1)
        return torch.sigmoid(gate(h)).squeeze(1)


class PowerConfidence(Confidence):
    """A fixed confidence C = f(p)^τ of a dispersion feature f; no parameters."""

    options = ("tau",)

    def __init__(self, tau: float = 1.0) -> None:
        super().__init__()
        if not tau > 0:
            raise ValueError(f"{type(self).__name__}: tau must be > 0, got {tau!r}")
        self.tau = float(tau)

    @staticmethod
    def feature(p: Tensor) -> Tensor:
        raise NotImplementedError

    def forward(self, logits: Tensor, x: Tensor) -> Tensor:
        return self.feature(row_softmax(logits.detach())).pow(self.tau)

    def extra_repr(self) -> str:
        return f"tau={self.tau}"


class VarianceConfidence(PowerConfidence):
    """C = var_conf^τ = (Var(p)/Var(one-hot))^τ."""

    feature = staticmethod(variance_confidence)


class EntropyConfidence(PowerConfidence):
    """C = ent_conf^τ = (1 − H(p)/log C)^τ."""

    feature = staticmethod(entropy_confidence)


#: Confidence strategies by ``model.confidence`` name.
CONFIDENCES: dict[str, type[Confidence]] = {
    "learned": LearnedConfidence,
    "variance": VarianceConfidence,
    "entropy": EntropyConfidence,
}


def build_confidence(name: str, **options: object) -> Confidence:
    """The strategy ``name`` built from the ``options`` it accepts (the others are ignored, so one call can
    pass every strategy's options)."""
    if name not in CONFIDENCES:
        raise ValueError(f"build_confidence: unknown confidence {name!r}; valid: {sorted(CONFIDENCES)}")
    cls = CONFIDENCES[name]
    return cls(**{k: v for k, v in options.items() if k in cls.options})
