"""A straightforward per-root temporal neighbor finder in Python/numpy (DyGLib's ``NeighborSampler`` style):
per node, numpy arrays of its incident events sorted by time; per root, ``np.searchsorted`` on its own
times array, then slicing (recent) or ``Generator.integers`` / ``Generator.choice`` (uniform).

It is the brute-force oracle of the tests and the baseline of ``benchmarks/temporal_sampler.py``. Its
output layout matches TemporalNeighborFinder exactly (left-aligned samples, padding node 0 / event id -1 /
time 0, recent oldest first), so ``recent`` samples of the two are identical.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from graphlab.temporal.finder import PAD_EID, PAD_NODE, PAD_TIME, Hop


class ReferenceNeighborFinder:
    """Per-root finder over (src, dst, t[, eid]) events, undirected unless ``directed``; ``policy`` is
    ``"uniform"`` or ``"recent"``, ``fanouts`` the k of each hop, ``replace`` as in UniformPolicy,
    ``seed`` seeds its numpy Generator."""

    def __init__(self, src: torch.Tensor, dst: torch.Tensor, t: torch.Tensor, eid: torch.Tensor | None = None,
                 num_nodes: int | None = None, directed: bool = False, policy: str = "uniform",
                 fanouts: Sequence[int] = (10,), replace: bool = True, seed: int | None = None) -> None:
        if policy not in ("uniform", "recent"):
            raise ValueError(f"ReferenceNeighborFinder: unknown policy {policy!r}; use 'uniform' or 'recent'")
        src_np, dst_np, t_np = src.numpy(), dst.numpy(), t.numpy()
        eid_np = np.arange(len(src_np)) if eid is None else eid.numpy()
        n = int(max(src_np.max(initial=-1), dst_np.max(initial=-1))) + 1 if num_nodes is None else num_nodes
        nbr: list[list[int]] = [[] for _ in range(n)]
        pos: list[list[int]] = [[] for _ in range(n)]  # index of each incident event in the input
        for i, (u, w) in enumerate(zip(src_np.tolist(), dst_np.tolist(), strict=True)):
            nbr[u].append(w)
            pos[u].append(i)
            if not directed:
                nbr[w].append(u)
                pos[w].append(i)
        self.neighbors, self.eids, self.times = [], [], []
        for v in range(n):
            p = np.array(pos[v], dtype=np.int64)
            order = np.argsort(t_np[p], kind="stable")
            self.neighbors.append(np.array(nbr[v], dtype=np.int64)[order])
            self.eids.append(eid_np[p[order]])
            self.times.append(t_np[p[order]])
        self.time_dtype = t_np.dtype
        self.policy, self.fanouts, self.replace = policy, [int(k) for k in fanouts], replace
        self.rng = np.random.default_rng(seed)

    def _pick(self, count: int, k: int) -> np.ndarray | slice:
        """Offsets (or, for recent, a slice) into the ``count`` valid candidates of one root."""
        if self.policy == "recent":
            return slice(max(count - k, 0), count)
        if self.replace:
            return self.rng.integers(0, count, size=k)
        return np.arange(count) if count <= k else self.rng.choice(count, size=k, replace=False)

    def sample_hop(self, roots: np.ndarray, times: np.ndarray, k: int, root_mask: np.ndarray) -> Hop:
        """One hop, looping over the roots."""
        r = len(roots)
        nodes = np.full((r, k), PAD_NODE, dtype=np.int64)
        eids = np.full((r, k), PAD_EID, dtype=np.int64)
        out_t = np.full((r, k), PAD_TIME, dtype=times.dtype)
        mask = np.zeros((r, k), dtype=bool)
        for i in range(r):
            if not root_mask[i]:
                continue
            v = roots[i]
            count = int(np.searchsorted(self.times[v], times[i], side="left"))
            if count == 0:
                continue
            sel = self._pick(count, k)
            m = min(count, k) if isinstance(sel, slice) else len(sel)
            nodes[i, :m], eids[i, :m], out_t[i, :m] = self.neighbors[v][sel], self.eids[v][sel], self.times[v][sel]
            mask[i, :m] = True
        return Hop(roots=torch.from_numpy(roots), root_times=torch.from_numpy(times), nodes=torch.from_numpy(nodes),
                   eids=torch.from_numpy(eids), times=torch.from_numpy(out_t), mask=torch.from_numpy(mask))

    def sample(self, roots: torch.Tensor, times: torch.Tensor) -> list[Hop]:
        """Same contract as TemporalNeighborFinder.sample (CPU tensors)."""
        roots_np = roots.cpu().numpy().astype(np.int64).reshape(-1)
        times_np = times.cpu().numpy().astype(self.time_dtype).reshape(-1)
        root_mask = np.ones(len(roots_np), dtype=bool)
        hops = []
        for k in self.fanouts:
            hop = self.sample_hop(roots_np, times_np, k, root_mask)
            hops.append(hop)
            roots_np, times_np = hop.nodes.numpy().reshape(-1), hop.times.numpy().reshape(-1)
            root_mask = hop.mask.numpy().reshape(-1)
        return hops
