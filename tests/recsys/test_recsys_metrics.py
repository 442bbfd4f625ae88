"""Masked full-ranking metrics against rankings computed by hand, and the light/heavy/decile breakdown."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from graphlab.data.interactions import build_interactions, split_params
from recsys.data import build_rec_data, group_means, rank_users


def tiny_data():
    """3 users, 5 items, leave-last-out: u0 0→1→2, u1 1→3→4, u2 0→1→2→3 (train / valid / test = all but the
    last two / second last / last)."""
    users = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]
    items = [0, 1, 2, 1, 3, 4, 0, 1, 2, 3]
    times = [1, 2, 3, 1, 2, 3, 1, 2, 3, 4]
    p = split_params("tiny", {"split": "leave-last-out", "min_interactions": 1}, {})
    ds = build_interactions("tiny", np.array(users), np.array(items), np.ones(10, np.float32), np.array(times), "s",
                            p, "tiny")
    return build_rec_data(ds)


SCORES = torch.tensor([[5.0, 4, 3, 2, 1], [1.0, 2, 3, 4, 5], [0.0, 0, 0, 1, 2]])


def fixed(users: torch.Tensor, stage: str) -> torch.Tensor:
    return SCORES[users]


def test_stages_hold_the_expected_items():
    data = tiny_data()
    test = data.stage("test")
    assert test.targets.toarray().nonzero()[1].tolist() == [2, 4, 3]
    assert [sorted(test.exclude[u].indices.tolist()) for u in range(3)] == [[0, 1], [1, 3], [0, 1, 2]]
    assert data.stage("valid").exclude.toarray().nonzero()[1].tolist() == [0, 1, 0, 1]
    # a history-based model reads train then valid items at test time, in time order
    assert data.stage("test").history[2].indices.tolist() == [0, 1, 2]


def test_recall_and_ndcg_match_hand_ranking():
    # test stage, masked: u0 ranks 2,3,4 (target 2 first); u1 ranks 4,2,0 (target 4 first); u2 ranks 4,3 (target 3
    # second) → recall@1 = 2/3, recall@2 = 1, ndcg@2 = (1 + 1 + 1/log2 3) / 3
    r = rank_users(tiny_data(), fixed, "test", ks=(1, 2))
    assert r.values["recall@1"].tolist() == [1.0, 1.0, 0.0]
    assert np.nanmean(r.values["recall@2"]) == pytest.approx(1.0)
    assert np.nanmean(r.values["ndcg@2"]) == pytest.approx((2 + 1 / math.log2(3)) / 3)
    # valid stage, train masked: u0 targets 1 → ranks 1,2,3,4 → rank 1; u1 target 3 → 4,3 → rank 2;
    # u2 target 2 → 4,3,2 → rank 3
    v = rank_users(tiny_data(), fixed, "valid", ks=(1, 2, 3))
    assert v.values["recall@1"].tolist() == [1.0, 0.0, 0.0]
    assert v.values["recall@2"].tolist() == [1.0, 1.0, 0.0]
    assert v.values["ndcg@3"][2] == pytest.approx(0.5)


def test_group_means_split_light_heavy_and_deciles():
    data = tiny_data()
    r = rank_users(data, fixed, "test", ks=(20,), metrics=("recall",))
    means = group_means(data, r)
    light = data.groups.light.tolist()
    assert len(light) == 1 and light[0] in (0, 1)  # bottom 30% by training history (1 item each for u0, u1)
    assert means["recall@20_light"] == r.values["recall@20"][light[0]]
    assert math.isnan(means["recall@20_heavy"])  # round(0.1 · 3) = 0 heavy users
    assert {k for k in means if "decile" in k} == {f"recall@20_decile{d}" for d in range(10)}
