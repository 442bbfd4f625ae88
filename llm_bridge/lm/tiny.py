"""A tiny LLaMA on the SmolLM2 tokenizer, trainable from scratch on CPU in minutes.

Used for fast tests, as the small backbone of the small-to-large router transfer, and as the headline base
of arith-traces (trained briefly, so that it still errs on deeper problems). Same tokenizer and vocabulary
size as SmolLM2, so its logits combine token for token with SmolLM2's.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch.nn import functional as F

from graphlab.errors import TrainingError


def tiny_llama(vocab_size: int, hidden: int = 96, layers: int = 3, heads: int = 4, intermediate: int | None = None,
               max_positions: int = 1024, bos_token_id: int | None = None, eos_token_id: int | None = None,
               pad_token_id: int | None = None, seed: int = 0) -> Any:
    """A randomly initialised ``LlamaForCausalLM`` (tied embeddings); ``vocab_size`` must match the tokenizer's."""
    from transformers import LlamaConfig, LlamaForCausalLM

    if hidden % heads:
        raise ValueError(f"hidden ({hidden}) must be divisible by heads ({heads})")
    config = LlamaConfig(vocab_size=vocab_size, hidden_size=hidden, intermediate_size=intermediate or 2 * hidden,
                         num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=heads,
                         max_position_embeddings=max_positions, tie_word_embeddings=True,
                         bos_token_id=bos_token_id, eos_token_id=eos_token_id, pad_token_id=pad_token_id,
                         attn_implementation="sdpa")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = LlamaForCausalLM(config)
    return model.eval()


def encode_pairs(tokenizer: Any, prefixes: Sequence[str], targets: Sequence[str]) -> tuple[torch.Tensor, ...]:
    """Right-padded ids of ``prefix + target`` (tokenised separately and concatenated, as decoding sees them),
    the attention mask and a mask of the target tokens. Shapes: (B, T) each."""
    rows, marks = [], []
    for prefix, target in zip(prefixes, targets, strict=True):
        p = tokenizer(prefix, add_special_tokens=False).input_ids
        t = tokenizer(target, add_special_tokens=False).input_ids
        rows.append(p + t)
        marks.append([0] * len(p) + [1] * len(t))
    width = max(map(len, rows))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    target = torch.tensor([m + [0] * (width - len(m)) for m in marks])
    return ids, mask, target


def target_logits(model: Any, ids: torch.Tensor, mask: torch.Tensor, target: torch.Tensor,
                  hidden: bool = False) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Logits predicting each target token (N, V), those tokens (N,), and optionally the last hidden state at
    the predicting positions (N, d). Only the predicting positions go through the LM head (cheap on CPU)."""
    lm = model.get_base_model() if hasattr(model, "get_base_model") else model  # a PEFT model: its LoRA'd LM
    out = lm.model(input_ids=ids, attention_mask=mask)
    h = out.last_hidden_state[:, :-1]  # (B, T-1, d) predicts ids[:, 1:]
    sel = target[:, 1:].bool()
    hs = h[sel]
    return lm.lm_head(hs).float(), ids[:, 1:][sel], hs if hidden else None


def train_lm(model: Any, tokenizer: Any, prefixes: Sequence[str], targets: Sequence[str], steps: int = 300,
             batch_size: int = 16, lr: float = 3e-3, seed: int = 0,
             progress: Callable[..., Any] | None = None) -> list[float]:
    """Teacher-forced next-token training on the ``targets`` given their ``prefixes`` (cosine lr, AdamW);
    returns the loss curve. A NaN loss is a TrainingError."""
    rng = random.Random(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / 20) * 0.5 * (1 + math.cos(math.pi * s / steps)))
    model.train()
    losses, order = [], list(range(len(prefixes)))
    bar = progress(total=steps, desc="train lm") if progress else None
    for step in range(steps):
        batch = rng.sample(order, min(batch_size, len(order)))
        ids, mask, target = encode_pairs(tokenizer, [prefixes[i] for i in batch], [targets[i] for i in batch])
        logits, labels, _ = target_logits(model, ids, mask, target)
        loss = F.cross_entropy(logits, labels)
        if not torch.isfinite(loss):
            raise TrainingError(f"language-model training: loss is {loss.item()} at step {step}; lower the lr")
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
    if bar is not None:
        bar.close()
    model.eval()
    return losses
