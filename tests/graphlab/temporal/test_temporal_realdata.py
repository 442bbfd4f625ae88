"""Wikipedia: T-CSR of all 157,474 events and a batch of 600 roots sampled both ways."""

from __future__ import annotations

import pytest
import torch
from temporal_helpers import FIELDS, check_valid

from graphlab.data import load_dataset
from graphlab.temporal import TCSR, ReferenceNeighborFinder, TemporalNeighborFinder

pytestmark = pytest.mark.realdata


def test_wikipedia_batch_of_600_roots(data_root):
    d = load_dataset("wikipedia", data_root)
    g = TCSR.from_dataset(d)
    m = 2 * d.num_events
    assert g.num_nodes == 9227 and g.eid.numel() == m
    assert g.memory_bytes() == 8 * (9228 + 3 * m)
    lo = d.boundaries[1]  # a test-split batch: 300 events, roots = their sources and destinations
    roots = torch.cat([d.src[lo:lo + 300], d.dst[lo:lo + 300]])
    times = d.t[lo:lo + 300].repeat(2)
    hops = TemporalNeighborFinder(g, "uniform", [10, 10]).sample(roots, times, torch.Generator().manual_seed(0))
    check_valid(hops, d.src, d.dst, d.t, roots, times)
    assert hops[0].mask.float().mean() > 0.9 and hops[1].nodes.shape == (6000, 10)
    ours = TemporalNeighborFinder(g, "recent", [10]).sample(roots, times)[0]
    ref = ReferenceNeighborFinder(d.src, d.dst, d.t, num_nodes=d.num_nodes, policy="recent", fanouts=[10])
    theirs = ref.sample(roots, times)[0]
    assert all(getattr(ours, f).equal(getattr(theirs, f)) for f in FIELDS)
