"""TGAT (Xu et al., "Inductive Representation Learning on Temporal Graphs", ICLR 2020), as TGL implements it.

Layer l embeds node v at time t from its sampled temporal neighbours (u_j, t_j, e_j):

    q   = W_q [h^{l−1}(v, t) ‖ φ(0)]
    k_j = W_k [h^{l−1}(u_j, t_j) ‖ e_j ‖ φ(t − t_j)],   v_j = W_v [same]
    α_j = softmax_j LeakyReLU(⟨q, k_j⟩) per head (masked slots excluded)
    h^l(v, t) = LayerNorm(ReLU(Dropout(W_o [Σ_j α_j v_j ‖ h^{l−1}(v, t)])))

with a learnable cosine time encoding φ per layer. A node with no valid neighbour aggregates 0. With L layers
the roots' embeddings need L hops of neighbours: layer l embeds hop levels 0 … L − l, level j's neighbours
being level j + 1 (the finder's hop j). Defaults: 2 layers, 2 heads, dim 100, dropout 0.1.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from graphlab.temporal.features import Block
from graphlab.temporal.time_encoding import LearnableTimeEncoding

_MASKED = -1e9  # logit of a padded slot: exp underflows to exactly 0 next to any real slot


class TemporalAttention(nn.Module):
    """One TGAT layer.

    Args:
        in_dim: width of h^{l−1} (node input width for the first layer, ``out_dim`` after).
        edge_dim: width of the edge features (0 allowed).
        time_dim: width of φ.
        out_dim: width of h^l; a multiple of ``heads``.
        heads, dropout: attention heads; dropout on attention weights and on the output.

    Shapes: ``forward(h_self (R, in_dim), h_nbr (R, K, in_dim), edge (R, K, edge_dim), dt (R, K), mask (R, K))``
    → (R, out_dim).
    """

    def __init__(self, in_dim: int, edge_dim: int, time_dim: int, out_dim: int, heads: int = 2,
                 dropout: float = 0.1) -> None:
        super().__init__()
        if heads < 1 or out_dim % heads:
            raise ValueError(f"TemporalAttention: out_dim ({out_dim}) must be a positive multiple of heads ({heads})")
        self.heads, self.out_dim = heads, out_dim
        self.time = LearnableTimeEncoding(time_dim)
        self.w_q = nn.Linear(in_dim + time_dim, out_dim)
        self.w_kv = nn.Linear(in_dim + edge_dim + time_dim, 2 * out_dim)
        self.w_o = nn.Linear(in_dim + out_dim, out_dim)
        self.dropout = nn.Dropout(dropout)
        self.norm = nn.LayerNorm(out_dim)

    def forward(self, h_self: torch.Tensor, h_nbr: torch.Tensor, edge: torch.Tensor, dt: torch.Tensor,
                mask: torch.Tensor, trace: dict[str, Any] | None = None) -> torch.Tensor:
        r, k = mask.shape
        heads, dh = self.heads, self.out_dim // self.heads
        phi0 = self.time(torch.zeros(r, device=h_self.device))  # (R, time_dim)
        q = self.w_q(torch.cat([h_self, phi0], dim=1)).view(r, 1, heads, dh)
        kv = self.w_kv(torch.cat([h_nbr, edge, self.time(dt)], dim=2))  # (R, K, 2·out)
        key, value = kv.view(r, k, 2, heads, dh).unbind(2)  # (R, K, H, dh) each
        logits = F.leaky_relu((q * key).sum(-1), 0.2)  # (R, K, H)
        logits = logits.masked_fill(~mask.unsqueeze(-1), _MASKED)
        att = torch.softmax(logits, dim=1) * mask.unsqueeze(-1)  # all-padded rows → 0
        agg = (self.dropout(att).unsqueeze(-1) * value).sum(1).reshape(r, self.out_dim)  # (R, out)
        if trace is not None:  # TASER's sampler loss reads these (see graphlab.temporal.taser)
            if agg.requires_grad:
                agg.retain_grad()
            trace.update(logits=logits, att=att, value=value, agg=agg)
        out = self.w_o(torch.cat([agg, h_self], dim=1))
        return self.norm(F.relu(self.dropout(out)))


class TGAT(nn.Module):
    """TGAT backbone: ``len(blocks)`` layers of :class:`TemporalAttention`.

    Standard sampler (TGL/TASER): ``uniform`` with fanouts [10, 10].

    Shapes: ``forward(x, blocks)`` with ``x[j]`` (N_j, node_dim) the node inputs of hop level j (N_0 = R roots,
    N_{j+1} = N_j · K_j) and ``blocks[j]`` the Block of hop j (N_j targets, K_j slots) → (R, dim).
    """

    default_policy = "uniform"
    default_fanouts = (10, 10)

    def __init__(self, node_dim: int, edge_dim: int, dim: int = 100, time_dim: int = 100, layers: int = 2,
                 heads: int = 2, dropout: float = 0.1) -> None:
        super().__init__()
        if layers < 1:
            raise ValueError(f"TGAT: layers must be >= 1; got {layers}")
        self.dim, self.num_layers = dim, layers
        self.layers = nn.ModuleList(
            TemporalAttention(node_dim if i == 0 else dim, edge_dim, time_dim, dim, heads, dropout)
            for i in range(layers))

    def forward(self, x: list[torch.Tensor], blocks: list[Block], trace: dict[str, Any] | None = None
                ) -> torch.Tensor:
        """The roots' embeddings. ``trace``, when given, receives for each hop level j the first layer's
        attention tensors over block j as ``trace[j]`` (logits, att (N_j, K_j, H), value (N_j, K_j, H, dh),
        agg (N_j, dim) with its gradient retained): the input layer, whose sampling TASER learns."""
        if len(blocks) != self.num_layers or len(x) != self.num_layers + 1:
            raise ValueError(f"TGAT with {self.num_layers} layers needs {self.num_layers} hops of neighbours and "
                             f"{self.num_layers + 1} node-input levels; got {len(blocks)} and {len(x)} "
                             f"(set sampler.fanouts to one entry per layer)")
        h = x
        for i, layer in enumerate(self.layers):
            h = [layer(h[j], h[j + 1].view(*blocks[j].mask.shape, -1), blocks[j].edge, blocks[j].dt, blocks[j].mask,
                       trace=None if trace is None or i else trace.setdefault(j, {}))
                 for j in range(self.num_layers - i)]
        return h[0]
