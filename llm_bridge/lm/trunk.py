"""Shared trunks: a second model whose first k decoder layers equal the base's runs only its own tail.

A reward model made by LoRA on the last n layers of the base (``reward.lora_layers``) computes, in its first
``L − n`` layers, exactly what the base computes. Decoding both, the RM can start from the base's hidden state
at layer k — ``h_k = base.hidden_states[k]`` (the input to layer k) — and run layers k … L−1, the final norm
and its LM head with a KV cache of its own: the same logits, at a fraction of the cost.

Supported: LLaMA-layout causal LMs (``model.model.layers``, ``embed_tokens``; LLaMA, Mistral, Qwen2, SmolLM2).
For any other model :func:`shared_layers` is 0 and decoding runs it whole.
"""

from __future__ import annotations

import copy
from typing import Any

import torch
from torch import nn


def _layers(model: Any) -> nn.ModuleList | None:
    inner = getattr(model, "model", None)
    layers = getattr(inner, "layers", None)
    return layers if isinstance(layers, nn.ModuleList) and hasattr(inner, "embed_tokens") else None


def _same(a: nn.Module, b: nn.Module) -> bool:
    if a is b:
        return True
    pa, pb = dict(a.named_parameters()), dict(b.named_parameters())
    return pa.keys() == pb.keys() and all(pa[k].shape == pb[k].shape and torch.equal(pa[k], pb[k]) for k in pa)


def shared_layers(base: Any, other: Any) -> int:
    """How many leading decoder layers (after identical token embeddings) ``other`` shares with ``base``:
    equal parameters, same architecture. 0 when nothing is shared or the layout is not supported; never all of
    them (a full copy of the base is decoded as a model of its own)."""
    lb, lo = _layers(base), _layers(other)
    if lb is None or lo is None or type(base) is not type(other) or len(lb) != len(lo):
        return 0
    if not _same(base.model.embed_tokens, other.model.embed_tokens):
        return 0
    k = 0
    while k < len(lb) - 1 and _same(lb[k], lo[k]):
        k += 1
    return k


def _with_children(module: nn.Module, **children: nn.Module) -> nn.Module:
    """A shallow copy of ``module`` (same parameters) with its own table of child modules and hooks."""
    clone = copy.copy(module)
    for key, value in module.__dict__.items():
        if key.endswith("hooks") or key.endswith("hooks_with_kwargs") or key.endswith("hooks_always_called"):
            setattr(clone, key, copy.copy(value))
    # transformers' output capture leaves ``forward`` bound to the original as an instance attribute
    if getattr(module.__dict__.get("forward"), "__self__", None) is module:
        del clone.__dict__["forward"]
    clone._modules = dict(module._modules)
    clone._modules.update(children)
    return clone


def tail_model(model: Any, start: int) -> Any:
    """A view of ``model`` that runs decoder layers ``start`` … L−1 on ``inputs_embeds`` = the hidden state at
    layer ``start``; parameters are shared with ``model`` (no copy), cache slots renumbered from 0."""
    tail = []
    for i, layer in enumerate(model.model.layers[start:]):
        attn = _with_children(layer.self_attn)
        attn.layer_idx = i
        tail.append(_with_children(layer, self_attn=attn))
    inner = _with_children(model.model, layers=nn.ModuleList(tail))
    return _with_children(model, model=inner)
