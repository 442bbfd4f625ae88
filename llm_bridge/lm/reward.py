"""Token-level autoregressive reward model (GenARM-style ARM) trained with LoRA (PEFT) on preference pairs.

The RM is a causal LM π_RM whose sequence log-likelihood is the reward, r(x, y) = β Σ_t log π_RM(y_t | x, y_<t),
so its per-token log-probs are token-level rewards usable at every decoding step. Trained on pairs that share
a prefix (question and the correct steps so far) and differ in the next step — the correct step y_w vs the
first wrong step y_l (:func:`graphlab.data.arith_traces.corrupt_trace`) — with
``loss = −log σ(β (Σ log π_RM(y_w) − Σ log π_RM(y_l)))``; the shared prefix cancels.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch.nn import functional as F

from graphlab.data.arith_traces import corrupt_trace
from graphlab.errors import TrainingError
from llm_bridge.lm.tiny import encode_pairs, target_logits


@dataclass
class Pair:
    """A preference pair: ``prefix`` then the preferred ``chosen`` or the dispreferred ``rejected`` text."""

    prefix: str
    chosen: str
    rejected: str


def step_pairs(examples: Sequence[dict[str, Any]], prompt: Callable[[dict[str, Any]], str],
               seed: int = 0) -> list[Pair]:
    """One pair per example: prompt + correct steps before k, then step k correct vs corrupted (k drawn)."""
    pairs = []
    for x in examples:
        try:
            bad = corrupt_trace(x, seed=seed)
        except Exception:  # an example with no number in any step cannot give a pair
            continue
        k = bad["wrong_step"]
        done = "".join(s + "\n" for s in x["steps"][:k])
        pairs.append(Pair(prompt(x) + done, x["steps"][k] + "\n", bad["steps"][k] + "\n"))
    return pairs


def first_wrong_line(reference: Sequence[str], generated: str) -> int | None:
    """Index of the first generated line that differs from the reference lines; None when all match or the
    generation stops early (no wrong line to learn from)."""
    lines = [ln.strip() for ln in generated.strip().split("\n")]
    for k, ref in enumerate(reference):
        if k >= len(lines):
            return None
        if lines[k] != ref.strip():
            return k if lines[k] else None
    return None


def policy_pairs(examples: Sequence[dict[str, Any]], prompts: Sequence[str], outputs: Sequence[str],
                 reference: Callable[[dict[str, Any]], list[str]]) -> list[Pair]:
    """On-policy pairs: where the base's own output first departs from the reference solution lines, the
    reference line is preferred to the base's line (the prefix holds the lines both agree on)."""
    pairs = []
    for x, prompt, out in zip(examples, prompts, outputs, strict=True):
        ref = reference(x)
        k = first_wrong_line(ref, out)
        if k is not None:
            wrong = out.strip().split("\n")[k].strip()
            pairs.append(Pair(prompt + "".join(line + "\n" for line in ref[:k]), ref[k] + "\n", wrong + "\n"))
    return pairs


def sequence_logprobs(model: Any, tokenizer: Any, prefixes: Sequence[str], targets: Sequence[str]) -> torch.Tensor:
    """Σ_t log π(target_t | prefix, target_<t) per row (B,)."""
    ids, mask, target = encode_pairs(tokenizer, prefixes, targets)
    ids, mask, target = (t.to(model.device) for t in (ids, mask, target))
    logits, labels, _ = target_logits(model, ids, mask, target)
    lp = F.log_softmax(logits, dim=-1).gather(-1, labels[:, None]).squeeze(-1)
    rows = torch.nonzero(target[:, 1:])[:, 0]
    return torch.zeros(ids.shape[0], device=lp.device).index_add_(0, rows, lp)


def with_lora(backbone: Any, r: int = 8, alpha: int = 16, last_layers: int = 0, seed: int = 0) -> Any:
    """A PEFT LoRA model on a deep copy of ``backbone`` (the backbone stays untouched and frozen): adapters on
    the attention and MLP projections, of every layer or of the last ``last_layers``."""
    from peft import LoraConfig, get_peft_model

    n = backbone.config.num_hidden_layers
    layers = list(range(n - last_layers, n)) if 0 < last_layers < n else None
    cfg = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=0.0, layers_to_transform=layers,
                     target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return get_peft_model(copy.deepcopy(backbone).requires_grad_(False), cfg)


def train_reward(model: Any, tokenizer: Any, pairs: Sequence[Pair], steps: int = 300, batch_size: int = 16,
                 lr: float = 2e-3, beta: float = 1.0, seed: int = 0,
                 progress: Callable[..., Any] | None = None) -> list[float]:
    """ARM pairwise training of the LoRA parameters of ``model``; returns the loss curve."""
    rng = random.Random(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    model.train()
    losses = []
    bar = progress(total=steps, desc="train reward model") if progress else None
    for step in range(steps):
        batch = rng.sample(range(len(pairs)), min(batch_size, len(pairs)))
        pre = [pairs[i].prefix for i in batch]
        both = sequence_logprobs(model, tokenizer, pre + pre, [pairs[i].chosen for i in batch]
                                 + [pairs[i].rejected for i in batch])
        margin = both[:len(batch)] - both[len(batch):]
        loss = -F.logsigmoid(beta * margin).mean()
        if not torch.isfinite(loss):
            raise TrainingError(f"reward model: loss is {loss.item()} at step {step}; lower reward.lr")
        opt.zero_grad()
        loss.backward()
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


@torch.no_grad()
def preference_accuracy(model: Any, tokenizer: Any, pairs: Sequence[Pair], batch_size: int = 32) -> float:
    """Fraction of pairs where the RM scores the chosen continuation above the rejected one."""
    wins = 0
    for b in range(0, len(pairs), batch_size):
        chunk = pairs[b:b + batch_size]
        pre = [p.prefix for p in chunk]
        lp = sequence_logprobs(model, tokenizer, pre + pre, [p.chosen for p in chunk] + [p.rejected for p in chunk])
        wins += int((lp[:len(chunk)] > lp[len(chunk):]).sum())
    return wins / max(len(pairs), 1)


def save_adapter(model: Any, folder: Path) -> None:
    model.save_pretrained(folder)


def load_merged(backbone: Any, folder: Path) -> Any:
    """The backbone (copied) with the saved LoRA adapter merged in: a plain causal LM, frozen, eval mode."""
    from peft import PeftModel

    merged = PeftModel.from_pretrained(copy.deepcopy(backbone), folder).merge_and_unload()
    return merged.eval().requires_grad_(False)
