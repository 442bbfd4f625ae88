"""T-CSR: per node, its incident events sorted by time (TGL, Zhou et al. VLDB 2022; TASER, Deng et al. 2024).

Node ``v``'s incident events occupy ``[indptr[v], indptr[v + 1])`` of the three edge arrays, in
non-decreasing time; events with equal times keep their input order (both sorts are stable). Undirected
(the default), event ``e = (u, w, t)`` appears in ``u``'s segment with neighbor ``w`` and in ``w``'s segment
with neighbor ``u`` (a self-loop therefore appears twice in its node's segment); directed, only in ``u``'s
segment (out-edges).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from graphlab.data.temporal import TemporalDataset


@dataclass(frozen=True)
class TCSR:
    """Time-sorted compressed sparse rows of an event stream.

    Shapes: ``indptr`` (N + 1,) int64; ``neighbor``, ``eid`` (M,) int64; ``time`` (M,) with the dtype of the
    event times, where M = 2E undirected, E directed. Every tensor lives on one device (``.device``).
    """

    indptr: torch.Tensor
    neighbor: torch.Tensor
    eid: torch.Tensor
    time: torch.Tensor
    directed: bool

    @classmethod
    def build(cls, src: torch.Tensor, dst: torch.Tensor, t: torch.Tensor, eid: torch.Tensor | None = None,
              num_nodes: int | None = None, directed: bool = False) -> TCSR:
        """Build from E events: ``src``, ``dst`` (E,) int64 node ids, ``t`` (E,) times, ``eid`` (E,) int64 event
        ids (default ``arange(E)``), ``num_nodes`` (default max id + 1). Vectorised: a stable sort by time,
        then a stable sort by node, so each segment is ordered by (time, input position, side)."""
        if not (src.shape == dst.shape == t.shape) or src.dim() != 1:
            raise ValueError(f"TCSR.build: src, dst and t must be 1-D of equal length; got shapes "
                             f"{tuple(src.shape)}, {tuple(dst.shape)}, {tuple(t.shape)}")
        n_events = src.numel()
        eid = torch.arange(n_events, device=src.device) if eid is None else eid.to(src.device, torch.int64)
        if eid.shape != src.shape:
            raise ValueError(f"TCSR.build: eid must have shape {tuple(src.shape)}; got {tuple(eid.shape)}")
        seen = int(torch.maximum(src.max(), dst.max())) + 1 if n_events else 0
        if n_events and int(torch.minimum(src.min(), dst.min())) < 0:
            raise ValueError("TCSR.build: node ids must be >= 0")
        num_nodes = seen if num_nodes is None else int(num_nodes)
        if num_nodes < seen:
            raise ValueError(f"TCSR.build: num_nodes={num_nodes} but the events reference node {seen - 1}")
        if directed:
            node, neighbor, times, eids = src, dst, t, eid
        else:  # interleave the two incidences of each event: (e0, src), (e0, dst), (e1, src), ...
            node = torch.stack((src, dst), dim=1).reshape(-1)
            neighbor = torch.stack((dst, src), dim=1).reshape(-1)
            times, eids = t.repeat_interleave(2), eid.repeat_interleave(2)
        order = torch.sort(times, stable=True).indices
        order = order[torch.sort(node[order], stable=True).indices]
        counts = torch.bincount(node, minlength=num_nodes)
        indptr = torch.zeros(num_nodes + 1, dtype=torch.int64, device=src.device)
        torch.cumsum(counts, 0, out=indptr[1:])
        return cls(indptr=indptr, neighbor=neighbor[order].contiguous(), eid=eids[order].contiguous(),
                   time=times[order].contiguous(), directed=directed)

    @classmethod
    def from_dataset(cls, dataset: TemporalDataset, num_events: int | None = None,
                     directed: bool = False) -> TCSR:
        """T-CSR of a TemporalDataset's first ``num_events`` events (default all; event id = index in the
        stream). Building on all events leaks nothing: the finder only returns events strictly before a
        root's time."""
        end = dataset.num_events if num_events is None else int(num_events)
        return cls.build(dataset.src[:end], dataset.dst[:end], dataset.t[:end], num_nodes=dataset.num_nodes,
                         directed=directed)

    @property
    def num_nodes(self) -> int:
        return self.indptr.numel() - 1

    @property
    def device(self) -> torch.device:
        return self.indptr.device

    def degree(self) -> torch.Tensor:
        """(N,) int64 number of incident events of each node."""
        return self.indptr[1:] - self.indptr[:-1]

    def to(self, device: torch.device | str) -> TCSR:
        """A copy on ``device`` (self when already there)."""
        device = torch.device(device)
        if device == self.device:
            return self
        return TCSR(indptr=self.indptr.to(device), neighbor=self.neighbor.to(device), eid=self.eid.to(device),
                    time=self.time.to(device), directed=self.directed)

    def memory_bytes(self) -> int:
        """Bytes held by the four tensors."""
        return sum(x.numel() * x.element_size() for x in (self.indptr, self.neighbor, self.eid, self.time))
