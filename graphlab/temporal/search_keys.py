"""Sorted composite keys of the T-CSR entries, so that one ``torch.searchsorted`` finds, for a whole batch of
(node v, time t) queries at once, where v's events before t end.

Entry p of node v at time t_p gets a key that orders entries by (node, time), as the T-CSR already is; a query
(v, t) maps to a key such that ``searchsorted(keys, query(v, t), side="left")`` is the first entry of v at a time
≥ t (or v's segment end). Two encodings:

- ``time`` (integral event times, N · (span + 2) < 2^53): key = v · W + (t_p − t_min) as int64, W = span + 2;
  query = v · W + clamp(⌈t⌉ − t_min, 0, W − 1), computed exactly in float64; one search per query.
- ``rank`` (any times): key = v · (U + 1) + rank(t_p) among the U distinct times (int32 when it fits);
  query = v · (U + 1) + #{distinct times < t}: a second search over the distinct times.
"""

from __future__ import annotations

import torch

#: Largest integer below which every float64 integer is exact.
EXACT_FLOAT64 = 2**53


class SearchKeys:
    """Keys of the entries (node ``node`` (M,), time ``time`` (M,), sorted by (node, time)) of ``num_nodes``
    nodes; ``mode`` is ``time`` when the times allow it (module docstring), else ``rank``."""

    def __init__(self, node: torch.Tensor, time: torch.Tensor, num_nodes: int) -> None:
        t = time.double()
        self.t_min = float(t.min())
        span = float(t.max()) - self.t_min
        integral = bool((t == t.floor()).all())
        if integral and num_nodes * (span + 2) < EXACT_FLOAT64:
            self.mode, self.width = "time", span + 2
            self.keys = (node.double() * self.width + (t - self.t_min)).long()  # int64: faster to search than float64
            return
        self.mode = "rank"
        self.distinct_times, rank = torch.unique(time, sorted=True, return_inverse=True)
        self.stride = self.distinct_times.numel() + 1
        self.dtype = torch.int32 if num_nodes * self.stride < 2**31 else torch.int64  # half the bytes to search
        self.keys = (node * self.stride + rank).to(self.dtype)

    def query(self, nodes: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
        """Keys of the queries (node, time), each (R,): they sort just before the node's first event at ≥ time."""
        if self.mode == "time":
            offset = (times.double().ceil() - self.t_min).clamp_(0, self.width - 1)
            return (nodes.double() * self.width + offset).long()
        r = torch.searchsorted(self.distinct_times, times.to(self.distinct_times.dtype), side="left")
        return (nodes * self.stride + r).to(self.dtype)

    def end_before(self, nodes: torch.Tensor, times: torch.Tensor) -> torch.Tensor:
        """(R,) int64 position of each node's first entry at a time ≥ its query time (its segment end if none)."""
        return torch.searchsorted(self.keys, self.query(nodes, times), side="left")
