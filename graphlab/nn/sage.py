"""GraphSAGE (Hamilton, Ying & Leskovec, "Inductive Representation Learning on Large Graphs",
NeurIPS 2017) on :class:`dgl.nn.SAGEConv`."""

from __future__ import annotations

import dgl
import dgl.nn as dglnn
from torch import Tensor, nn

from .base import LayerInput, NodeModel, check_choice, dense_input
from .sparse_features import is_sparse

AGGREGATORS = ("mean", "gcn", "pool", "lstm")


class GraphSAGE(NodeModel):
    """GraphSAGE: a stack of ``dgl.nn.SAGEConv`` layers.

    Layer math: h_v' = σ(W_self h_v + W_neigh AGG({h_u : u ∈ N(v)}) + b)
    (for ``aggregator="gcn"``: h_v' = σ(W (h_v + Σ_u h_u) / (deg(v) + 1) + b)).

    Args:
        in_feats, hidden, out_feats, layers, dropout, norm: see
            :class:`~graphlab.nn.base.NodeModel`.
        aggregator: ``"mean"`` (default), ``"gcn"``, ``"pool"`` or ``"lstm"``.

    Shapes: ``x: (N, in_feats)`` → ``(N, out_feats)``; blocks →
    ``(blocks[-1].num_dst_nodes(), out_feats)``.
    """

    options = ("aggregator",)

    def __init__(
        self,
        in_feats: int,
        hidden: int,
        out_feats: int,
        layers: int = 2,
        dropout: float = 0.5,
        norm: str | None = None,
        *,
        aggregator: str = "mean",
    ) -> None:
        self.aggregator = check_choice(type(self).__name__, "aggregator", aggregator, AGGREGATORS)
        super().__init__(in_feats, hidden, out_feats, layers, dropout, norm)

    def build_layer(self, in_dim: int, out_dim: int, is_last: bool) -> nn.Module:
        return dglnn.SAGEConv(in_dim, out_dim, aggregator_type=self.aggregator)

    def apply_layer(
        self, layer: nn.Module, graph: dgl.DGLGraph, feat: LayerInput, is_last: bool
    ) -> Tensor:
        # SAGEConv projects a sparse input before aggregating only for pool, or for mean/gcn when it narrows the
        # features; otherwise it aggregates the raw features, which needs them dense
        first = feat[0] if isinstance(feat, tuple) else feat
        projects_first = self.aggregator == "pool" or (
            self.aggregator != "lstm" and layer._in_src_feats > layer._out_feats
        )
        if is_sparse(first) and not projects_first:
            feat = dense_input(feat)
        return layer(graph, feat)
