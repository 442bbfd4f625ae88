"""Inputs of the temporal GNNs: node features h⁰ (learned or none) and edge features served by the FeatureCache.

TemporalDataset carries no node features (none of wikipedia, ml100k-events, collegemsg, bitcoin-* has any), so a
backbone's node input is either

- ``learned``: an ``nn.Embedding(num_nodes, dim)`` trained with the model (node identity; transductive — a
  node id seen first at test time keeps its initial random row), or
- ``zeros``: no node input at all (width 0), which is exactly an all-zero feature vector: its linear
  contribution vanishes, so the backbone sees only edge features and time encodings (TGL's setting for
  featureless nodes).

Edge features (E, d) are standardised with the training events' per-column mean and std and served by a
:class:`~graphlab.temporal.cache.FeatureCache` (the most-accessed rows resident on the compute device). With
d = 0 there is nothing to cache: ``stats()`` then reports a hit rate of 0 and no bytes moved.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from graphlab.temporal.cache import FeatureCache
from graphlab.temporal.finder import Hop

NODE_INPUTS = ("learned", "zeros")


class NodeInput(nn.Module):
    """h⁰ of node ids: ``learned`` → (…, dim) rows of an embedding table; ``zeros`` → (…, 0)."""

    def __init__(self, num_nodes: int, kind: str = "learned", dim: int = 100) -> None:
        super().__init__()
        if kind not in NODE_INPUTS:
            raise ValueError(f"NodeInput: kind must be one of {', '.join(NODE_INPUTS)}; got {kind!r}")
        if kind == "learned" and dim < 1:
            raise ValueError(f"NodeInput: a learned node input needs dim >= 1; got {dim}")
        self.kind = kind
        self.out_dim = dim if kind == "learned" else 0
        self.table = nn.Embedding(num_nodes, dim) if kind == "learned" else None
        if self.table is not None:
            nn.init.normal_(self.table.weight, std=0.1)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        if self.table is None:
            return torch.zeros((*ids.shape, 0), device=ids.device)
        return self.table(ids)


class EdgeFeatures:
    """Standardised (E, d) edge features gathered through a FeatureCache on ``device``.

    Args:
        table: (E, d) float32 host features (d may be 0).
        train_events: the first ``train_events`` rows give the standardisation statistics.
        device: the compute device (the cache's resident copy and the output live there).
        cache_ratio, swap_overlap: FeatureCache arguments.
    """

    def __init__(self, table: torch.Tensor, train_events: int, device: torch.device | str, cache_ratio: float = 0.2,
                 swap_overlap: float = 0.8) -> None:
        self.dim = table.shape[1]
        self.device = torch.device(device)
        self.cache: FeatureCache | None = None
        if self.dim:
            ref = table[: max(train_events, 2)]
            mean, std = ref.mean(0), ref.std(0).clamp(min=1e-6)
            self.cache = FeatureCache(((table - mean) / std).contiguous(), self.device, ratio=cache_ratio,
                                      swap_overlap=swap_overlap)

    def __call__(self, eids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(…, d) features of the event ids ``eids`` where ``mask``, zeros elsewhere (padding ids unread)."""
        out = torch.zeros((*eids.shape, self.dim), device=self.device)
        if self.cache is not None:
            out[mask] = self.cache.gather(eids[mask])
        return out

    def end_epoch(self) -> None:
        if self.cache is not None:
            self.cache.end_epoch()

    def stats(self) -> dict[str, float | int]:
        """``cache_hit_rate``, ``cache_bytes_moved``, ``cache_accesses`` (0 without edge features)."""
        if self.cache is None:
            return {"cache_hit_rate": 0.0, "cache_bytes_moved": 0, "cache_accesses": 0}
        s = self.cache.stats()
        return {"cache_hit_rate": s["hit_rate"], "cache_bytes_moved": s["bytes_moved"], "cache_accesses": s["accesses"]}


@dataclass
class Block:
    """One hop of a sampled neighbourhood as the backbones read it, for R targets with K slots.

    Shapes: ``nodes`` (R, K) int64, ``dt`` (R, K) float32 = target time − event time (0 on padding),
    ``mask`` (R, K) bool, ``edge`` (R, K, d) float32 (zeros on padding).
    """

    nodes: torch.Tensor
    dt: torch.Tensor
    mask: torch.Tensor
    edge: torch.Tensor


def to_block(hop: Hop, edge_features: EdgeFeatures) -> Block:
    """The Block of a finder Hop: time differences formed in the event-time dtype, then cast to float32."""
    dt = (hop.root_times.unsqueeze(1) - hop.times).masked_fill_(~hop.mask, 0).float()
    return Block(nodes=hop.nodes, dt=dt, mask=hop.mask, edge=edge_features(hop.eids, hop.mask))
