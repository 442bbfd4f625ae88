"""GraphMixer (Cong et al., "Do We Really Need Complicated Model Architectures for Temporal Networks?", ICLR
2023), with TGL/TASER's MLP-Mixer.

Root v at time t with its K most recent neighbour events (u_j, t_j, e_j), most recent first:

    link tokens   z_j = W_f [e_j ‖ φ(t − t_j)]                (zero for padded slots; φ fixed, see time_encoding)
    MLP-Mixer     Z ← Z + FF_token(LN(Z)ᵀ)ᵀ,  Z ← Z + FF_channel(LN(Z))   (1 block; expansions 0.5 and 4, GeLU)
    link encoding l = W_h mean_j LN(Z)_j over the real slots
    node encoding s = x_v + mean_j x_{u_j}                    (node inputs; absent when there are none)
    h(v, t) = W_o [l ‖ s]

Standard sampler: ``recent`` with fanouts [10] (the token count K is the fanout). Defaults: dim 100, dropout 0.1.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from graphlab.temporal.features import Block
from graphlab.temporal.time_encoding import FixedTimeEncoding


class FeedForward(nn.Module):
    """Linear(d → e·d) → GeLU → Dropout → Linear(e·d → d) → Dropout (e·d rounded, at least 1)."""

    def __init__(self, dim: int, expansion: float, dropout: float) -> None:
        super().__init__()
        hidden = max(1, int(round(dim * expansion)))
        self.net = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, dim),
                                 nn.Dropout(dropout))

    def forward(self, x: torch.Tensor, trace: dict[str, Any] | None = None) -> torch.Tensor:
        """``trace``, when given, receives the first linear's ``input`` and ``hidden`` output (whose gradient
        is retained: TASER's sampler loss reads it)."""
        hidden = self.net[0](x)
        if trace is not None:
            if hidden.requires_grad:
                hidden.retain_grad()
            trace.update(input=x, hidden=hidden, linear=self.net[0])
        return self.net[1:](hidden)


class MixerBlock(nn.Module):
    """Token mixing across the K slots, then channel mixing; pre-LayerNorm residual blocks. (R, K, d) → same."""

    def __init__(self, tokens: int, dim: int, token_expansion: float = 0.5, channel_expansion: float = 4.0,
                 dropout: float = 0.1) -> None:
        super().__init__()
        self.token_norm, self.channel_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.token_ff = FeedForward(tokens, token_expansion, dropout)
        self.channel_ff = FeedForward(dim, channel_expansion, dropout)

    def forward(self, z: torch.Tensor, trace: dict[str, Any] | None = None) -> torch.Tensor:
        """``trace``: the token-mixing MLP's first linear (see FeedForward), input (R, d, K)."""
        z = z + self.token_ff(self.token_norm(z).transpose(1, 2), trace).transpose(1, 2)
        return z + self.channel_ff(self.channel_norm(z))


def recent_order(mask: torch.Tensor) -> torch.Tensor:
    """(R, K) slot index that reverses each row's real slots of a left-aligned ``mask`` (R, K): the finder's
    rows are oldest first, the reordered ones newest first; padding stays at the end."""
    k = mask.shape[1]
    count = mask.sum(1, keepdim=True)
    j = torch.arange(k, device=mask.device)
    return torch.where(j < count, count - 1 - j, j)


def most_recent_first(block: Block) -> Block:
    """The block with slot 0 holding each row's newest event (see :func:`recent_order`)."""
    idx = recent_order(block.mask)

    def take(x: torch.Tensor) -> torch.Tensor:
        return x.gather(1, idx if x.dim() == 2 else idx.unsqueeze(-1).expand_as(x))

    return Block(nodes=take(block.nodes), dt=take(block.dt), mask=take(block.mask), edge=take(block.edge))


class GraphMixer(nn.Module):
    """GraphMixer backbone (one hop).

    Args:
        node_dim, edge_dim: widths of the node inputs (0: none) and edge features (0: none).
        tokens: K, the fanout of the one hop (the token-mixing width).
        dim, time_dim: hidden/output width and width of φ.

    Shapes: ``forward(x, blocks)`` with ``x[0]`` (R, node_dim) the roots' node inputs, ``x[1]`` (R·K, node_dim)
    the neighbours', ``blocks[0]`` their Block (R, K) → (R, dim).
    """

    default_policy = "recent"
    default_fanouts = (10,)

    def __init__(self, node_dim: int, edge_dim: int, tokens: int = 10, dim: int = 100, time_dim: int = 100,
                 token_expansion: float = 0.5, channel_expansion: float = 4.0, dropout: float = 0.1) -> None:
        super().__init__()
        self.tokens, self.dim, self.node_dim = tokens, dim, node_dim
        self.time = FixedTimeEncoding(time_dim)
        self.feat = nn.Linear(edge_dim + time_dim, dim)
        self.mixer = MixerBlock(tokens, dim, token_expansion, channel_expansion, dropout)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, dim)
        self.out = nn.Linear(dim + node_dim, dim)

    def forward(self, x: list[torch.Tensor], blocks: list[Block], trace: dict[str, Any] | None = None
                ) -> torch.Tensor:
        """The roots' embeddings; ``trace``, when given, receives the token-mixing tensors (see MixerBlock) and
        ``order``, the slot order of the tokens (:func:`recent_order`)."""
        if len(blocks) != 1 or blocks[0].mask.shape[1] != self.tokens:
            raise ValueError(f"GraphMixer needs one hop of {self.tokens} neighbours; got "
                             f"{[tuple(b.mask.shape) for b in blocks]} (sampler.fanouts must be [{self.tokens}])")
        b = most_recent_first(blocks[0])
        m = b.mask.unsqueeze(-1).float()  # (R, K, 1)
        z = self.feat(torch.cat([b.edge, self.time(b.dt)], dim=2)) * m  # (R, K, dim), padded tokens zero
        if trace is not None:
            trace["order"] = recent_order(blocks[0].mask)
        z = self.norm(self.mixer(z, trace))
        count = m.sum(1).clamp(min=1.0)  # (R, 1)
        link = self.head((z * m).sum(1) / count)  # (R, dim)
        if not self.node_dim:
            return self.out(link)
        nbr = x[1].view(*b.mask.shape, -1)  # a masked mean: the slot order does not matter
        node = x[0] + (nbr * blocks[0].mask.unsqueeze(-1)).sum(1) / count
        return self.out(torch.cat([link, node], dim=1))

