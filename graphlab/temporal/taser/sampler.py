"""TASER's adaptive neighbour sampler (Deng et al., IPDPS 2024, §IV-A), co-trained with the temporal GNN.

For root i at time t_i the base finder draws ``scope`` candidates j (its ``scope_policy``: uniform or recent);
each is encoded as

    x_ij = [W_e e_ij ‖ φ(t_i − t_j) ‖ ψ(c_ij / scope) ‖ 1[u_ij = u_ij'] for j' in scope (optional)]
    r_i  = [φ(0) ‖ ψ(1)]

(e edge features when the stream has them, φ a fixed cosine time encoding, ψ a sinusoidal encoding of how often
the candidate's node repeats among the root's candidates; the datasets carry no node features, so the node
term of the paper is absent). After LayerNorms and an optional MLP-Mixer over the scope, GATv2 scores
s_ij = a · LeakyReLU(W_q r_i + W_k x_ij) give π_i = softmax_j s_ij over the real candidates, and k of them are
drawn without replacement (Gumbel top-k: a Plackett–Luce draw from π_i). ``log π_ij`` of the drawn ones is kept
for the co-training loss (:mod:`graphlab.temporal.taser.losses`). Drawn neighbours are returned oldest first,
left-aligned, as the finder's ``recent`` rows.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from graphlab.temporal.features import EdgeFeatures
from graphlab.temporal.finder import PAD_EID, PAD_NODE, PAD_TIME, Hop, TemporalNeighborFinder
from graphlab.temporal.graphmixer import MixerBlock
from graphlab.temporal.policies import SamplingPolicy
from graphlab.temporal.time_encoding import FixedTimeEncoding


def frequency_encoding(freq: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal encoding (Vaswani et al.) of ``freq`` (…) → (…, dim): sin on even, cos on odd channels."""
    div = torch.exp(torch.arange(0, dim, 2, device=freq.device, dtype=torch.float32) * (-math.log(10000.0) / dim))
    angle = freq.unsqueeze(-1).float() * div  # (…, ceil(dim / 2))
    out = torch.empty((*freq.shape, dim), device=freq.device)
    out[..., 0::2] = torch.sin(angle)
    out[..., 1::2] = torch.cos(angle[..., : dim // 2])
    return out


def gumbel_top_k(logits: torch.Tensor, k: int, generator: torch.Generator | None = None
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """k draws without replacement from softmax(logits) per row (Gumbel top-k = a Plackett–Luce draw).

    ``logits`` (R, S) with −inf on unavailable slots → (offsets (R, k), mask (R, k)); a row with c < k
    available slots takes all c and masks the rest (its masked offsets point at unavailable slots)."""
    u = torch.rand(logits.shape, generator=generator, device=logits.device).clamp_(1e-20, 1.0 - 1e-7)
    keys = logits - torch.log(-torch.log(u))
    top = torch.topk(keys, min(k, logits.shape[1]), dim=1)
    offsets, mask = top.indices, torch.isfinite(top.values)
    if offsets.shape[1] < k:  # fewer candidates than draws: pad
        pad = k - offsets.shape[1]
        offsets = F.pad(offsets, (0, pad))
        mask = F.pad(mask, (0, pad), value=False)
    return offsets, mask


class AdaptiveSampler(nn.Module, SamplingPolicy):
    """Scores candidates and draws k of them; a :class:`SamplingPolicy` (``select``) whose probabilities come
    from :meth:`logits`.

    Args:
        edge_dim: width of the stream's edge features (0: none).
        scope: candidates per root.
        dim_feat, dim_encode, dim_embed: widths of the edge-feature encoding, the time/frequency encodings and
            the GATv2 space.
        identity_encode: append the one-hot pattern of repeated neighbours (``scope`` wide).
        mixer: an MLP-Mixer block (expansions 0.2) over the scope candidates before scoring.
    """

    def __init__(self, edge_dim: int, scope: int, dim_feat: int = 100, dim_encode: int = 100, dim_embed: int = 100,
                 identity_encode: bool = False, mixer: bool = False) -> None:
        super().__init__()
        self.scope, self.dim_encode, self.identity_encode = scope, dim_encode, identity_encode
        self.edge_encoder = nn.Linear(edge_dim, dim_feat) if edge_dim else None
        self.time = FixedTimeEncoding(dim_encode)
        link_dim = (dim_feat if edge_dim else 0) + 2 * dim_encode + (scope if identity_encode else 0)
        root_dim = 2 * dim_encode
        self.link_norm, self.root_norm = nn.LayerNorm(link_dim), nn.LayerNorm(root_dim)
        self.mixer = MixerBlock(scope, link_dim, 0.2, 0.2, dropout=0.0) if mixer else None
        self.w_q, self.w_k = nn.Linear(root_dim, dim_embed), nn.Linear(link_dim, dim_embed)
        self.att = nn.Parameter(torch.empty(dim_embed))
        nn.init.normal_(self.att, std=0.01)  # start close to uniform

    def logits(self, cand: Hop, edge: torch.Tensor) -> torch.Tensor:
        """Scores (R, S) of the candidates of a Hop with S = scope slots; −inf on padded slots."""
        r, s = cand.mask.shape
        dt = (cand.root_times.unsqueeze(1) - cand.times).masked_fill(~cand.mask, 0).float()
        same = (cand.nodes.unsqueeze(2) == cand.nodes.unsqueeze(1)) & cand.mask.unsqueeze(1) & cand.mask.unsqueeze(2)
        table = frequency_encoding(torch.arange(s + 1, device=dt.device) / self.scope, self.dim_encode)
        parts = [self.time(dt), table[same.sum(2)]]  # (R, S, ·) each
        if self.edge_encoder is not None:
            parts.insert(0, self.edge_encoder(edge))
        if self.identity_encode:
            parts.append(same.float())
        x = self.link_norm(torch.cat(parts, dim=2)) * cand.mask.unsqueeze(-1)  # (R, S, link_dim)
        if self.mixer is not None:
            x = self.mixer(x)
        root = torch.cat([self.time(torch.zeros(1, device=dt.device)),
                          frequency_encoding(torch.ones(1, device=dt.device), self.dim_encode)], dim=1)
        q = self.w_q(self.root_norm(root))  # (1, dim_embed): no node features, the same query for every root
        scores = F.leaky_relu(q.unsqueeze(1) + self.w_k(x), 0.2) @ self.att  # (R, S)
        return scores.masked_fill(~cand.mask, -math.inf)

    def select(self, count: torch.Tensor, k: int, generator: torch.Generator | None = None,
               logits: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """SamplingPolicy contract: k offsets among each row's first ``count`` slots, without replacement, with
        probabilities softmax(``logits``) (uniform when None)."""
        width = max(int(count.max()) if count.numel() else 0, 1) if logits is None else logits.shape[1]
        available = torch.arange(width, device=count.device) < count.unsqueeze(1)
        base = torch.zeros(available.shape, device=count.device) if logits is None else logits
        return gumbel_top_k(base.masked_fill(~available, -math.inf), k, generator)


def take_slots(cand: Hop, offsets: torch.Tensor, mask: torch.Tensor) -> tuple[Hop, torch.Tensor]:
    """The Hop of the picked candidate slots, sorted oldest first with padding last, and the (R, k) slot
    permutation applied (to reorder per-pick values the same way)."""
    times = cand.times.gather(1, offsets)
    key = torch.where(mask, times, torch.full_like(times, math.inf))
    order = torch.sort(key, dim=1, stable=True).indices
    offsets, mask = offsets.gather(1, order), mask.gather(1, order)
    pad = ~mask
    hop = Hop(roots=cand.roots, root_times=cand.root_times,
              nodes=cand.nodes.gather(1, offsets).masked_fill_(pad, PAD_NODE),
              eids=cand.eids.gather(1, offsets).masked_fill_(pad, PAD_EID),
              times=cand.times.gather(1, offsets).masked_fill_(pad, PAD_TIME), mask=mask)
    return hop, order


class AdaptiveNeighborFinder:
    """Multi-hop sampling through an AdaptiveSampler: per hop, ``scope`` candidates from ``finder`` (its
    policy), k = ``fanouts[h]`` of them drawn by ``sampler``; the next hop's roots are the drawn neighbours.
    ``sample`` returns the hops and, per hop, log π (R_h, k) of the draws (0 on padding)."""

    def __init__(self, finder: TemporalNeighborFinder, sampler: AdaptiveSampler, fanouts: list[int],
                 edge_features: EdgeFeatures) -> None:
        self.finder, self.sampler, self.fanouts, self.edges = finder, sampler, list(fanouts), edge_features

    def sample(self, roots: torch.Tensor, times: torch.Tensor, generator: torch.Generator | None = None
               ) -> tuple[list[Hop], list[torch.Tensor]]:
        roots, times = roots.to(self.finder.device), times.to(self.finder.device, self.finder.tcsr.time.dtype)
        hops, log_pis = [], []
        for k in self.fanouts:
            cand = self.finder.sample_hop(roots, times, self.sampler.scope, generator)
            logits = self.sampler.logits(cand, self.edges(cand.eids, cand.mask))
            offsets, mask = self.sampler.select(cand.mask.sum(1), k, generator, logits=logits)
            hop, order = take_slots(cand, offsets, mask)
            safe = torch.where(cand.mask.any(1, keepdim=True), logits, torch.zeros_like(logits))  # no NaN rows
            log_pi = torch.log_softmax(safe, dim=1).gather(1, offsets.gather(1, order))
            hops.append(hop)
            log_pis.append(torch.where(hop.mask, log_pi, torch.zeros_like(log_pi)))
            roots, times = hop.nodes.reshape(-1), hop.times.reshape(-1)
        return hops, log_pis
