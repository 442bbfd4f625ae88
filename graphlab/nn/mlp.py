"""Multilayer perceptron: the graph-agnostic baseline (and Mowst's weak expert)."""

from __future__ import annotations

import dgl
from torch import Tensor, nn

from .base import LayerInput, NodeModel


class MLP(NodeModel):
    """Multilayer perceptron on node features; the graph is ignored.

    Layer math: H' = σ(H W + b).

    Takes the same arguments and inputs as every :class:`~graphlab.nn.base.NodeModel`; the graph
    may also be ``None``. Given blocks, it returns rows for ``blocks[-1]``'s destination nodes,
    which are the first ``blocks[-1].num_dst_nodes()`` rows of ``x`` (DGL blocks keep their
    destination nodes as a prefix of their source nodes).

    Shapes: ``x: (N, in_feats)`` → ``(N, out_feats)``; blocks → ``(blocks[-1].num_dst_nodes(),
    out_feats)``.
    """

    uses_graph = False

    def build_layer(self, in_dim: int, out_dim: int, is_last: bool) -> nn.Module:
        return nn.Linear(in_dim, out_dim)

    def apply_layer(
        self, layer: nn.Module, graph: dgl.DGLGraph | None, feat: LayerInput, is_last: bool
    ) -> Tensor:
        h_dst = feat[1] if isinstance(feat, tuple) else feat
        return layer(h_dst)
