"""The token-level reward model (LoRA) learns to prefer the correct step on held-out pairs."""

from __future__ import annotations

import pytest

from graphlab.data import arith_traces
from llm_bridge.lm.reward import preference_accuracy, sequence_logprobs, step_pairs, train_reward, with_lora
from llm_bridge.tasks import math_prompt


def test_pairs_share_the_prefix_and_differ_in_one_step():
    rows = arith_traces(depth=3, train=5, valid=0, test=0).split("train")
    pairs = step_pairs(rows, lambda x: math_prompt(x))
    assert len(pairs) == 5
    for p in pairs:
        assert p.chosen != p.rejected and p.chosen.split("=")[0] == p.rejected.split("=")[0]
        assert p.prefix.startswith("Question: ")


def test_lora_leaves_the_backbone_untouched(tiny_pair, tok):
    base = tiny_pair[0]
    rm = with_lora(base, r=4)
    trainable = [n for n, p in rm.named_parameters() if p.requires_grad]
    assert trainable and all("lora" in n for n in trainable)
    assert not any("lora" in n for n, _ in base.named_parameters())
    assert sequence_logprobs(base, tok, ["a b"], [" c"]).shape == (1,)


def test_reward_model_prefers_the_correct_step_on_heldout_pairs(tiny_pair, tok):
    # subtraction of single digits: correct results stay single-digit, a corrupted one (r ± d) often does not —
    # a pattern a LoRA on a random tiny LM can pick up in seconds (the real RM learns arithmetic: slow test)
    ds = arith_traces(depth=3, low=1, high=9, ops="-", train=150, valid=60, test=0, seed=3)
    train = step_pairs(ds.split("train"), lambda x: math_prompt(x), seed=0)
    held = step_pairs(ds.split("valid"), lambda x: math_prompt(x), seed=1)
    rm = with_lora(tiny_pair[0], r=16, alpha=32)
    before = preference_accuracy(rm, tok, held)
    train_reward(rm, tok, train, steps=40, batch_size=16, lr=1e-2)
    after = preference_accuracy(rm, tok, held)
    print(f"held-out preference accuracy {before:.2f} → {after:.2f}")
    assert after >= 0.65 and after > before + 0.1, (before, after)


@pytest.mark.slow
def test_shipped_arith_reward_model_beats_chance_on_heldout_pairs(monkeypatch):
    """The RM of configs/llm_bridge/taro/arith.yaml (LoRA on SmolLM2; minutes on CPU, reused from
    ~/.cache/graphlab/llm_bridge when trained before)."""
    from pathlib import Path

    from graphlab.cli import load_experiment_config
    from llm_bridge.decode.stack import load_backbone, load_reward

    monkeypatch.delenv("GRAPHLAB_LM_CACHE")
    cfg = load_experiment_config(Path(__file__).resolve().parents[2] / "configs/llm_bridge/taro/arith.yaml", [])
    base, tok, spec = load_backbone(cfg.model.path, cfg, "cpu")
    _, rm_spec = load_reward(cfg, base, spec, tok, "cpu")
    assert rm_spec["heldout_pairs"] >= 32 and rm_spec["pref_acc"] > 0.6
