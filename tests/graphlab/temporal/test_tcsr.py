"""T-CSR against a brute-force per-node sort, equal timestamps included."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from temporal_helpers import random_stream

from graphlab.temporal import TCSR


def brute_force(src, dst, t, eid, num_nodes, directed):
    """Per node: its incidences (time, input position, side) sorted, as (neighbor, eid, time) lists."""
    inc = [[] for _ in range(num_nodes)]
    for i, (u, w, te, e) in enumerate(zip(src.tolist(), dst.tolist(), t.tolist(), eid.tolist(), strict=True)):
        inc[u].append((te, i, 0, w, e))
        if not directed:
            inc[w].append((te, i, 1, u, e))
    return [[(w, e, te) for te, _, _, w, e in sorted(rows)] for rows in inc]


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 12), e=st.integers(1, 60), tmax=st.integers(0, 6),
       directed=st.booleans())
def test_tcsr_matches_brute_force(seed, n, e, tmax, directed):
    src, dst, t = random_stream(seed, n, e, tmax)
    eid = torch.randperm(e, generator=torch.Generator().manual_seed(seed)) + 100
    g = TCSR.build(src, dst, t, eid=eid, num_nodes=n + 2, directed=directed)
    expected = brute_force(src, dst, t, eid, n + 2, directed)
    assert g.indptr.tolist() == [0, *torch.tensor([len(x) for x in expected]).cumsum(0).tolist()]
    got = list(zip(g.neighbor.tolist(), g.eid.tolist(), g.time.tolist(), strict=True))
    assert got == [row for rows in expected for row in rows]
    assert g.num_nodes == n + 2 and g.degree()[-2:].tolist() == [0, 0]
    assert g.memory_bytes() == 8 * (n + 3) + 3 * 8 * len(got)


def test_equal_times_keep_event_order_and_self_loops_appear_twice():
    src, dst = torch.tensor([0, 1, 0, 2]), torch.tensor([1, 0, 0, 0])
    t = torch.tensor([5.0, 5.0, 5.0, 1.0])
    g = TCSR.build(src, dst, t)
    s, e = g.indptr[0], g.indptr[1]
    assert g.eid[s:e].tolist() == [3, 0, 1, 2, 2] and g.time[s:e].tolist() == [1, 5, 5, 5, 5]
    assert g.neighbor[s:e].tolist() == [2, 1, 1, 0, 0]
    d = TCSR.build(src, dst, t, directed=True)
    assert d.indptr.tolist() == [0, 2, 3, 4] and d.eid.tolist() == [0, 2, 1, 3]


def test_to_device_and_errors():
    src, dst, t = random_stream(0, 5, 20, 3)
    g = TCSR.build(src, dst, t)
    assert g.to("cpu") is g and g.device == torch.device("cpu")
    with pytest.raises(ValueError, match="num_nodes=2"):
        TCSR.build(src, dst, t, num_nodes=2)
    with pytest.raises(ValueError, match="equal length"):
        TCSR.build(src, dst[:3], t)
