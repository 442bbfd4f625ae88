"""Feature cache (TASER, Deng et al. 2024, §feature cache): the most-accessed rows of a host feature table
resident on the compute device; misses are gathered from host memory and moved.

The resident set is the top-``capacity`` rows by access count (capacity = floor(ratio · rows)). Accesses
are counted per epoch; at ``end_epoch`` the new top-k replaces the resident set only when its overlap with
it, |new ∩ current| / capacity, is below ``swap_overlap`` (a swap costs a host→device copy of the new rows).
Bytes moved = rows copied from the host table (misses and swap loads) × row bytes; when ``device`` is the
CPU nothing crosses a bus, and "moved" counts the same host-table copies.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch


@dataclass
class CacheEpochStats:
    """One epoch of a FeatureCache: ``accesses`` rows requested, ``hits`` served from the device copy,
    ``miss_bytes`` and ``swap_bytes`` moved host→device, whether the resident set was ``swapped`` and the
    ``overlap`` of the new top-k with the old one."""

    accesses: int
    hits: int
    miss_bytes: int
    swap_bytes: int
    swapped: bool
    overlap: float

    @property
    def hit_rate(self) -> float:
        return self.hits / self.accesses if self.accesses else 0.0

    @property
    def bytes_moved(self) -> int:
        return self.miss_bytes + self.swap_bytes


class FeatureCache:
    """Device cache of ``host_features`` (rows, d) rows.

    Args:
        host_features: the full table, kept where it is (host memory).
        device: the compute device of the resident copy and of ``gather``'s output.
        ratio: fraction of rows resident, in [0, 1].
        swap_overlap: swap the resident set at ``end_epoch`` only when the overlap is below this.
        initial_counts: (rows,) scores choosing the first resident set (e.g. node degrees); None starts empty
            (the first epoch then misses everything and its ``end_epoch`` fills the cache).
    """

    def __init__(self, host_features: torch.Tensor, device: torch.device | str, ratio: float = 0.2,
                 swap_overlap: float = 0.8, initial_counts: torch.Tensor | None = None) -> None:
        if host_features.dim() != 2:
            raise ValueError(f"FeatureCache: host_features must be (rows, d); got shape {tuple(host_features.shape)}")
        if not 0.0 <= ratio <= 1.0:
            raise ValueError(f"FeatureCache: ratio must be in [0, 1]; got {ratio}")
        if not 0.0 <= swap_overlap <= 1.0:
            raise ValueError(f"FeatureCache: swap_overlap must be in [0, 1]; got {swap_overlap}")
        self.host = host_features
        self.device = torch.device(device)
        self.rows = host_features.shape[0]
        self.capacity = int(ratio * self.rows)
        self.swap_overlap = swap_overlap
        self.row_bytes = host_features.shape[1] * host_features.element_size()
        self.history: list[CacheEpochStats] = []
        self._counts = torch.zeros(self.rows, dtype=torch.int64, device=self.device)
        self._slot = torch.full((self.rows,), -1, dtype=torch.int64, device=self.device)  # row → slot or -1
        self._resident = torch.empty(0, dtype=torch.int64, device=self.device)
        self._data = torch.empty((0, host_features.shape[1]), dtype=host_features.dtype, device=self.device)
        self._accesses = self._hits = self._miss_bytes = self._swap_bytes = 0
        if initial_counts is not None:
            self._load(self._top(initial_counts.to(self.device)))

    @property
    def resident(self) -> torch.Tensor:
        """(capacity,) int64 ids of the resident rows (empty before the first fill)."""
        return self._resident

    def _top(self, counts: torch.Tensor) -> torch.Tensor:
        return torch.topk(counts, self.capacity, sorted=False).indices

    def _load(self, ids: torch.Tensor) -> None:
        """Make ``ids`` the resident set, copying their rows from the host."""
        self._slot[self._resident] = -1
        self._resident = ids
        self._slot[ids] = torch.arange(ids.numel(), device=self.device)
        self._data = self.host[ids.to(self.host.device)].to(self.device)
        self._swap_bytes += ids.numel() * self.row_bytes

    def gather(self, ids: torch.Tensor) -> torch.Tensor:
        """``host_features[ids]`` on the cache's device, for ``ids`` (n,) int64 in [0, rows) on any device:
        hits come from the resident copy, misses from the host table. Counts every id as one access."""
        ids = ids.to(self.device, torch.int64).reshape(-1)
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.rows):
            raise ValueError(f"FeatureCache.gather: ids must be in [0, {self.rows}); got "
                             f"[{int(ids.min())}, {int(ids.max())}] (mask padding ids such as -1 first)")
        self._counts.index_add_(0, ids, torch.ones_like(ids))
        slot = self._slot[ids]
        hit = slot >= 0
        out = torch.empty((ids.numel(), self.host.shape[1]), dtype=self.host.dtype, device=self.device)
        out[hit] = self._data[slot[hit]]
        miss = ~hit
        miss_ids = ids[miss]
        out[miss] = self.host[miss_ids.to(self.host.device)].to(self.device)
        n_miss = miss_ids.numel()
        self._accesses += ids.numel()
        self._hits += ids.numel() - n_miss
        self._miss_bytes += n_miss * self.row_bytes
        return out

    def end_epoch(self) -> CacheEpochStats:
        """Close the epoch: recompute the top-k from its access counts, swap when the overlap with the
        resident set is below ``swap_overlap``, reset the counts; returns (and records) the epoch's stats,
        whose ``swap_bytes`` include this swap."""
        swapped, overlap = False, 1.0
        if self.capacity:
            new = self._top(self._counts)
            overlap = float((self._slot[new] >= 0).sum()) / self.capacity
            if overlap < self.swap_overlap:
                self._load(new)
                swapped = True
        stats = CacheEpochStats(self._accesses, self._hits, self._miss_bytes, self._swap_bytes, swapped, overlap)
        self.history.append(stats)
        self._counts.zero_()
        self._accesses = self._hits = self._miss_bytes = self._swap_bytes = 0
        return stats

    def stats(self) -> dict[str, float | int]:
        """Totals over the finished epochs and the current one, for a run's ``extra``: hit_rate, accesses,
        bytes_moved (misses + swaps), miss_bytes, swap_bytes, epochs, swaps."""
        epochs = [*self.history, CacheEpochStats(self._accesses, self._hits, self._miss_bytes, self._swap_bytes,
                                                 False, 1.0)]
        total = {k: sum(asdict(e)[k] for e in epochs) for k in ("accesses", "hits", "miss_bytes", "swap_bytes")}
        return {"hit_rate": total["hits"] / total["accesses"] if total["accesses"] else 0.0,
                "accesses": total["accesses"], "bytes_moved": total["miss_bytes"] + total["swap_bytes"],
                "miss_bytes": total["miss_bytes"], "swap_bytes": total["swap_bytes"],
                "epochs": len(self.history), "swaps": sum(e.swapped for e in self.history)}
