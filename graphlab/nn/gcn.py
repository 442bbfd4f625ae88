"""GCN (Kipf & Welling, "Semi-Supervised Classification with Graph Convolutional Networks",
ICLR 2017) on :class:`dgl.nn.GraphConv`."""

from __future__ import annotations

import dgl
import dgl.function as fn
import dgl.nn as dglnn
import torch
from torch import Tensor, nn

from .base import LayerInput, NodeModel
from .sparse_features import is_sparse, scale_rows, sparse_matmul


class GCN(NodeModel):
    """GCN: a stack of ``dgl.nn.GraphConv(norm="both")`` layers.

    Layer math: H' = σ(D_in^-1/2 A D_out^-1/2 H W + b) (D^-1/2 A D^-1/2 on a symmetric graph).
    Self-loops are the caller's: add them with ``dgl.add_self_loop(g)`` for the paper's Â = A + I.
    Built with ``allow_zero_in_degree=True`` (a node without in-edges gets only the bias).

    Mini-batch: a DGL block only knows the out-degree of its source nodes *within the block*, so
    to reproduce full-graph normalization the model reads the full graph's out-degrees from
    ``block.srcdata[GCN.degree_key]``. Call :meth:`GCN.add_out_degrees` on the graph once before
    sampling; DGL samplers carry node data onto the blocks. Blocks without it are an error.

    Args: see :class:`~graphlab.nn.base.NodeModel` (no extra options).

    Shapes: ``x: (N, in_feats)`` → ``(N, out_feats)``; blocks →
    ``(blocks[-1].num_dst_nodes(), out_feats)``.
    """

    #: Node-data key holding the full graph's out-degrees, used on blocks.
    degree_key = "gcn_out_degree"

    @classmethod
    def add_out_degrees(cls, graph: dgl.DGLGraph) -> dgl.DGLGraph:
        """Store ``graph.out_degrees()`` (float, shape ``(N,)``) in ``graph.ndata[degree_key]``;
        returns the graph."""
        graph.ndata[cls.degree_key] = graph.out_degrees().float()
        return graph

    def build_layer(self, in_dim: int, out_dim: int, is_last: bool) -> nn.Module:
        return dglnn.GraphConv(in_dim, out_dim, norm="both", allow_zero_in_degree=True)

    def apply_layer(
        self, layer: nn.Module, graph: dgl.DGLGraph, feat: LayerInput, is_last: bool
    ) -> Tensor:
        h_src = feat[0] if isinstance(feat, tuple) else feat
        if is_sparse(h_src):
            return self._sparse_conv(layer, graph, h_src)
        if graph.is_block:
            feat = (h_src * self._source_rescale(graph).to(h_src), feat[1])
        return layer(graph, feat)

    def _sparse_conv(self, layer: nn.Module, graph: dgl.DGLGraph, h_src: Tensor) -> Tensor:
        """``layer`` (a GraphConv, norm="both") on a sparse input, projected before aggregation:
        D_in^-1/2 Aᵀ D_out^-1/2 (X W) + b, with the full graph's out-degrees D_out on blocks."""
        out_degrees = self._full_out_degrees(graph) if graph.is_block else graph.out_degrees()
        h = scale_rows(sparse_matmul(h_src, layer.weight), out_degrees.float().clamp(min=1).pow(-0.5))
        with graph.local_scope():
            graph.srcdata["h"] = h
            graph.update_all(fn.copy_u("h", "m"), fn.sum("m", "h"))
            rst = scale_rows(graph.dstdata["h"], graph.in_degrees().float().clamp(min=1).pow(-0.5).to(h))
        return rst if layer.bias is None else rst + layer.bias

    def _full_out_degrees(self, block: dgl.DGLGraph) -> Tensor:
        if self.degree_key not in block.srcdata:
            raise ValueError(
                f"GCN: block has no srcdata[{self.degree_key!r}] (the full graph's out-degrees), "
                "needed for full-graph normalization on blocks; call GCN.add_out_degrees(g) on the "
                "graph before sampling"
            )
        return block.srcdata[self.degree_key]

    def _source_rescale(self, block: dgl.DGLGraph) -> Tensor:
        """(num_src, 1) factors turning GraphConv's block out-degree norm into the full graph's:
        sqrt(deg_block / deg_full), both clamped at 1 as GraphConv does."""
        full = self._full_out_degrees(block).float().clamp(min=1)
        local = block.out_degrees().to(full).clamp(min=1)
        return torch.sqrt(local / full).unsqueeze(-1)
