"""Helpers of the temporal tests: small random event streams and the validity check of sampled hops."""

from __future__ import annotations

import torch

from graphlab.temporal import PAD_EID, PAD_NODE, Hop

FIELDS = ("roots", "root_times", "nodes", "eids", "times", "mask")


def random_stream(seed: int, num_nodes: int, num_events: int, max_time: int
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(src, dst, t) of ``num_events`` random events between ``num_nodes`` nodes at integer times in
    [0, max_time] (float64, unsorted; a small ``max_time`` makes many equal timestamps; self-loops occur)."""
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(0, num_nodes, (num_events,), generator=g)
    dst = torch.randint(0, num_nodes, (num_events,), generator=g)
    t = torch.randint(0, max_time + 1, (num_events,), generator=g).double()
    return src, dst, t


def check_valid(hops: list[Hop], src: torch.Tensor, dst: torch.Tensor, t: torch.Tensor, roots: torch.Tensor,
                times: torch.Tensor) -> None:
    """Every sample is an incident event of its root strictly before the root's time; padding is node 0 /
    eid -1 / time 0; hop h's roots are hop h-1's samples and padded roots have no samples."""
    parent_mask = torch.ones(len(roots), dtype=torch.bool)
    for hop in hops:
        assert hop.roots.equal(roots) and hop.root_times.equal(times)
        m, eids = hop.mask, hop.eids.clamp(min=0)
        r = hop.roots.unsqueeze(1).expand_as(m)
        assert (hop.times[m] < hop.root_times.unsqueeze(1).expand_as(m)[m]).all()  # no future leak
        assert hop.times[m].equal(t[eids][m])
        ends = ((src[eids] == r) & (dst[eids] == hop.nodes)) | ((dst[eids] == r) & (src[eids] == hop.nodes))
        assert ends[m].all()
        assert (hop.nodes[~m] == PAD_NODE).all() and (hop.eids[~m] == PAD_EID).all() and (hop.times[~m] == 0).all()
        assert not m[~parent_mask].any()
        roots, times, parent_mask = hop.nodes.reshape(-1), hop.times.reshape(-1), m.reshape(-1)
