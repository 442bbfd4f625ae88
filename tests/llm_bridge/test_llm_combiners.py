"""Each combiner against a next-token distribution computed by hand on a 4-token vocabulary."""

from __future__ import annotations

import math

import pytest
import torch

from llm_bridge.lm.combiners import (
    ARGSCombiner,
    BaseCombiner,
    ExpertSelectCombiner,
    GenARMCombiner,
    StepInputs,
    TaroCombiner,
    mix,
)

ZB = torch.tensor([[2.0, 1.0, 0.0, -1.0]])
ZR = torch.tensor([[0.0, 3.0, 1.0, 0.0]])


def softmax(xs):
    m = max(xs)
    e = [math.exp(x - m) for x in xs]
    return [v / sum(e) for v in e]


def log(xs):
    return [math.log(x) for x in xs]


def test_base_is_softmax_of_base_logits():
    got = BaseCombiner()(StepInputs([ZB])).exp()[0].tolist()
    assert got == pytest.approx(softmax([2, 1, 0, -1]))


def test_genarm_is_base_times_rm_to_the_alpha():
    pb, pr, a = softmax([2, 1, 0, -1]), softmax([0, 3, 1, 0]), 0.5
    unnorm = [b * r ** a for b, r in zip(pb, pr, strict=True)]
    want = [u / sum(unnorm) for u in unnorm]
    got = GenARMCombiner(a)(StepInputs([ZB, ZR])).exp()[0].tolist()
    assert got == pytest.approx(want)


def test_args_reranks_top_k_by_logit_plus_weighted_reward():
    # top-2 of the base: tokens 0 (z=2) and 1 (z=1); scores z + w·log π_RM with w = 1
    lr = log(softmax([0, 3, 1, 0]))
    s0, s1 = 2 + lr[0], 1 + lr[1]
    p = softmax([s0, s1])
    got = ARGSCombiner(k=2, weight=1.0)(StepInputs([ZB, ZR])).exp()[0].tolist()
    assert got == pytest.approx([p[0], p[1], 0.0, 0.0])
    assert got.index(max(got)) == 1  # the reward flips the base's choice


class FixedRouter(torch.nn.Module):
    inputs, base_dim = "base+rm", 2

    def __init__(self, alphas):
        super().__init__()
        self.alphas = torch.tensor(alphas)[:, None]

    def forward(self, hb, hr):
        return self.alphas


def test_taro_uses_a_per_row_alpha():
    zb, zr = ZB.repeat(2, 1), ZR.repeat(2, 1)
    h = [torch.zeros(2, 2), torch.zeros(2, 2)]
    comb = TaroCombiner(FixedRouter([0.0, 2.0]))
    got = comb(StepInputs([zb, zr], h)).exp()
    assert got[0].tolist() == pytest.approx(softmax([2, 1, 0, -1]))
    pb, pr = softmax([2, 1, 0, -1]), softmax([0, 3, 1, 0])
    unnorm = [b * r ** 2 for b, r in zip(pb, pr, strict=True)]
    assert got[1].tolist() == pytest.approx([u / sum(unnorm) for u in unnorm])


def test_mix_with_zero_alpha_is_the_base_exactly():
    z = torch.randn(3, 50)
    assert torch.equal(mix(z, torch.randn(3, 50), torch.zeros(3, 1)), torch.log_softmax(z, -1))
    assert torch.equal(mix(z, torch.randn(3, 50), 0.0), torch.log_softmax(z, -1))


def test_expert_select_picks_an_expert_and_adds_complementary_logits():
    comb = ExpertSelectCombiner(lambda h: torch.tensor([1]), experts=2,
                                complement=lambda h: torch.tensor([[0.0, 0.0, 2.0, 0.0]]))
    got = comb(StepInputs([ZB, ZR], [torch.zeros(1, 2)] * 2)).exp()[0].tolist()
    assert got == pytest.approx(softmax([0, 3, 3, 0]))


def test_bad_combiner_arguments_are_errors():
    with pytest.raises(ValueError, match="alpha"):
        GenARMCombiner(-1.0)
    with pytest.raises(ValueError, match="ARGS"):
        ARGSCombiner(k=0)
