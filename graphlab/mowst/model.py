"""Mowst's modules: a weak MLP expert, a strong GNN expert and a confidence strategy (Zeng et al., ICLR 2024)."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor, nn

from graphlab.mowst.confidence import Confidence, build_confidence
from graphlab.nn import MLP, NodeModel, build_model
from graphlab.nn.base import GraphInput


@dataclass
class ExpertOutputs:
    """Both experts' logits and the weak expert's confidence for the same rows.

    Shapes: ``weak``, ``strong``: ``(N, classes)``; ``gate``: ``(N,)`` with C ∈ [0, 1].
    """

    weak: Tensor
    strong: Tensor
    gate: Tensor

    def __getitem__(self, rows: Tensor | slice) -> ExpertOutputs:
        return ExpertOutputs(self.weak[rows], self.strong[rows], self.gate[rows])

    def mixture_logits(self) -> Tensor:
        """Mowst*'s logits z = C·z_MLP + (1 − C)·z_GNN: ``(N, classes)``."""
        c = self.gate.unsqueeze(1)
        return c * self.weak + (1 - c) * self.strong


class Mowst(nn.Module):
    """Mixture of a weak and a strong expert: node i uses the weak expert with probability C_i, the confidence
    computed from the weak expert's own prediction, and the strong expert otherwise.

    Args:
        weak: the weak expert (an MLP; it sees the node features only).
        strong: the strong expert (a GNN over the graph).
        confidence: the strategy computing C from the weak expert's logits (:mod:`graphlab.mowst.confidence`).

    Shapes: ``forward(g, x)`` with ``x: (g.num_nodes(), in_feats)`` → :class:`ExpertOutputs` over all nodes.
    """

    def __init__(self, weak: NodeModel, strong: NodeModel, confidence: Confidence) -> None:
        super().__init__()
        if weak.uses_graph:
            raise ValueError(f"Mowst: the weak expert must be graph-agnostic (an MLP), got {type(weak).__name__}")
        self.weak = weak
        self.strong = strong
        self.confidence = confidence

    def weak_outputs(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """The weak expert's logits ``(N, classes)`` and its confidence C ``(N,)``."""
        logits = self.weak(None, x)
        return logits, self.confidence(logits, x)

    def forward(self, graph: GraphInput, x: Tensor) -> ExpertOutputs:
        weak, gate = self.weak_outputs(x)
        return ExpertOutputs(weak, self.strong(graph, x), gate)


def build_mowst(in_feats: int, num_classes: int, strong: str, *, hidden: int = 64, layers: int = 2,
                dropout: float = 0.5, norm: str | None = "batch", confidence: str = "learned", tau: float = 1.0,
                gate_uses_features: bool = False, **strong_options: object) -> Mowst:
    """Mowst with an MLP and the ``strong`` graph model (gcn | sage | gat | gin) of the same width, depth, dropout
    and norm; the learned gate is an MLP of that shape too. ``strong_options`` go to
    :func:`graphlab.nn.build_model` (heads, attn_dropout, aggregator …)."""
    shape = {"layers": layers, "dropout": dropout, "norm": norm}
    strong_model = build_model(strong, in_feats, hidden, num_classes, **shape, **strong_options)
    if not isinstance(strong_model, NodeModel) or not strong_model.uses_graph:
        raise ValueError(f"build_mowst: the strong expert must be a graph model, got {strong!r}")
    gate = build_confidence(confidence, in_feats=in_feats, hidden=hidden, uses_features=gate_uses_features, tau=tau,
                            **shape)
    return Mowst(MLP(in_feats, hidden, num_classes, **shape), strong_model, gate)

