"""Evaluator: OGB's interface, parity with OGB's own evaluators, input validation."""

import numpy as np
import pytest
import torch

from graphlab.eval import Evaluator, hits_at_k, mrr, ndcg_at_k, recall_at_k


def test_builtin_names_compute_the_metric_functions():
    y = {
        "y_true": torch.tensor([0, 1, 1, 0]),
        "y_pred": torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]]),
    }
    assert Evaluator("acc").eval(y) == {"acc": pytest.approx(0.75)}
    assert Evaluator("rocauc").eval(y) == {"rocauc": pytest.approx(1.0)}
    assert Evaluator("ap").eval(y) == {"ap": pytest.approx(1.0)}

    pos, neg = torch.tensor([3.0, 0.5, 1.0]), torch.tensor([[1.0, 2.0], [1.0, 2.0], [1.0, 0.0]])
    out = Evaluator("mrr").eval({"y_pred_pos": pos, "y_pred_neg": neg})
    assert out == pytest.approx(
        {"mrr": (1 + 1 / 3 + 1 / 1.5) / 3, "hits@1": 1 / 3, "hits@3": 1.0, "hits@10": 1.0}
    )
    assert Evaluator("hits@2").eval({"y_pred_pos": pos, "y_pred_neg": neg}) == {
        "hits@2": hits_at_k(pos, neg, 2)
    }


def test_recall_ndcg_names_with_optional_exclude():
    g = torch.Generator().manual_seed(0)
    scores, targets = torch.rand(6, 12, generator=g), torch.rand(6, 12, generator=g) < 0.3
    exclude = torch.rand(6, 12, generator=g) < 0.2
    targets[:, 0], exclude[:, 0] = True, False
    inputs = {"scores": scores, "targets": targets, "exclude": exclude}
    assert Evaluator("recall@5").eval(inputs) == {"recall@5": recall_at_k(scores, targets, 5, exclude)}
    assert Evaluator("ndcg@5").eval(inputs) == {"ndcg@5": ndcg_at_k(scores, targets, 5, exclude)}
    assert Evaluator("ndcg@5").eval({"scores": scores, "targets": targets}) == {
        "ndcg@5": ndcg_at_k(scores, targets, 5)
    }


def test_metadata():
    ev = Evaluator("recall@20")
    assert ev.metric == "recall@20" and ev.higher_is_better
    assert "'scores': (U, I)" in ev.expected_input_format and "exclude" in ev.expected_input_format
    assert "'recall@20': float" in ev.expected_output_format
    assert Evaluator("mrr").metric == "mrr" and "hits@10" in Evaluator("mrr").expected_output_format


def test_ogbn_arxiv_accuracy_matches_ogb():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 40, (500, 1)), rng.integers(0, 40, (500, 1))
    y_pred[:100] = y_true[:100]
    ogb_eval = Evaluator("ogbn-arxiv")
    assert ogb_eval.metric == "acc" and "y_true" in ogb_eval.expected_input_format
    ours = Evaluator("acc").eval({"y_true": y_true, "y_pred": y_pred})["acc"]
    assert ours == pytest.approx(ogb_eval.eval({"y_true": y_true, "y_pred": y_pred})["acc"])


def test_ogbl_collab_hits_matches_ogb_without_ties():
    g = torch.Generator().manual_seed(0)
    pos, neg = torch.randn(300, generator=g) + 2.0, torch.randn(400, generator=g)  # continuous: no ties
    ogb_eval = Evaluator("ogbl-collab")
    assert ogb_eval.metric == "hits@50"
    expected = ogb_eval.eval({"y_pred_pos": pos, "y_pred_neg": neg})["hits@50"]
    assert 0.0 < expected < 1.0
    # OGB ranks every positive against one shared pool of negatives
    assert hits_at_k(pos, neg.expand(len(pos), -1), 50) == pytest.approx(expected)


def test_ogbl_citation2_mrr_matches_ogb_without_ties():
    g = torch.Generator().manual_seed(0)
    pos, neg = torch.randn(200, generator=g), torch.randn(200, 100, generator=g)
    ogb_out = Evaluator("ogbl-citation2").eval({"y_pred_pos": pos, "y_pred_neg": neg})
    ours = Evaluator("mrr").eval({"y_pred_pos": pos, "y_pred_neg": neg})
    assert mrr(pos, neg) == pytest.approx(ogb_out["mrr_list"].mean().item())
    for k in (1, 3, 10):
        assert ours[f"hits@{k}"] == pytest.approx(ogb_out[f"hits@{k}_list"].mean().item())


@pytest.mark.parametrize(
    "name, inputs, key",
    [
        ("acc", {"y_true": torch.tensor([0, 1])}, "y_pred"),
        ("mrr", {"y_pred_pos": torch.rand(3)}, "y_pred_neg"),
        ("recall@5", {"scores": torch.rand(2, 6)}, "targets"),
    ],
)
def test_missing_key_is_named(name, inputs, key):
    with pytest.raises(ValueError, match=f"missing key '{key}'(.|\n)*Expected input format"):
        Evaluator(name).eval(inputs)


@pytest.mark.parametrize(
    "name, inputs",
    [
        ("acc", {"y_true": torch.tensor([0, 1]), "y_pred": torch.tensor([0, 1, 1])}),
        ("rocauc", {"y_true": torch.tensor([0, 1]), "y_pred": torch.rand(2, 3)}),
        ("mrr", {"y_pred_pos": torch.rand(3), "y_pred_neg": torch.rand(4, 5)}),
        ("ndcg@5", {"scores": torch.rand(2, 6), "targets": torch.ones(2, 6), "exclude": torch.ones(2, 5)}),
    ],
)
def test_shape_mismatch(name, inputs):
    with pytest.raises(ValueError, match="shape mismatch") as err:
        Evaluator(name).eval(inputs)
    assert all(repr(key) in str(err.value) for key in inputs)


@pytest.mark.parametrize(
    "name, inputs, key",
    [
        (
            "acc",
            {"y_true": torch.tensor([0, 1]), "y_pred": torch.tensor([[0.1, float("nan")], [0.0, 1.0]])},
            "y_pred",
        ),
        (
            "mrr",
            {"y_pred_pos": torch.rand(2), "y_pred_neg": np.array([[0.1, np.nan], [0.2, 0.3]])},
            "y_pred_neg",
        ),
        (
            "hits@1",
            {"y_pred_pos": torch.tensor([float("nan"), 0.0]), "y_pred_neg": torch.rand(2, 2)},
            "y_pred_pos",
        ),
        ("recall@1", {"scores": torch.tensor([[float("nan"), 1.0]]), "targets": torch.ones(1, 2)}, "scores"),
    ],
)
def test_nan_prediction_is_named(name, inputs, key):
    with pytest.raises(ValueError, match=f"'{key}' contains NaN"):
        Evaluator(name).eval(inputs)


@pytest.mark.parametrize("name", ["accuracy", "hits@0", "hits@", "ndcg@k", "Recall@10"])
def test_unknown_name_lists_valid_names(name):
    with pytest.raises(ValueError, match=f"unknown name '{name}'.*recall@K"):
        Evaluator(name)


def test_unknown_ogb_name_is_rejected_by_ogb():
    with pytest.raises(ValueError, match="ogbn-nope"):
        Evaluator("ogbn-nope")
