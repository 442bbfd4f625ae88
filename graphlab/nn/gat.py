"""GAT (Veličković et al., "Graph Attention Networks", ICLR 2018) on :class:`dgl.nn.GATConv`."""

from __future__ import annotations

import dgl
import dgl.nn as dglnn
import torch.nn.functional as F
from torch import Tensor, nn

from .base import LayerInput, NodeModel, check_int, check_rate


class GAT(NodeModel):
    """GAT: a stack of multi-head ``dgl.nn.GATConv`` layers with ELU in between.

    Layer math: h_v' = ‖_k σ(Σ_{u ∈ N(v)} α^k_vu W^k h_u),
    α^k_vu = softmax_u(LeakyReLU(a^k · [W^k h_v ‖ W^k h_u])).

    Hidden layers have ``heads`` heads of ``hidden // heads`` features, concatenated (width
    ``hidden``); the output layer has ``out_heads`` heads, averaged. Built with
    ``allow_zero_in_degree=True``: adding self-loops is the caller's choice (a node without
    in-edges gets only the bias).

    Args:
        in_feats, hidden, out_feats, layers, dropout, norm: see
            :class:`~graphlab.nn.base.NodeModel`.
        heads: attention heads per hidden layer (default 8); must divide ``hidden``.
        out_heads: attention heads of the output layer (default 1), averaged.
        attn_dropout: dropout on the attention coefficients, in [0, 1) (default 0.0).

    Shapes: ``x: (N, in_feats)`` → ``(N, out_feats)``; blocks →
    ``(blocks[-1].num_dst_nodes(), out_feats)``.
    """

    options = ("heads", "out_heads", "attn_dropout")

    def __init__(
        self,
        in_feats: int,
        hidden: int,
        out_feats: int,
        layers: int = 2,
        dropout: float = 0.5,
        norm: str | None = None,
        *,
        heads: int = 8,
        out_heads: int = 1,
        attn_dropout: float = 0.0,
    ) -> None:
        owner = type(self).__name__
        self.heads = check_int(owner, "heads", heads)
        self.out_heads = check_int(owner, "out_heads", out_heads)
        self.attn_dropout = check_rate(owner, "attn_dropout", attn_dropout)
        if layers != 1 and isinstance(hidden, int) and hidden % heads != 0:
            raise ValueError(
                f"{owner}: hidden must be divisible by heads, got hidden={hidden!r}, "
                f"heads={heads!r}; use e.g. hidden={max(heads, hidden // heads * heads)}"
            )
        super().__init__(in_feats, hidden, out_feats, layers, dropout, norm)

    def build_layer(self, in_dim: int, out_dim: int, is_last: bool) -> nn.Module:
        heads = self.out_heads if is_last else self.heads
        per_head = out_dim if is_last else out_dim // self.heads
        return dglnn.GATConv(
            in_dim, per_head, heads, attn_drop=self.attn_dropout, allow_zero_in_degree=True
        )

    def apply_layer(
        self, layer: nn.Module, graph: dgl.DGLGraph, feat: LayerInput, is_last: bool
    ) -> Tensor:
        h = layer(graph, feat)  # (n_dst, heads, per_head)
        return h.mean(1) if is_last else h.flatten(1)

    def activate(self, h: Tensor) -> Tensor:
        return F.elu(h)
