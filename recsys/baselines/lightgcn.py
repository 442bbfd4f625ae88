"""LightGCN (He et al., SIGIR 2020) with DGL message passing on the bipartite user–item graph.

e_u^{(l+1)} = Σ_{i ∈ N(u)} e_i^{(l)} / √(|N(u)| |N(i)|), e_i^{(l+1)} likewise; the final embedding is the mean of
layers 0..L and s(u, i) = ⟨e_u, e_i⟩. No feature transforms, no non-linearity.
"""

from __future__ import annotations

import dgl
import dgl.function as fn
import torch
from torch import nn

from recsys.baselines.mf import embedding_penalty, init_embedding
from recsys.data import BACKWARD, FORWARD, ITEM, USER, Batch, negative_scores
from recsys.engine import Recommender


class LightGCNConv(nn.Module):
    """One parameter-free propagation step on a graph built by ``recsys.data.bipartite_graph`` (uses
    ``edata["norm"]``); users aggregate items and items aggregate users at once."""

    def forward(self, graph: dgl.DGLHeteroGraph, user: torch.Tensor,
                item: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        with graph.local_scope():
            graph.nodes[USER].data["h"], graph.nodes[ITEM].data["h"] = user, item
            graph.multi_update_all({FORWARD: (fn.u_mul_e("h", "norm", "m"), fn.sum("m", "out")),
                                    BACKWARD: (fn.u_mul_e("h", "norm", "m"), fn.sum("m", "out"))}, "sum")
            return graph.nodes[USER].data["out"], graph.nodes[ITEM].data["out"]


class LightGCN(Recommender):
    """Layer-0 embeddings (U + I, d) propagated ``layers`` times over the training graph."""

    def __init__(self, graph: dgl.DGLHeteroGraph, dim: int, layers: int, reg: float):
        super().__init__()
        self.graph, self.layers, self.reg = graph, layers, reg
        self.user = init_embedding(graph.num_nodes(USER), dim)
        self.item = init_embedding(graph.num_nodes(ITEM), dim)
        self.conv = LightGCNConv()
        self._cache: tuple[torch.Tensor, torch.Tensor] | None = None

    def _apply(self, fn, *args, **kwargs):  # noqa: ANN001 - keep the graph on the module's device
        out = super()._apply(fn, *args, **kwargs)
        self.graph = self.graph.to(self.user.weight.device)
        return out

    def propagate(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Final user (U, d) and item (I, d) embeddings: the mean over layers 0..L."""
        u, i = self.user.weight, self.item.weight
        sum_u, sum_i = u, i
        for _ in range(self.layers):
            u, i = self.conv(self.graph, u, i)
            sum_u, sum_i = sum_u + u, sum_i + i
        return sum_u / (self.layers + 1), sum_i / (self.layers + 1)

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        u, i = self.propagate()
        p = u[batch.users]
        return (p * i[batch.pos]).sum(-1), negative_scores(p, i[batch.neg])

    def penalty(self, batch: Batch) -> torch.Tensor | float:
        return embedding_penalty(self.reg, self.user(batch.users), self.item(batch.pos), self.item(batch.neg[:, 0]))

    def refresh(self) -> None:
        self._cache = self.propagate()

    def scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        u, i = self._cache if self._cache is not None else self.propagate()
        return u[users] @ i.T

    def train(self, mode: bool = True) -> LightGCN:
        self._cache = None
        return super().train(mode)
