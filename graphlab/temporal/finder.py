"""Temporal neighbor finder over a T-CSR, vectorised in torch over all roots of a batch (no loop over roots).

For roots (v_i, t_i) one ``torch.searchsorted`` over composite (node, time) keys of the T-CSR entries finds, in
every root's segment at once, where its incident events strictly before t_i end (the keys are sorted because the
T-CSR is sorted by (node, time); see :mod:`graphlab.temporal.search_keys`). A policy (``recent``, ``uniform``)
then picks k of them. Multi-hop: hop h's roots are hop h − 1's sampled neighbors at their event times; their
candidate counts need no search, as each T-CSR entry (u, w, t) stores once where w's events before t end. Never
returns an event at or after its root's time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from graphlab.temporal.policies import RecentPolicy, SamplingPolicy, UniformPolicy
from graphlab.temporal.search_keys import SearchKeys
from graphlab.temporal.tcsr import TCSR

#: Padding of masked slots: node 0, event id -1, time 0.
PAD_NODE, PAD_EID, PAD_TIME = 0, -1, 0.0


@dataclass
class Hop:
    """One hop of sampled temporal neighbors of R roots, k slots each.

    Shapes: ``roots`` (R,) int64 and ``root_times`` (R,) the queried (node, time) pairs; ``nodes`` (R, k)
    int64 neighbor ids, ``eids`` (R, k) int64 event ids, ``times`` (R, k) event times (< root_times), ``mask``
    (R, k) bool, True on real samples, which come first in each row (recent: oldest to newest; uniform: in
    draw order). Masked slots hold node 0, event id -1 and time 0.
    """

    roots: torch.Tensor
    root_times: torch.Tensor
    nodes: torch.Tensor
    eids: torch.Tensor
    times: torch.Tensor
    mask: torch.Tensor

    @property
    def num_sampled(self) -> int:
        """Number of real (unmasked) samples."""
        return int(self.mask.sum())


def make_policy(policy: str | SamplingPolicy, replace: bool = True) -> SamplingPolicy:
    """``"recent"`` → RecentPolicy, ``"uniform"`` → UniformPolicy(replace); a SamplingPolicy passes through."""
    if isinstance(policy, SamplingPolicy):
        return policy
    if policy == "uniform":
        return UniformPolicy(replace=replace)
    if policy == "recent":
        if not replace:
            raise ValueError("replace=False only applies to policy='uniform'; 'recent' draws nothing")
        return RecentPolicy()
    raise ValueError(f"unknown temporal sampling policy {policy!r}; use 'uniform', 'recent' or a SamplingPolicy")


class TemporalNeighborFinder:
    """Multi-hop temporal neighbor sampling on ``tcsr``'s device.

    Args:
        tcsr: the event stream's T-CSR; every tensor the finder makes lives on its device.
        policy: ``"uniform"`` (TGAT), ``"recent"`` (GraphMixer) or a SamplingPolicy.
        fanouts: k of each hop, e.g. [10, 10] for TGAT's 2 layers.
        replace: uniform draws with replacement (TGL/TGAT, default) or without (see UniformPolicy).

    ``recent`` is deterministic and gives identical samples on CPU and CUDA; ``uniform`` draws from the
    device's RNG (reproducible per device with a seeded ``torch.Generator`` on that device).
    Memory besides the T-CSR: the (M,) search keys (int64 time keys, or int32/int64 rank keys plus the (U,) distinct times: see
    :mod:`graphlab.temporal.search_keys`), a copy of the three (M,) edge arrays with one padding entry appended
    and, with more than one hop, an (M + 1,) int64 table of each entry's candidate end for the next hop.
    """

    def __init__(self, tcsr: TCSR, policy: str | SamplingPolicy = "uniform", fanouts: Sequence[int] = (10,),
                 replace: bool = True) -> None:
        fanouts = [int(k) for k in fanouts]
        if not fanouts or min(fanouts) < 1:
            raise ValueError(f"TemporalNeighborFinder: fanouts must be a non-empty list of ints >= 1; got {fanouts}")
        if tcsr.eid.numel() == 0:
            raise ValueError("TemporalNeighborFinder: the T-CSR has no events to sample from")
        self.tcsr, self.fanouts, self.policy = tcsr, fanouts, make_policy(policy, replace)
        node = torch.repeat_interleave(torch.arange(tcsr.num_nodes, device=tcsr.device), tcsr.degree())
        self._keys = SearchKeys(node, tcsr.time, tcsr.num_nodes)
        # the edge arrays with one padding entry appended at position M: masked slots gather it directly
        self._pad = tcsr.eid.numel()
        self._neighbor, self._eid, self._time = (torch.cat([values, values.new_full((1,), fill)]) for values, fill in
                                                 ((tcsr.neighbor, PAD_NODE), (tcsr.eid, PAD_EID), (tcsr.time, PAD_TIME)))
        # entry p = (node u, neighbor w, event at time t): end of w's candidates before t, for hops ≥ 2
        self._child_end: torch.Tensor | None = None
        if len(fanouts) > 1:
            child_end = self._keys.end_before(tcsr.neighbor, tcsr.time)
            self._child_end = torch.cat([child_end, child_end.new_zeros(1)])

    @property
    def device(self) -> torch.device:
        return self.tcsr.device

    def count_before(self, roots: torch.Tensor, times: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(start, count), each (R,) int64: root i's valid candidates are T-CSR entries
        [start_i, start_i + count_i), its incident events with time < times_i."""
        start = self.tcsr.indptr.index_select(0, roots)
        return start, self._keys.end_before(roots, times) - start

    def _take(self, roots: torch.Tensor, times: torch.Tensor, start: torch.Tensor, count: torch.Tensor, k: int,
              generator: torch.Generator | None) -> tuple[Hop, torch.Tensor]:
        """The policy's k picks among [start, start + count) → (Hop, (R, k) T-CSR positions, M on padding)."""
        idx, mask = self.policy.positions(start, count, k, self._pad, generator)  # masked slots: the padding entry
        flat = idx.view(-1)

        def take(values: torch.Tensor) -> torch.Tensor:  # index_select: faster than values[idx]
            return values.index_select(0, flat).view(idx.shape)

        hop = Hop(roots=roots, root_times=times, nodes=take(self._neighbor), eids=take(self._eid),
                  times=take(self._time), mask=mask)
        return hop, idx

    def sample_hop(self, roots: torch.Tensor, times: torch.Tensor, k: int,
                   generator: torch.Generator | None = None) -> Hop:
        """One hop of k slots for ``roots`` (R,) int64 valid node ids at ``times`` (R,) on the finder's device
        (``sample`` validates and moves its inputs; this does not)."""
        start, count = self.count_before(roots, times)
        return self._take(roots, times, start, count, k, generator)[0]

    def sample(self, roots: torch.Tensor, times: torch.Tensor, generator: torch.Generator | None = None
               ) -> list[Hop]:
        """Sample ``len(fanouts)`` hops for ``roots`` (R,) int64 at ``times`` (R,) (moved to the T-CSR's
        device and time dtype). Hop h has R · k_1 ⋯ k_{h−1} roots: hop h − 1's ``nodes``/``times``
        flattened; padded slots of hop h − 1 get no samples. Hop 1 counts candidates by searchsorted;
        deeper hops read them from a per-entry table (the sampled event's other endpoint at its time).
        Raises ValueError on node ids outside [0, num_nodes)."""
        roots = roots.to(self.device, torch.int64).reshape(-1)
        times = times.to(self.device, self.tcsr.time.dtype).reshape(-1)
        if roots.shape != times.shape:
            raise ValueError(f"sample: roots and times must have the same length; got {roots.numel()} and "
                             f"{times.numel()}")
        if roots.numel() and (int(roots.min()) < 0 or int(roots.max()) >= self.tcsr.num_nodes):
            raise ValueError(f"sample: root ids must be in [0, {self.tcsr.num_nodes}); got "
                             f"[{int(roots.min())}, {int(roots.max())}]")
        start, count = self.count_before(roots, times)
        hops: list[Hop] = []
        for h, k in enumerate(self.fanouts):
            hop, idx = self._take(roots, times, start, count, k, generator)
            hops.append(hop)
            if h + 1 < len(self.fanouts):
                roots, times = hop.nodes.reshape(-1), hop.times.reshape(-1)
                start = self.tcsr.indptr.index_select(0, roots)
                count = torch.where(hop.mask.reshape(-1), self._child_end.index_select(0, idx.view(-1)) - start, 0)
        return hops
