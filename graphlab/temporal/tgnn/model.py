"""The temporal link-prediction model: node input → backbone (TGAT | GraphMixer) → edge scorer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from graphlab.temporal.features import EdgeFeatures, NodeInput, to_block
from graphlab.temporal.finder import Hop
from graphlab.temporal.graphmixer import GraphMixer
from graphlab.temporal.link_predictor import LinkPredictor
from graphlab.temporal.tgat import TGAT


class TemporalLinkModel(nn.Module):
    """``embed`` turns roots and their sampled hops into (R, dim) embeddings; ``predictor`` scores pairs."""

    def __init__(self, node_input: NodeInput, backbone: nn.Module, predictor: LinkPredictor) -> None:
        super().__init__()
        self.node_input, self.backbone, self.predictor = node_input, backbone, predictor

    def embed(self, roots: torch.Tensor, hops: list[Hop], edge_features: EdgeFeatures,
              trace: dict[str, Any] | None = None) -> torch.Tensor:
        """Embeddings (R, dim) of ``roots`` (R,) at their hops' root times. ``trace``, when given, receives the
        backbone's tensors that TASER's sampler loss reads (see TGAT.forward, GraphMixer.forward)."""
        levels = [roots, *(h.nodes.reshape(-1) for h in hops)]
        x = [self.node_input(ids) for ids in levels]
        blocks = [to_block(h, edge_features) for h in hops]
        return self.backbone(x, blocks, trace=trace)


def build_model(backbone: str, num_nodes: int, edge_dim: int, fanouts: Sequence[int], dim: int = 100,
                time_dim: int = 100, heads: int = 2, dropout: float = 0.1, node_features: str = "learned",
                node_dim: int = 100, token_expansion: float = 0.5, channel_expansion: float = 4.0
                ) -> TemporalLinkModel:
    """A TemporalLinkModel with the ``tgat`` (one layer per fanout) or ``graphmixer`` (one hop, K = fanout)
    backbone."""
    node_input = NodeInput(num_nodes, node_features, node_dim)
    if backbone == "tgat":
        net: nn.Module = TGAT(node_input.out_dim, edge_dim, dim, time_dim, layers=len(fanouts), heads=heads,
                              dropout=dropout)
    elif backbone == "graphmixer":
        if len(fanouts) != 1:
            raise ValueError(f"graphmixer samples one hop; got fanouts {list(fanouts)}")
        net = GraphMixer(node_input.out_dim, edge_dim, tokens=fanouts[0], dim=dim, time_dim=time_dim,
                         token_expansion=token_expansion, channel_expansion=channel_expansion, dropout=dropout)
    else:
        raise ValueError(f"unknown backbone {backbone!r}; use 'tgat' or 'graphmixer'")
    return TemporalLinkModel(node_input, net, LinkPredictor(dim))
