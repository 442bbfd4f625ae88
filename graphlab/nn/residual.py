"""A graph model plus a residual MLP branch on the node's own features: the baseline reviewers asked Mowst
(Zeng et al., "Mixture of Weak & Strong Experts on Graphs", ICLR 2024) to beat."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .base import GraphInput, NodeModel


class MLPResidual(nn.Module):
    """Logits of a graph model and of an MLP, summed: z = GNN(G, X) + MLP(X).

    Unlike Mowst, which picks one expert per node, both branches contribute to every node and are trained
    jointly by the caller's loss. Takes the same inputs as a :class:`~graphlab.nn.base.NodeModel`: a full
    graph or a list of blocks (the MLP reads the rows of the last block's destination nodes, so mini-batch
    and full-graph outputs agree as they do for the branches).

    Args:
        gnn: the graph branch (any graph-using NodeModel: GCN, GraphSAGE, GAT, GIN).
        mlp: the feature branch, with the same input and output sizes.

    Shapes: ``x: (N, in_feats)`` → ``(N, out_feats)``; blocks → ``(blocks[-1].num_dst_nodes(), out_feats)``;
    ``return_hidden=True`` also returns the inputs of both output layers side by side, ``(rows, hidden_gnn +
    hidden_mlp)``.
    """

    uses_graph = True

    def __init__(self, gnn: NodeModel, mlp: NodeModel) -> None:
        super().__init__()
        if not gnn.uses_graph or mlp.uses_graph:
            raise ValueError(f"MLPResidual: needs a graph model and a graph-agnostic MLP, got "
                             f"{type(gnn).__name__} and {type(mlp).__name__}")
        if (gnn.in_feats, gnn.out_feats) != (mlp.in_feats, mlp.out_feats):
            raise ValueError(f"MLPResidual: the branches must map the same sizes, got gnn {gnn.in_feats}→"
                             f"{gnn.out_feats} and mlp {mlp.in_feats}→{mlp.out_feats}")
        self.gnn = gnn
        self.mlp = mlp
        self.in_feats, self.out_feats = gnn.in_feats, gnn.out_feats

    def reset_parameters(self) -> None:
        """Re-initialize both branches."""
        self.gnn.reset_parameters()
        self.mlp.reset_parameters()

    def forward(self, graph_or_blocks: GraphInput, x: Tensor,
                return_hidden: bool = False) -> Tensor | tuple[Tensor, Tensor]:
        """GNN logits + MLP logits for the output rows (and, with ``return_hidden``, both hidden inputs)."""
        if not return_hidden:
            return self.gnn(graph_or_blocks, x) + self.mlp(graph_or_blocks, x)
        z_gnn, h_gnn = self.gnn(graph_or_blocks, x, return_hidden=True)
        z_mlp, h_mlp = self.mlp(graph_or_blocks, x, return_hidden=True)
        return z_gnn + z_mlp, torch.cat([h_gnn, h_mlp], dim=1)
