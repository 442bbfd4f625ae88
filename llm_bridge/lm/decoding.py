"""Our own batched decoding loop over one or more causal LMs sharing a tokenizer.

Left padding with explicit position ids, one KV cache per model, and at each step the next-token
distribution from a :class:`~llm_bridge.lm.combiners.Combiner` over every model's logits (and hidden states).
Greedy (``temperature=0``), temperature and top-p sampling; stops on EOS or any stop string (the text is cut
before it). Throughput is measured: ``Generation.tokens_per_s`` = generated tokens / wall time (prefill
included). A second model that shares its first k decoder layers with the base (a reward model with LoRA on
its last layers) runs only its tail from the base's hidden state at layer k (:mod:`llm_bridge.lm.trunk`);
``share_trunk=False`` runs every model whole (the same tokens, slower).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from llm_bridge.lm.combiners import BaseCombiner, Combiner, StepInputs
from llm_bridge.lm.trunk import shared_layers, tail_model


@dataclass
class Generation:
    """Texts (stop strings cut), generated token ids per row, and timing."""

    texts: list[str]
    tokens: list[list[int]]
    seconds: float
    alphas: list[list[float]] = field(default_factory=list)  # per row, per generated token (TARo)

    @property
    def generated(self) -> int:
        return sum(map(len, self.tokens))

    @property
    def tokens_per_s(self) -> float:
        return self.generated / self.seconds if self.seconds > 0 else 0.0


def sample_next(logp: torch.Tensor, temperature: float = 0.0, top_p: float = 1.0,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """Next token per row from log-probs (B, V): argmax when ``temperature == 0``, else sampling from
    ``softmax(logp / temperature)`` restricted to the smallest set with mass ≥ ``top_p``."""
    if temperature <= 0:
        return logp.argmax(-1)
    probs = torch.softmax(logp / temperature, dim=-1)
    if top_p < 1.0:
        sorted_p, order = probs.sort(dim=-1, descending=True)
        keep = sorted_p.cumsum(-1) - sorted_p < top_p  # always keeps the most likely token
        sorted_p = sorted_p * keep
        probs = torch.zeros_like(probs).scatter_(-1, order, sorted_p)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


def _first_stop(text: str, stops: Sequence[str]) -> int:
    cuts = [i for i in (text.find(s) for s in stops) if i >= 0]
    return min(cuts) if cuts else -1


def check_models(models: Sequence[Any], combiner: Combiner) -> None:
    if len(models) != combiner.models:
        raise ValueError(f"{type(combiner).__name__} combines {combiner.models} model(s), got {len(models)}")
    sizes = {m.get_output_embeddings().weight.shape[0] for m in models}
    if len(sizes) > 1:
        raise ValueError(f"models must share one vocabulary to be combined; output sizes {sorted(sizes)}")


@dataclass
class Runners:
    """How each model is run per step: whole (``start`` 0) or as the tail of the base from layer ``start``."""

    models: list[Any]
    starts: list[int]

    @classmethod
    def plan(cls, models: Sequence[Any], share_trunk: bool = True) -> Runners:
        starts = [0] + [shared_layers(models[0], m) if share_trunk else 0 for m in models[1:]]
        return cls([tail_model(m, k) if k else m for m, k in zip(models, starts, strict=True)], starts)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, pos: torch.Tensor, pasts: list[Any] | None,
                needs_hidden: bool) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """One step of every model: last-position logits and (if ``needs_hidden``) last hidden states (float).
        With ``pasts`` (one KV cache per model, None before the first step) the caches are used and updated in
        place; without, nothing is cached."""
        logits, hidden, base_states = [], [], None
        for i, (model, start) in enumerate(zip(self.models, self.starts, strict=True)):
            inputs = {"inputs_embeds": base_states[start]} if start else {"input_ids": ids}
            o = model(**inputs, attention_mask=mask, position_ids=pos,
                      past_key_values=pasts[i] if pasts is not None else None, use_cache=pasts is not None,
                      output_hidden_states=needs_hidden or (i == 0 and any(self.starts)), logits_to_keep=1)
            if i == 0:
                base_states = o.hidden_states
            if pasts is not None:
                pasts[i] = o.past_key_values
            logits.append(o.logits[:, -1])
            if needs_hidden:
                hidden.append(o.hidden_states[-1][:, -1].float())
        return logits, hidden


@torch.no_grad()
def generate(models: Sequence[Any], tokenizer: Any, prompts: Sequence[str], combiner: Combiner | None = None,
             max_new_tokens: int = 64, stop: Sequence[str] = (), temperature: float = 0.0, top_p: float = 1.0,
             seed: int = 0, batch_size: int = 16, progress: Any = None, share_trunk: bool = True) -> Generation:
    """Decode every prompt (batches of ``batch_size``); returns texts in prompt order."""
    combiner = combiner or BaseCombiner()
    check_models(models, combiner)
    runners = Runners.plan(models, share_trunk)
    device = next(models[0].parameters()).device
    gen = torch.Generator(device=device).manual_seed(seed) if temperature > 0 else None
    texts, tokens, alphas = [], [], []
    start = time.perf_counter()
    batches = range(0, len(prompts), batch_size)
    for b in progress(batches, desc="decode") if progress else batches:
        out = _generate_batch(runners, tokenizer, list(prompts[b:b + batch_size]), combiner, max_new_tokens,
                              list(stop), temperature, top_p, gen, device)
        texts += out[0]
        tokens += out[1]
        alphas += out[2]
    return Generation(texts, tokens, time.perf_counter() - start, alphas)


def _generate_batch(runners: Runners, tokenizer: Any, prompts: list[str], combiner: Combiner,
                    max_new_tokens: int, stop: list[str], temperature: float, top_p: float,
                    gen: torch.Generator | None, device: torch.device) -> tuple[list, list, list]:
    tokenizer.padding_side = "left"
    enc = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(device)
    ids, mask = enc.input_ids, enc.attention_mask  # (B, T)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    bsz = ids.shape[0]
    pasts: list[Any] = [None] * len(runners.models)
    eos = tokenizer.eos_token_id
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
    done = torch.zeros(bsz, dtype=torch.bool, device=device)
    rows: list[list[int]] = [[] for _ in range(bsz)]
    row_alpha: list[list[float]] = [[] for _ in range(bsz)]
    texts = [""] * bsz
    combiner.trace = [] if hasattr(combiner, "router") else None
    cur_ids, cur_pos = ids, pos
    for _ in range(max_new_tokens):
        logits, hidden = runners.forward(cur_ids, mask, cur_pos, pasts, combiner.needs_hidden)
        logp = combiner(StepInputs(logits, hidden))
        nxt = sample_next(logp, temperature, top_p, gen)
        nxt = torch.where(done, torch.full_like(nxt, pad), nxt)
        step_alpha = combiner.trace[-1] if combiner.trace else None
        for r in torch.nonzero(~done).flatten().tolist():
            t = int(nxt[r])
            if eos is not None and t == eos:
                done[r] = True
                continue
            rows[r].append(t)
            if step_alpha is not None:
                row_alpha[r].append(float(step_alpha[r]))
            if stop:
                text = tokenizer.decode(rows[r], skip_special_tokens=True)
                cut = _first_stop(text, stop)
                if cut >= 0:
                    texts[r] = text[:cut]
                    done[r] = True
        if bool(done.all()):
            break
        cur_ids = nxt[:, None]
        cur_pos = cur_pos[:, -1:] + 1
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
    for r in range(bsz):
        if not texts[r]:
            full = tokenizer.decode(rows[r], skip_special_tokens=True)
            cut = _first_stop(full, stop) if stop else -1
            texts[r] = full[:cut] if cut >= 0 else full
    combiner.trace = None
    return texts, rows, row_alpha


@torch.no_grad()
def next_token_logprobs(models: Sequence[Any], tokenizer: Any, prompts: Sequence[str], combiner: Combiner,
                        batch_size: int = 8, share_trunk: bool = True) -> tuple[torch.Tensor, float, int]:
    """The combined next-token log-probs after each prompt (N, V) — one decoding step, used to score
    multiple-choice answers — with the wall time and the number of prompt tokens processed."""
    check_models(models, combiner)
    runners = Runners.plan(models, share_trunk)
    device = next(models[0].parameters()).device
    tokenizer.padding_side = "left"
    out, n_tokens, start = [], 0, time.perf_counter()
    for b in range(0, len(prompts), batch_size):
        enc = tokenizer(list(prompts[b:b + batch_size]), return_tensors="pt", padding=True,
                        add_special_tokens=False).to(device)
        pos = (enc.attention_mask.cumsum(-1) - 1).clamp(min=0)
        n_tokens += int(enc.attention_mask.sum())
        logits, hidden = runners.forward(enc.input_ids, enc.attention_mask, pos, None, combiner.needs_hidden)
        out.append(combiner(StepInputs(logits, hidden)).cpu())
    return torch.cat(out), time.perf_counter() - start, n_tokens
