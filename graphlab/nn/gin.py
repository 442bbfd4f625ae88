"""GIN (Xu, Hu, Leskovec & Jegelka, "How Powerful are Graph Neural Networks?", ICLR 2019) on
:class:`dgl.nn.GINConv`."""

from __future__ import annotations

import dgl
import dgl.nn as dglnn
from torch import Tensor, nn

from .base import LayerInput, NodeModel, dense_input


class GIN(NodeModel):
    """GIN: a stack of ``dgl.nn.GINConv`` layers with sum aggregation and a 2-layer MLP each.

    Layer math: h_v' = MLP((1 + ε) h_v + Σ_{u ∈ N(v)} h_u), MLP = Linear → ReLU → Linear
    (width ``hidden`` inside), ε learnable when ``learn_eps`` (initialized to 0).

    Args:
        in_feats, hidden, out_feats, layers, dropout, norm: see
            :class:`~graphlab.nn.base.NodeModel`.
        learn_eps: learn ε (default True) or keep it at 0.

    Shapes: ``x: (N, in_feats)`` → ``(N, out_feats)``; blocks →
    ``(blocks[-1].num_dst_nodes(), out_feats)``.
    """

    options = ("learn_eps",)

    def __init__(
        self,
        in_feats: int,
        hidden: int,
        out_feats: int,
        layers: int = 2,
        dropout: float = 0.5,
        norm: str | None = None,
        *,
        learn_eps: bool = True,
    ) -> None:
        self.learn_eps = bool(learn_eps)
        super().__init__(in_feats, hidden, out_feats, layers, dropout, norm)

    def build_layer(self, in_dim: int, out_dim: int, is_last: bool) -> nn.Module:
        mlp = nn.Sequential(
            nn.Linear(in_dim, self.hidden), nn.ReLU(), nn.Linear(self.hidden, out_dim)
        )
        return dglnn.GINConv(mlp, aggregator_type="sum", init_eps=0.0, learn_eps=self.learn_eps)

    def apply_layer(
        self, layer: nn.Module, graph: dgl.DGLGraph, feat: LayerInput, is_last: bool
    ) -> Tensor:
        # sum aggregation runs on the raw features: a sparse input is densified first
        feat = dense_input(feat)
        return layer(graph, feat)

    def reset_parameters(self) -> None:
        """Re-initialize every layer (GINConv has no reset of its own: ε goes back to 0)."""
        super().reset_parameters()
        for conv in self.convs:
            conv.eps.data.fill_(0.0)
