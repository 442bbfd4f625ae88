"""Shared trunks: a reward model that differs from the base only in its last layers (LoRA on the last n, merged)
is decoded from the base's hidden state: the same tokens and log-probs as running it whole."""

from __future__ import annotations

import copy

import pytest
import torch

from llm_bridge.lm.combiners import GenARMCombiner, TaroCombiner
from llm_bridge.lm.decoding import Runners, generate, next_token_logprobs
from llm_bridge.lm.trunk import shared_layers, tail_model
from llm_bridge.taro.model import Router

PROMPTS = ["Question: What is 3 + 4?\nSolution:\n", "Hi", "12 + 7 = 19\n19 - 5 ="]


@pytest.fixture(scope="module")
def base(tok):
    from llm_bridge.lm.tiny import tiny_llama

    return tiny_llama(len(tok), hidden=32, layers=4, heads=2, seed=3, bos_token_id=tok.bos_token_id,
                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)


def reward_like(base, last: int, seed: int = 0):
    """The base with its last ``last`` layers perturbed (what merging a LoRA on those layers gives)."""
    rm = copy.deepcopy(base)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in rm.model.layers[len(rm.model.layers) - last:]:
            for p in layer.parameters():
                p.add_(0.5 * torch.randn(p.shape, generator=gen))
    return rm


def test_shared_layers_counts_the_equal_prefix(base, tiny_pair):
    assert shared_layers(base, reward_like(base, 1)) == 3
    assert shared_layers(base, reward_like(base, 3)) == 1
    assert shared_layers(base, reward_like(base, 4)) == 0
    assert shared_layers(base, copy.deepcopy(base)) == 3  # never the whole model
    assert shared_layers(base, tiny_pair[1]) == 0  # another architecture
    other = copy.deepcopy(base)
    with torch.no_grad():
        other.model.embed_tokens.weight.add_(1.0)
    assert shared_layers(base, other) == 0  # other embeddings: nothing is shared


def test_tail_shares_parameters_and_leaves_the_model_intact(base, tok):
    rm = reward_like(base, 2)
    tail = tail_model(rm, 2)
    assert tail.model.layers[0].mlp.up_proj.weight is rm.model.layers[2].mlp.up_proj.weight
    assert [layer.self_attn.layer_idx for layer in tail.model.layers] == [0, 1]
    assert [layer.self_attn.layer_idx for layer in rm.model.layers] == [0, 1, 2, 3]
    ids = tok(PROMPTS[0], return_tensors="pt", add_special_tokens=False).input_ids
    with torch.no_grad():
        whole = rm(input_ids=ids).logits
        h = base(input_ids=ids, output_hidden_states=True).hidden_states[2]
        assert torch.equal(tail(inputs_embeds=h).logits, whole)


@pytest.mark.parametrize("last", [1, 3])
def test_decoding_with_a_shared_trunk_equals_running_both_whole(base, tok, last):
    rm = reward_like(base, last, seed=last)
    assert Runners.plan([base, rm]).starts == [0, 4 - last]
    router = Router(base.config.hidden_size, rm.config.hidden_size)
    with torch.no_grad():
        router.mlp[2].bias.fill_(1.0)  # α well away from 0: the RM's logits and hidden state matter
    for combiner in (GenARMCombiner(2.0), TaroCombiner(router)):
        fast = generate([base, rm], tok, PROMPTS, combiner, max_new_tokens=10, batch_size=2)
        slow = generate([base, rm], tok, PROMPTS, combiner, max_new_tokens=10, batch_size=2, share_trunk=False)
        assert fast.tokens == slow.tokens and fast.alphas == slow.alphas
    alone = generate([base], tok, PROMPTS, max_new_tokens=10, batch_size=2)
    assert fast.tokens != alone.tokens  # the RM changed the decoding, so the equality above says something
    lp_fast, _, _ = next_token_logprobs([base, rm], tok, PROMPTS, GenARMCombiner(2.0))
    lp_slow, _, _ = next_token_logprobs([base, rm], tok, PROMPTS, GenARMCombiner(2.0), share_trunk=False)
    assert torch.allclose(lp_fast, lp_slow, atol=1e-5)
