"""What every LLM decoding method builds: the base LM, the reward model (both cached by their training
config), the task's prompts and examples, and the evaluation of a combiner with bootstrap CIs.

Trained artifacts (the tiny base, RM adapters, routers) live under ``$GRAPHLAB_LM_CACHE`` (default
``~/.cache/graphlab/llm_bridge``) in a folder named by the sha256 of their training spec, so a run with another
evaluation seed or ``eval.limit`` reuses them; a changed training setting trains anew.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from graphlab.data import arith_traces, depth_covering, load_dataset
from graphlab.errors import ConfigError
from graphlab.io import atomic_write_text
from llm_bridge.lm.combiners import BaseCombiner, Combiner
from llm_bridge.lm.decoding import generate, next_token_logprobs
from llm_bridge.lm.loading import SMOLLM2, load_lm, load_tokenizer
from llm_bridge.lm.reward import (
    load_merged,
    policy_pairs,
    preference_accuracy,
    save_adapter,
    sequence_logprobs,
    step_pairs,
    train_reward,
    with_lora,
)
from llm_bridge.lm.tiny import tiny_llama, train_lm
from llm_bridge.tasks import (
    STOP,
    bootstrap_ci,
    choice_prompt,
    math_correct,
    math_prompt,
    option_token_ids,
    solution_text,
)

SHOT_POOL = 8  # solved examples the prompts' exemplars are chosen from (arith-traces: to cover the depths)
CODE_VERSION = 1  # bump when training code changes what a cached artifact holds


def artifacts_dir() -> Path:
    env = os.environ.get("GRAPHLAB_LM_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "graphlab" / "llm_bridge"


def artifact_folder(kind: str, spec: dict[str, Any]) -> Path:
    blob = json.dumps({"kind": kind, "v": CODE_VERSION, **spec}, sort_keys=True, default=str)
    return artifacts_dir() / f"{kind}-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"


def build_artifact(folder: Path, build: Callable[[Path], None]) -> Path:
    """``build(tmp)`` into a temporary folder renamed to ``folder`` (atomic); skipped when it exists."""
    if (folder / "spec.json").is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        build(tmp)
        if not folder.exists():
            tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


# ---------------------------------------------------------------- models

def load_tiny(tiny: Any, device: Any = "cpu", progress: Any = None) -> tuple[Any, Any, dict]:
    """The in-project tiny LLaMA trained on arith-traces solutions in the few-shot format (cached)."""
    from transformers import AutoModelForCausalLM

    tok = load_tokenizer(SMOLLM2)
    spec, shots = {"tiny": dataclasses.asdict(tiny), "tokenizer": SMOLLM2}, tiny.shots

    def build(tmp: Path) -> None:
        model = tiny_llama(len(tok), hidden=tiny.hidden, layers=tiny.layers, heads=tiny.heads,
                           bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                           pad_token_id=tok.pad_token_id, seed=tiny.seed)
        rows = arith_traces(**{**tiny.data, "train": tiny.examples, "valid": 0, "test": 0, "seed": tiny.seed})
        rows = rows.split("train")
        rng = random.Random(tiny.seed)
        prefixes = [math_prompt(x, rng.sample(rows, shots) if shots else ()) for x in rows]
        targets = [solution_text(x) + "\n\n" for x in rows]
        losses = train_lm(model, tok, prefixes, targets, steps=tiny.steps, batch_size=tiny.batch_size,
                          lr=tiny.lr, seed=tiny.seed, progress=progress)
        model.save_pretrained(tmp)
        (tmp / "spec.json").write_text(json.dumps({**spec, "final_loss": sum(losses[-20:]) / 20}, indent=1))

    folder = build_artifact(artifact_folder("tiny", spec), build)
    model = AutoModelForCausalLM.from_pretrained(folder).to(device).eval().requires_grad_(False)
    return model, tok, {"path": "tiny", **spec}


def load_backbone(path: str, cfg: Any, device: Any, progress: Any = None) -> tuple[Any, Any, dict]:
    """(model, tokenizer, spec) for ``tiny``, ``smollm2`` or a local HF folder."""
    if path == "tiny":
        return load_tiny(cfg.model.tiny, device, progress)
    model, tok = load_lm(path, device=device, dtype=cfg.model.dtype)
    return model, tok, {"path": str(path)}


def reward_examples(reward: Any, root: Any) -> tuple[list[dict], list[dict], list[dict]]:
    """(shots pool, training, held-out) examples for the RM's preference pairs."""
    if reward.data == "arith-traces":
        held = min(64, max(16, reward.pairs // 4))
        ds = arith_traces(**{**reward.data_params, "train": reward.pairs + SHOT_POOL, "valid": held, "test": 0,
                             "seed": 1000 + reward.seed})
        train = ds.split("train")
        pool = train[:SHOT_POOL]
        if reward.shot_order == "depth_covering":
            pool = depth_covering(pool, SHOT_POOL)
        return pool, train[SHOT_POOL:], ds.split("valid")
    train = load_dataset("gsm8k", root=root).split("train")
    return train[:SHOT_POOL], train[SHOT_POOL:SHOT_POOL + reward.pairs], train[-264:-200]


def reward_spec(reward: Any) -> dict[str, Any]:
    """The RM's training settings that name its cache folder (not the backbone, given apart); ``shot_order`` is
    left out at its default, so RMs cached before the setting existed keep their folder."""
    spec = {k: v for k, v in dataclasses.asdict(reward).items() if k != "backbone"}
    if spec["shot_order"] == "pool":
        del spec["shot_order"]
    return spec


def load_reward(cfg: Any, base: Any, base_spec: dict, tok: Any, device: Any,
                progress: Any = None) -> tuple[Any, dict]:
    """The merged RM (a plain causal LM) and its spec (with held-out preference accuracy); trained once."""
    r = cfg.reward
    backbone_path = cfg.model.path if r.backbone == "base" else r.backbone
    backbone, _, backbone_spec = ((base, tok, base_spec) if backbone_path == cfg.model.path
                                  else load_backbone(backbone_path, cfg, device, progress))
    spec = {"reward": reward_spec(r), "backbone": backbone_spec}

    def build(tmp: Path) -> None:
        shots, train, held = reward_examples(r, cfg.dataset.root)
        fixed = shots[:r.shots]
        pairs = step_pairs(train, lambda x: math_prompt(x, fixed), seed=r.seed)
        test_pairs = step_pairs(held, lambda x: math_prompt(x, fixed), seed=r.seed + 1)
        mined: dict[str, Any] = {}
        if r.on_policy:
            asked = train[-r.on_policy:]
            prompts = [math_prompt(x, shots[:r.policy_shots]) for x in asked]
            g = generate([backbone], tok, prompts, BaseCombiner(), max_new_tokens=cfg.eval.max_new_tokens,
                         stop=STOP, batch_size=cfg.eval.batch_size, progress=progress)
            own = policy_pairs(asked, prompts, g.texts, lambda x: solution_text(x).split("\n"))
            mined = {"on_policy_questions": len(asked), "on_policy_pairs": len(own),
                     "on_policy_acc": sum(math_correct(t, x["answer"]) for t, x in zip(g.texts, asked, strict=True)) / len(asked)}
            pairs = own + pairs[:max(len(own), 1)]  # half the base's own first wrong lines, half corrupted steps
        model = with_lora(backbone, r.lora_r, r.lora_alpha, r.lora_layers, seed=r.seed)
        before = preference_accuracy(model, tok, test_pairs)
        losses = train_reward(model, tok, pairs, steps=r.steps, batch_size=r.batch_size, lr=r.lr, beta=r.beta,
                              seed=r.seed, progress=progress)
        after = preference_accuracy(model, tok, test_pairs)
        save_adapter(model, tmp)
        (tmp / "spec.json").write_text(json.dumps({**spec, **mined, "train_pairs": len(pairs),
                                                   "heldout_pairs": len(test_pairs),
                                                   "pref_acc_before": before, "pref_acc": after,
                                                   "final_loss": sum(losses[-20:]) / min(20, len(losses))},
                                                  indent=1, default=str))

    folder = build_artifact(artifact_folder("reward", spec), build)
    rm = load_merged(backbone, folder).to(device)
    return rm, {**json.loads((folder / "spec.json").read_text()), "folder": str(folder)}


# ---------------------------------------------------------------- tasks

@dataclass
class TaskData:
    """The evaluation task: its kind (math | choice), validation and test examples, and the prompt function."""

    kind: str
    valid: list[dict[str, Any]]
    test: list[dict[str, Any]]
    shots: list[dict[str, Any]] = field(default_factory=list)

    def prompt(self, x: dict[str, Any]) -> str:
        return math_prompt(x, self.shots) if self.kind == "math" else choice_prompt(x, self.shots)


def task_data(cfg: Any, index: int = 0) -> TaskData:
    """Examples of ``cfg.dataset.name``: first ``eval.limit`` test examples, ``eval.valid_limit`` validation
    ones (held out of test when the task has no validation split), ``eval.shots`` solved exemplars."""
    d, e = cfg.dataset, cfg.eval
    n = e.limit or None
    if d.name == "arith-traces":
        ds = arith_traces(**{**d.params, "train": max(e.shots, SHOT_POOL), "valid": e.valid_limit,
                             "test": e.limit or 500, "seed": d.seed + index})
        return TaskData("math", ds.split("valid"), ds.split("test"), depth_covering(ds.split("train"), e.shots))
    if d.params:
        raise ConfigError(f"dataset.params is for arith-traces only (got {dict(d.params)} for {d.name})")
    ds = load_dataset(d.name, root=d.root)
    if d.name == "gsm8k":
        train = ds.split("train")
        return TaskData("math", train[-e.valid_limit:], ds.split(d.split)[:n], train[:e.shots])
    if d.name == "mmlu-medical":
        return TaskData("choice", ds.split("val")[:e.valid_limit], ds.split(d.split)[:n], ds.split("dev")[:e.shots])
    rows = ds.split("test")  # medqa, medxpertqa: one split; validation and shots held out at its end
    cut = len(rows) - e.valid_limit - e.shots
    return TaskData("choice", rows[cut + e.shots:], rows[:cut][:n], rows[cut:cut + e.shots])


# ---------------------------------------------------------------- evaluation

@dataclass
class EvalResult:
    correct: list[float]
    tokens_per_s: float
    outputs: list[str]
    alpha_mean: float | None = None  # TARo: mean α_t over generated tokens

    @property
    def acc(self) -> float:
        return sum(self.correct) / len(self.correct) if self.correct else float("nan")


def evaluate(models: Sequence[Any], tok: Any, data: TaskData, examples: Sequence[dict], combiner: Combiner,
             cfg: Any, seed: int = 0, progress: Any = None) -> EvalResult:
    """Accuracy of ``combiner`` over ``examples``: exact match of generated answers (math) or the most
    likely option letter under the combined next-token distribution (choice)."""
    prompts = [data.prompt(x) for x in examples]
    e = cfg.eval
    if data.kind == "math":
        g = generate(models, tok, prompts, combiner, max_new_tokens=e.max_new_tokens, stop=STOP,
                     temperature=e.temperature, top_p=e.top_p, seed=seed, batch_size=e.batch_size, progress=progress)
        alphas = [a for row in g.alphas for a in row]
        return EvalResult([float(math_correct(t, x["answer"])) for t, x in zip(g.texts, examples, strict=True)],
                          g.tokens_per_s, g.texts, sum(alphas) / len(alphas) if alphas else None)
    logp, secs, n_tokens = next_token_logprobs(models, tok, prompts, combiner, batch_size=e.batch_size)
    correct, outputs = [], []
    for row, x in zip(logp, examples, strict=True):
        letters = list(x["options"])
        pick = letters[int(row[option_token_ids(tok, letters)].argmax())]
        outputs.append(pick)
        correct.append(float(pick == x["answer"]))
    return EvalResult(correct, n_tokens / secs if secs > 0 else 0.0, outputs)


def best_of_n(base: Any, rm: Any, tok: Any, data: TaskData, examples: Sequence[dict], cfg: Any, n: int,
              temperature: float, seed: int = 0, progress: Any = None) -> EvalResult:
    """Sequence-level baseline: n samples from the base, the one with the highest RM log-likelihood kept."""
    if data.kind != "math":
        raise ConfigError("combiner=best_of_n needs a generation task (arith-traces, gsm8k)")
    prompts = [data.prompt(x) for x in examples for _ in range(n)]
    start = time.perf_counter()
    g = generate([base], tok, prompts, BaseCombiner(), max_new_tokens=cfg.eval.max_new_tokens, stop=STOP,
                 temperature=temperature, top_p=cfg.eval.top_p, seed=seed, batch_size=cfg.eval.batch_size,
                 progress=progress)
    scores = []
    with torch.no_grad():
        for b in range(0, len(prompts), cfg.eval.batch_size):
            scores.append(sequence_logprobs(rm, tok, prompts[b:b + cfg.eval.batch_size],
                                            [t + "\n\n" for t in g.texts[b:b + cfg.eval.batch_size]]).cpu())
    best = torch.cat(scores).view(len(examples), n).argmax(-1).tolist()
    texts = [g.texts[i * n + k] for i, k in enumerate(best)]
    secs = time.perf_counter() - start
    return EvalResult([float(math_correct(t, x["answer"])) for t, x in zip(texts, examples, strict=True)],
                      g.generated / secs, texts)


def write_predictions(run_dir: Path | None, seed: int, examples: Sequence[dict], res: EvalResult) -> None:
    """``run_dir/predictions/seed<N>.jsonl``: per test example its id, reference answer, the output (generated
    text or picked option) and whether it was right — for reading the generations and for paired comparisons
    of methods on the same examples. Nothing without a run folder."""
    if run_dir is None:
        return
    rows = [json.dumps({"id": x.get("id", i), "answer": x.get("answer"), "output": out, "correct": bool(c)})
            for i, (x, out, c) in enumerate(zip(examples, res.outputs, res.correct, strict=True))]
    atomic_write_text(Path(run_dir) / "predictions" / f"seed{seed}.jsonl", "".join(r + "\n" for r in rows))


def result_extra(res: EvalResult, cfg: Any, n_valid: int) -> dict[str, Any]:
    """The summary extras every LLM method reports."""
    return {"ci95": bootstrap_ci(res.correct, cfg.eval.bootstrap), "tokens_per_s": res.tokens_per_s,
            "n_test": len(res.correct), "n_valid": n_valid}
