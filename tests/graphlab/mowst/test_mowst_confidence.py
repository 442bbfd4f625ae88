"""Mowst's confidence: the dispersion features on hand-computed distributions, and the strategies."""

from __future__ import annotations

import math

import pytest
import torch

from graphlab.mowst import (
    CONFIDENCES,
    EntropyConfidence,
    LearnedConfidence,
    VarianceConfidence,
    build_confidence,
    dispersion,
    entropy_confidence,
    variance_confidence,
)


@pytest.mark.parametrize("classes", [2, 3, 7])
def test_uniform_is_zero_and_one_hot_is_one(classes):
    uniform = torch.full((1, classes), 1.0 / classes)
    one_hot = torch.nn.functional.one_hot(torch.tensor([classes - 1]), classes).float()
    for f in (variance_confidence, entropy_confidence):
        assert f(uniform).item() == pytest.approx(0.0, abs=1e-6)
        assert f(one_hot).item() == pytest.approx(1.0, abs=1e-6)


def test_hand_computed_values():
    p = torch.tensor([[0.5, 0.5, 0.0], [0.7, 0.2, 0.1]])
    # Var(p) / Var(one-hot) with population variances: Var(one-hot over 3) = 1/3 − 1/9 = 2/9
    var = [((0.25 + 0.25 + 0) / 3 - 1 / 9) / (2 / 9), ((0.49 + 0.04 + 0.01) / 3 - 1 / 9) / (2 / 9)]
    assert var == pytest.approx([0.25, 0.31])
    torch.testing.assert_close(variance_confidence(p), torch.tensor(var))
    torch.testing.assert_close(variance_confidence(p), p.var(1, unbiased=False) / torch.tensor([1.0, 0, 0]).var(
        unbiased=False))
    h = [math.log(2), -(0.7 * math.log(0.7) + 0.2 * math.log(0.2) + 0.1 * math.log(0.1))]
    torch.testing.assert_close(entropy_confidence(p), torch.tensor([1 - v / math.log(3) for v in h]))


def test_dispersion_reads_softmax_of_logits_and_carries_no_gradient():
    logits = torch.tensor([[0.0, 0.0], [20.0, -20.0]], requires_grad=True)
    d = dispersion(logits)
    assert d.shape == (2, 2) and not d.requires_grad
    torch.testing.assert_close(d, torch.tensor([[0.0, 0.0], [1.0, 1.0]]), atol=1e-6, rtol=0)


def test_dispersion_equals_the_separate_features_of_the_softmax():
    logits = 4 * torch.randn(200, 6, generator=torch.Generator().manual_seed(1))
    p = torch.softmax(logits, 1)
    expected = torch.stack([variance_confidence(p), entropy_confidence(p)], dim=1)
    torch.testing.assert_close(dispersion(logits), expected, atol=1e-5, rtol=0)


def test_fixed_confidences_are_powers_of_the_features():
    logits = torch.randn(50, 4, generator=torch.Generator().manual_seed(0))
    p = torch.softmax(logits, 1)
    x = torch.zeros(50, 3)
    torch.testing.assert_close(VarianceConfidence(tau=2.0)(logits, x), variance_confidence(p) ** 2)
    torch.testing.assert_close(EntropyConfidence(tau=0.5)(logits, x), entropy_confidence(p) ** 0.5)
    assert list(VarianceConfidence().parameters()) == []
    with pytest.raises(ValueError, match="tau"):
        EntropyConfidence(tau=0.0)


@pytest.mark.parametrize("uses_features", [False, True])
def test_learned_gate(uses_features):
    torch.manual_seed(0)
    gate = LearnedConfidence(in_feats=3, hidden=8, layers=2, dropout=0.0, uses_features=uses_features)
    assert gate.gate.in_feats == (5 if uses_features else 2)
    logits, x = torch.randn(10, 4), torch.randn(10, 3)
    c = gate(logits, x)
    assert c.shape == (10,) and bool(((c > 0) & (c < 1)).all())
    c.sum().backward()
    assert all(p.grad is not None for p in gate.parameters())
    changed = gate(logits, x + 1.0)  # the features matter exactly when the gate reads them
    assert torch.allclose(changed, c) != uses_features


def test_build_confidence_picks_its_options():
    assert set(CONFIDENCES) == {"learned", "variance", "entropy"}
    options = {"in_feats": 3, "hidden": 8, "layers": 2, "dropout": 0.1, "norm": "batch", "uses_features": True,
               "tau": 3.0}
    assert build_confidence("variance", **options).tau == 3.0
    learned = build_confidence("learned", **options)
    assert isinstance(learned, LearnedConfidence) and learned.gate.norm == "batch"
    with pytest.raises(ValueError, match="unknown confidence 'gated'"):
        build_confidence("gated")
