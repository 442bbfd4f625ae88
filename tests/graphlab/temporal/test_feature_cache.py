"""Feature cache: gather returns exactly the direct gather; hit rate, swap rule and bytes on a skewed
access pattern."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlab.temporal import FeatureCache


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), rows=st.integers(1, 60), d=st.integers(0, 5),
       ratio=st.sampled_from([0.0, 0.1, 0.3, 1.0]), swap=st.sampled_from([0.0, 0.8, 1.0]),
       batches=st.lists(st.integers(0, 40), min_size=1, max_size=6))
def test_gather_equals_direct_gather(seed, rows, d, ratio, swap, batches):
    g = torch.Generator().manual_seed(seed)
    host = torch.randn(rows, d, generator=g)
    cache = FeatureCache(host, "cpu", ratio=ratio, swap_overlap=swap)
    for i, n in enumerate(batches):
        ids = torch.randint(0, rows, (n,), generator=g)
        assert cache.gather(ids).equal(host[ids])
        if i % 2:
            cache.end_epoch()
    total = cache.stats()
    assert total["accesses"] == sum(batches)
    assert total["miss_bytes"] == (total["accesses"] - round(total["hit_rate"] * total["accesses"])) * d * 4


def zipf_ids(rows: int, n: int, shift: int, seed: int) -> torch.Tensor:
    """n ids with P(row) ∝ 1 / (rank + 1), ranks rotated by ``shift``."""
    p = 1.0 / torch.arange(1, rows + 1, dtype=torch.float64)
    ranks = torch.multinomial(p, n, replacement=True, generator=torch.Generator().manual_seed(seed))
    return (ranks + shift) % rows


def test_skewed_access_hit_rate_and_swap_rule():
    rows, d = 1000, 8
    host = torch.randn(rows, d)
    cache = FeatureCache(host, "cpu", ratio=0.2, swap_overlap=0.8)
    assert cache.capacity == 200 and cache.resident.numel() == 0
    cache.gather(zipf_ids(rows, 20_000, 0, 0))
    e0 = cache.end_epoch()  # empty cache: every access missed, the top-200 is loaded
    assert e0.hits == 0 and e0.swapped and e0.overlap == 0.0
    assert e0.miss_bytes == 20_000 * d * 4 and e0.swap_bytes == 200 * d * 4
    cache.gather(zipf_ids(rows, 20_000, 0, 1))
    e1 = cache.end_epoch()  # same pattern: the hot rows are resident, the top-k barely moves → no swap
    p = 1.0 / torch.arange(1, rows + 1, dtype=torch.float64)
    assert e1.hit_rate > 0.9 * float(p[:200].sum() / p.sum())  # ≈ the Zipf mass of the 200 hottest rows
    assert not e1.swapped and e1.overlap >= 0.8 and e1.swap_bytes == 0
    cache.gather(zipf_ids(rows, 20_000, 500, 2))
    e2 = cache.end_epoch()  # hot set moved: cold hits, low overlap → swap
    assert e2.hit_rate < 0.5 * e1.hit_rate and e2.swapped and e2.overlap < 0.8
    ids = zipf_ids(rows, 5000, 500, 3)
    assert cache.gather(ids).equal(host[ids])
    assert set(cache.resident.tolist()) >= set(range(500, 550))
    s = cache.stats()
    assert s["epochs"] == 3 and s["swaps"] == 2
    assert s["accesses"] == 65_000 and s["swap_bytes"] == 400 * d * 4  # the open epoch counts too
    assert s["bytes_moved"] == s["miss_bytes"] + s["swap_bytes"]
    assert s["miss_bytes"] == round(s["accesses"] * (1 - s["hit_rate"])) * d * 4


def test_initial_counts_and_errors():
    host = torch.arange(20.0).reshape(10, 2)
    cache = FeatureCache(host, "cpu", ratio=0.3, initial_counts=torch.arange(10))
    assert sorted(cache.resident.tolist()) == [7, 8, 9]
    cache.gather(torch.tensor([9, 8, 0]))
    assert cache.end_epoch().hits == 2
    with pytest.raises(ValueError, match=r"ids must be in \[0, 10\)"):
        cache.gather(torch.tensor([-1]))
    with pytest.raises(ValueError, match="ratio"):
        FeatureCache(host, "cpu", ratio=1.5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_cache_gathers_host_rows():
    host = torch.randn(500, 4)
    cache = FeatureCache(host, "cuda", ratio=0.2, initial_counts=torch.arange(500))
    ids = zipf_ids(500, 3000, 400, 0)
    out = cache.gather(ids.cuda())
    assert out.is_cuda and out.cpu().equal(host[ids])
    assert cache.end_epoch().hits > 0
