"""Vectorised temporal neighbor finder: parity with the per-root reference (recent), validity and
uniformity (uniform), no future leak, padding, reproducibility, CPU/CUDA parity."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from temporal_helpers import FIELDS, check_valid, random_stream

from graphlab.temporal import TCSR, ReferenceNeighborFinder, TemporalNeighborFinder

streams = dict(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 10), e=st.integers(1, 80), tmax=st.integers(0, 8))


def roots_for(seed: int, n: int, tmax: int, r: int = 25) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed + 1)
    return torch.randint(0, n, (r,), generator=g), torch.randint(0, tmax + 2, (r,), generator=g).double()


@settings(max_examples=80, deadline=None)
@given(**streams, fanouts=st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_recent_is_identical_to_reference(seed, n, e, tmax, fanouts):
    src, dst, t = random_stream(seed, n, e, tmax)
    roots, times = roots_for(seed, n, tmax)
    ours = TemporalNeighborFinder(TCSR.build(src, dst, t, num_nodes=n), "recent", fanouts).sample(roots, times)
    ref = ReferenceNeighborFinder(src, dst, t, num_nodes=n, policy="recent", fanouts=fanouts).sample(roots, times)
    for a, b in zip(ours, ref, strict=True):
        for f in FIELDS:
            assert getattr(a, f).equal(getattr(b, f)), f


@settings(max_examples=80, deadline=None)
@given(**streams, policy=st.sampled_from(["recent", "uniform", "uniform-noreplace"]))
def test_no_future_leak_multi_hop(seed, n, e, tmax, policy):
    src, dst, t = random_stream(seed, n, e, tmax)
    roots, times = roots_for(seed, n, tmax)
    finder = TemporalNeighborFinder(TCSR.build(src, dst, t, num_nodes=n), policy.split("-")[0], [3, 2, 2],
                                    replace=policy != "uniform-noreplace")
    hops = finder.sample(roots, times, generator=torch.Generator().manual_seed(seed))
    check_valid(hops, src, dst, t, roots, times)
    before = [(t < tr) for tr in times.tolist()]  # incidences before the root time, self-loops twice
    count = torch.tensor([int((b & (src == v)).sum() + (b & (dst == v)).sum())
                          for v, b in zip(roots.tolist(), before, strict=True)])
    got = hops[0].mask.sum(1)
    expected = {"recent": count.clamp(max=3), "uniform": (count > 0) * 3,
                "uniform-noreplace": count.clamp(max=3)}[policy]
    assert got.equal(expected)
    if policy == "uniform-noreplace":  # each incidence at most once (a self-loop is two incidences)
        for row, m in zip(hops[0].eids.tolist(), hops[0].mask.tolist(), strict=True):
            kept = torch.tensor([x for x, keep in zip(row, m, strict=True) if keep], dtype=torch.int64)
            uniq, times_drawn = kept.unique(return_counts=True)
            assert (times_drawn <= 1 + (src[uniq] == dst[uniq]).long()).all()


@pytest.mark.parametrize("replace", [True, False])
def test_uniform_frequencies_are_roughly_uniform(replace):
    # node 0 has 7 events before t=10 (times 0..6), one at t=10 and one after: only the first 7 are candidates
    src = torch.zeros(9, dtype=torch.int64)
    dst = torch.arange(1, 10)
    t = torch.tensor([0, 1, 2, 3, 4, 5, 6, 10, 11], dtype=torch.float64)
    finder = TemporalNeighborFinder(TCSR.build(src, dst, t), "uniform", [3], replace=replace)
    reps = 4000
    hop = finder.sample(torch.zeros(reps, dtype=torch.int64), torch.full((reps,), 10.0),
                        generator=torch.Generator().manual_seed(0))[0]
    assert hop.mask.all() and (hop.eids < 7).all()
    if not replace:
        assert (hop.eids.sort(1).values.diff(dim=1) > 0).all()
    freq = torch.bincount(hop.eids.reshape(-1), minlength=7).double() / (3 * reps)
    assert torch.allclose(freq, torch.full((7,), 1 / 7, dtype=torch.float64), rtol=0.08)


def test_padding_for_roots_without_history():
    src, dst, t = torch.tensor([0, 1]), torch.tensor([1, 2]), torch.tensor([5.0, 6.0])
    for policy in ("recent", "uniform"):
        finder = TemporalNeighborFinder(TCSR.build(src, dst, t, num_nodes=4), policy, [2, 2])
        h1, h2 = finder.sample(torch.tensor([3, 0, 1, 1]), torch.tensor([9.0, 5.0, 6.0, 7.0]))
        # node 3: no events; node 0 at t=5: its event is at t=5, not before; node 1 at 6: only the t=5 event
        assert h1.mask.tolist() == [[False] * 2, [False] * 2, [True, policy == "uniform"], [True, True]]
        assert h1.nodes[0].tolist() == [0, 0] and h1.eids[0].tolist() == [-1, -1]
        assert h1.eids[2, 0] == 0 and h1.nodes[2, 0] == 0 and h1.times[2, 0] == 5.0
        assert h2.mask.shape == (8, 2) and not h2.mask[:4].any()  # padded roots get no samples


def test_sample_hop_is_the_first_hop_of_sample():
    src, dst, t = random_stream(5, 15, 200, 30)
    finder = TemporalNeighborFinder(TCSR.build(src, dst, t), "recent", [4, 4])
    roots, times = roots_for(5, 15, 30, 50)
    one, full = finder.sample_hop(roots, times, 4), finder.sample(roots, times)[0]
    assert all(getattr(one, f).equal(getattr(full, f)) for f in FIELDS)


def test_uniform_is_reproducible_with_a_generator():
    src, dst, t = random_stream(3, 20, 300, 50)
    finder = TemporalNeighborFinder(TCSR.build(src, dst, t), "uniform", [5, 5])
    roots, times = roots_for(3, 20, 50, 100)
    a = finder.sample(roots, times, generator=torch.Generator().manual_seed(7))
    b = finder.sample(roots, times, generator=torch.Generator().manual_seed(7))
    assert all(x.eids.equal(y.eids) for x, y in zip(a, b, strict=True))


def test_errors_name_the_problem():
    g = TCSR.build(*random_stream(0, 5, 10, 3))
    with pytest.raises(ValueError, match="unknown temporal sampling policy 'latest'"):
        TemporalNeighborFinder(g, "latest")
    with pytest.raises(ValueError, match="fanouts"):
        TemporalNeighborFinder(g, "recent", [])
    with pytest.raises(ValueError, match="replace=False"):
        TemporalNeighborFinder(g, "recent", [2], replace=False)
    with pytest.raises(ValueError, match=r"root ids must be in \[0, 5\)"):
        TemporalNeighborFinder(g, "recent", [2]).sample(torch.tensor([5]), torch.tensor([1.0]))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu():
    src, dst, t = random_stream(1, 50, 2000, 300)
    roots, times = roots_for(1, 50, 300, 500)
    cpu = TCSR.build(src, dst, t)
    rec_cpu = TemporalNeighborFinder(cpu, "recent", [5, 5]).sample(roots, times)
    rec_gpu = TemporalNeighborFinder(cpu.to("cuda"), "recent", [5, 5]).sample(roots.cuda(), times.cuda())
    for a, b in zip(rec_cpu, rec_gpu, strict=True):
        assert all(getattr(a, f).equal(getattr(b, f).cpu()) for f in FIELDS)
    uni = TemporalNeighborFinder(cpu.to("cuda"), "uniform", [5, 5]).sample(
        roots, times, generator=torch.Generator("cuda").manual_seed(0))
    assert uni[0].nodes.is_cuda
    check_valid([h.__class__(*(getattr(h, f).cpu() for f in FIELDS)) for h in uni], src, dst, t, roots, times)


def assert_same_as_reference(src, dst, t, n, roots, times, fanouts) -> TemporalNeighborFinder:
    finder = TemporalNeighborFinder(TCSR.build(src, dst, t, num_nodes=n), "recent", fanouts)
    ref = ReferenceNeighborFinder(src, dst, t, num_nodes=n, policy="recent", fanouts=fanouts).sample(roots, times)
    for a, b in zip(finder.sample(roots, times), ref, strict=True):
        for f in FIELDS:
            assert getattr(a, f).equal(getattr(b, f)), f
    return finder


@pytest.mark.parametrize(("shift", "mode"), [(0.0, "time"), (0.25, "rank")])
def test_fractional_query_and_event_times(shift, mode):
    # integral event times use float64 time keys (queries rounded up: t < 3.5 ⟺ t < 4); fractional ones, ranks
    src, dst, t = random_stream(5, 12, 300, 40)
    gen = torch.Generator().manual_seed(6)
    roots, times = torch.randint(0, 12, (200,), generator=gen), torch.rand(200, generator=gen).double() * 44 - 2
    times[:50] = times[:50].round()  # ties with event times too
    finder = assert_same_as_reference(src, dst, t + shift, 12, roots, times, [4, 3])
    assert finder._keys.mode == mode


def test_wide_composite_keys_use_int64_and_match_the_reference():
    # fractional times: rank keys; 60,000 nodes × 60,001 ranks overflow int32, so the keys must be int64
    gen = torch.Generator().manual_seed(3)
    n = e = 60_000
    src, dst = torch.randint(0, n, (e,), generator=gen), torch.randint(0, n, (e,), generator=gen)
    t = torch.arange(e, dtype=torch.float64) + 0.5
    src[:300], dst[:300] = 7, torch.arange(300)  # a node with a long history
    roots = torch.cat([torch.full((20,), 7), torch.randint(0, n, (200,), generator=gen)])
    times = torch.randint(0, e + 1, (220,), generator=gen).double()
    finder = assert_same_as_reference(src, dst, t, n, roots, times, [5, 3])
    assert finder._keys.mode == "rank" and finder._keys.keys.dtype == torch.int64
