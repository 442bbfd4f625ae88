"""The batched decoding loop on tiny random LLaMAs: batched = unbatched token for token, α ≡ 0 TARo = base,
stop strings, sampling, and the vocabulary check."""

from __future__ import annotations

import pytest
import torch

from llm_bridge.lm.combiners import BaseCombiner, Combiner, GenARMCombiner, TaroCombiner
from llm_bridge.lm.decoding import generate, next_token_logprobs, sample_next
from llm_bridge.taro.model import Router

PROMPTS = ["Question: What is 3 + 4?\nSolution:\n", "Hi", "The quick brown fox jumps over the lazy dog and then",
           "12 + 7 = 19\n19 - 5 ="]


def test_batched_equals_unbatched_token_for_token(tiny_pair, tok):
    base, _ = tiny_pair
    batched = generate([base], tok, PROMPTS, max_new_tokens=12, batch_size=4)
    for i, p in enumerate(PROMPTS):
        alone = generate([base], tok, [p], max_new_tokens=12, batch_size=1)
        assert alone.tokens[0] == batched.tokens[i], p
    assert batched.tokens_per_s > 0 and batched.generated == sum(map(len, batched.tokens))


def test_two_model_batched_equals_unbatched(tiny_pair, tok):
    batched = generate(list(tiny_pair), tok, PROMPTS, GenARMCombiner(1.5), max_new_tokens=10, batch_size=4)
    for i, p in enumerate(PROMPTS):
        assert generate(list(tiny_pair), tok, [p], GenARMCombiner(1.5), max_new_tokens=10).tokens[0] == \
            batched.tokens[i]


def test_taro_with_zero_alpha_reproduces_base_decoding(tiny_pair, tok):
    base, rm = tiny_pair
    router = Router(base.config.hidden_size, rm.config.hidden_size)
    with torch.no_grad():
        router.mlp[2].bias.fill_(-1e4)  # softplus → exactly 0
    want = generate([base], tok, PROMPTS, max_new_tokens=12, batch_size=2)
    got = generate([base, rm], tok, PROMPTS, TaroCombiner(router), max_new_tokens=12, batch_size=2)
    assert got.tokens == want.tokens and got.texts == want.texts
    assert all(a == 0.0 for row in got.alphas for a in row) and got.alphas[0]


class Script(Combiner):
    """Emits a fixed token sequence (for stop-string tests)."""

    def __init__(self, ids, vocab):
        super().__init__()
        self.ids, self.vocab, self.t = ids, vocab, 0

    def forward(self, step):
        out = torch.full((step.logits[0].shape[0], self.vocab), float("-inf"))
        out[:, self.ids[min(self.t, len(self.ids) - 1)]] = 0.0
        self.t += 1
        return out


def test_stop_strings_cut_the_text(tiny_pair, tok):
    base, _ = tiny_pair
    ids = tok("Answer: 7\n\nQuestion: more", add_special_tokens=False).input_ids
    g = generate([base], tok, ["x"], Script(ids, len(tok)), max_new_tokens=30, stop=["\n\n"])
    assert g.texts == ["Answer: 7"]
    assert len(g.tokens[0]) < len(ids)


def test_eos_ends_a_row(tiny_pair, tok):
    base, _ = tiny_pair
    ids = tok("ok", add_special_tokens=False).input_ids + [tok.eos_token_id]
    g = generate([base], tok, ["x"], Script(ids, len(tok)), max_new_tokens=30)
    assert g.texts == ["ok"]


def test_sampling_respects_top_p():
    logp = torch.log(torch.tensor([[0.6, 0.3, 0.05, 0.05]]))
    draws = {int(sample_next(logp, 1.0, 0.8, torch.Generator().manual_seed(s))) for s in range(200)}
    assert draws == {0, 1}
    assert int(sample_next(logp)) == 0


def test_single_step_scores_match_generation_step(tiny_pair, tok):
    base, _ = tiny_pair
    logp, secs, n = next_token_logprobs([base], tok, PROMPTS, BaseCombiner(), batch_size=2)
    g = generate([base], tok, PROMPTS, max_new_tokens=1)
    assert logp.argmax(-1).tolist() == [t[0] for t in g.tokens]
    assert n > 0 and secs > 0


def test_models_must_match_the_combiner(tiny_pair, tok):
    with pytest.raises(ValueError, match="combines 2"):
        generate([tiny_pair[0]], tok, ["x"], GenARMCombiner(1.0))
