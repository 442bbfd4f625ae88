"""Metric functions: hand-computed values on tiny inputs and invariants."""

import math

import numpy as np
import pytest
import torch

from graphlab.eval import (
    accuracy,
    average_precision,
    hits_at_k,
    mrr,
    ndcg_at_k,
    ranks,
    recall_at_k,
    rocauc,
)


def test_accuracy_ids_scores_and_numpy():
    y_true = torch.tensor([0, 1, 2, 1])
    assert accuracy(y_true, torch.tensor([0, 1, 1, 1])) == pytest.approx(0.75)
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0]])
    assert accuracy(y_true.view(-1, 1), logits) == pytest.approx(0.5)
    assert accuracy(y_true.numpy(), np.array([[0], [1], [2], [0]])) == pytest.approx(0.75)


def test_accuracy_rejects_length_mismatch():
    with pytest.raises(ValueError, match="rows"):
        accuracy(torch.tensor([0, 1]), torch.tensor([0, 1, 1]))


def test_rocauc_binary_and_two_column_scores():
    y_true = np.array([0, 0, 1, 1])
    score = np.array([0.1, 0.4, 0.35, 0.8])  # 3 of 4 (pos, neg) pairs ordered correctly
    assert rocauc(y_true, score) == pytest.approx(0.75)
    two_col = torch.tensor([[0.0, 0.1], [0.0, 0.4], [0.0, 0.35], [0.0, 0.8]]) + 5.0
    assert rocauc(torch.tensor(y_true), two_col) == pytest.approx(0.75)


def test_rocauc_multilabel_skips_single_class_tasks_and_nan_labels():
    nan = float("nan")
    y_true = np.array([[0, 1, nan], [1, 1, 0], [1, nan, 1], [0, 1, 0]])
    y_score = np.array([[0.2, 0.5, 0.99], [0.6, 0.5, 0.5], [0.1, 0.5, 0.9], [0.3, 0.5, 0.4]])
    # task 0: AUC 0.5; task 1 has only positives (skipped); task 2 on rows 1-3: AUC 1.0
    assert rocauc(y_true, y_score) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="both"):
        rocauc(np.ones((3, 2)), np.random.rand(3, 2))


def test_average_precision_hand_value():
    # ranked: pos (P=1), neg, pos (P=2/3) -> AP = (1 + 2/3) / 2
    ap = average_precision(torch.tensor([0, 0, 1, 1]), torch.tensor([0.1, 0.4, 0.35, 0.8]))
    assert ap == pytest.approx(5 / 6)


def test_ranks_average_ties():
    # one tie: optimistic rank 1, pessimistic rank 2 -> 1.5
    assert ranks(torch.tensor([1.0]), torch.tensor([[1.0, 0.0]])).tolist() == [1.5]
    assert mrr(torch.tensor([1.0]), torch.tensor([[1.0, 0.0]])) == pytest.approx(1 / 1.5)
    pos, neg = torch.tensor([3.0, 0.5]), torch.tensor([[1.0, 2.0], [1.0, 2.0]])
    assert ranks(pos, neg).tolist() == [1.0, 3.0]
    assert mrr(pos.numpy(), neg.numpy()) == pytest.approx((1 + 1 / 3) / 2)
    assert [hits_at_k(pos, neg, k) for k in (1, 2, 3)] == [0.5, 0.5, 1.0]


def test_hits_monotone_in_k_and_bounded_by_mrr_rank():
    g = torch.Generator().manual_seed(0)
    pos, neg = torch.randn(50, generator=g), torch.randn(50, 20, generator=g)
    hits = [hits_at_k(pos, neg, k) for k in range(1, 22)]
    assert hits == sorted(hits) and hits[-1] == 1.0
    assert 0.0 < mrr(pos, neg) <= 1.0


def test_ranks_rejects_bad_shapes():
    with pytest.raises(ValueError, match="neg_scores"):
        ranks(torch.rand(3), torch.rand(4, 5))
    with pytest.raises(ValueError, match="k must be"):
        hits_at_k(torch.rand(3), torch.rand(3, 5), 0)


# Two users, five items, k = 2.
# user 0: training item 0 (excluded) has the top score; relevant test items {2, 3}.
#   ranking after masking: 1, 2 -> one hit at position 1: recall 1/2,
#   NDCG = (1/log2(3)) / (1 + 1/log2(3)).
# user 1: item 4 is both a training item (excluded) and marked relevant: it counts for nothing,
#   so relevant = {3}; ranking 3, 2 -> hit at position 0: recall 1, NDCG 1.
SCORES = torch.tensor([[0.9, 0.8, 0.7, 0.6, 0.5], [0.1, 0.2, 0.3, 0.4, 0.5]])
TARGETS = torch.tensor([[0, 0, 1, 1, 0], [0, 0, 0, 1, 1]], dtype=torch.bool)
EXCLUDE = torch.tensor([[1, 0, 0, 0, 0], [0, 0, 0, 0, 1]], dtype=torch.bool)
NDCG_USER0 = (1 / math.log2(3)) / (1 + 1 / math.log2(3))


def test_recall_ndcg_hand_example_with_exclude():
    assert recall_at_k(SCORES, TARGETS, 2, exclude=EXCLUDE) == pytest.approx(0.75)
    assert ndcg_at_k(SCORES, TARGETS, 2, exclude=EXCLUDE) == pytest.approx((NDCG_USER0 + 1) / 2)
    per_user = ndcg_at_k(SCORES.numpy(), TARGETS.numpy(), 2, exclude=EXCLUDE.numpy(), reduce=False)
    assert per_user.tolist() == pytest.approx([NDCG_USER0, 1.0])


def test_recall_ndcg_without_exclude():
    # user 0 top-2 = {0, 1}: no hit; user 1 top-2 = {4, 3}: both relevant items found
    assert recall_at_k(SCORES, TARGETS, 2) == pytest.approx(0.5)
    assert ndcg_at_k(SCORES, TARGETS, 2) == pytest.approx(0.5)


def test_users_without_relevant_items_are_skipped():
    targets = TARGETS.clone()
    targets[0] = False
    per_user = recall_at_k(SCORES, targets, 2, exclude=EXCLUDE, reduce=False)
    assert math.isnan(per_user[0]) and per_user[1] == 1.0
    assert recall_at_k(SCORES, targets, 2, exclude=EXCLUDE) == 1.0
    with pytest.raises(ValueError, match="no user"):
        ndcg_at_k(SCORES, torch.zeros_like(TARGETS), 2)


def test_perfect_ranking_scores_one():
    g = torch.Generator().manual_seed(1)
    targets = torch.rand(8, 30, generator=g) < 0.1
    targets[:, 0] = True  # every user has 1..k relevant items
    targets[:, 5:] &= targets[:, 5:].cumsum(1) <= 3
    scores = targets.float() + 0.01 * torch.rand(8, 30, generator=g)
    assert recall_at_k(scores, targets, 10) == pytest.approx(1.0)
    assert ndcg_at_k(scores, targets, 10) == pytest.approx(1.0)
    assert ndcg_at_k(-scores, targets, 10) == 0.0  # relevant items ranked last


def test_k_larger_than_item_count_ranks_all_items():
    assert recall_at_k(SCORES, TARGETS, 50) == 1.0
