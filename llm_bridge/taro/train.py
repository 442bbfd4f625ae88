"""TARo router training (base and RM frozen) and the ``taro`` run function.

Training minimises the NLL of correct traces (prompt → solution) under the mixed distribution
``softmax(log π_base + α_t log π_RM)``. Both frozen models run once over the traces; per target token we keep
their last hidden states and their log-probs on a candidate set (the union of each model's top-k tokens and the
target), whose log-sum-exp stands in for the full-vocabulary normaliser; the router then trains on those
features alone (fast, and the same code for a 135M base as for the tiny one).
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from torch.nn import functional as F

from graphlab.errors import TrainingError
from graphlab.experiment import SeedContext, SeedResult
from graphlab.registry import register_method
from llm_bridge.decode.stack import (
    artifact_folder,
    build_artifact,
    evaluate,
    load_backbone,
    load_reward,
    result_extra,
    reward_examples,
    task_data,
    write_predictions,
)
from llm_bridge.lm.combiners import TaroCombiner
from llm_bridge.lm.tiny import encode_pairs, target_logits
from llm_bridge.taro.config import TaroConfig
from llm_bridge.taro.model import Router, mixed_nll
from llm_bridge.tasks import math_prompt, solution_text


@torch.no_grad()
def router_features(base: Any, rm: Any, tok: Any, prefixes: Sequence[str], targets: Sequence[str], topk: int = 64,
                    batch_size: int = 8, progress: Callable[..., Any] | None = None) -> dict[str, torch.Tensor]:
    """Per target token: ``h_base`` (N, d_b), ``h_rm`` (N, d_r), candidate log-probs ``lb``, ``lr`` (N, C),
    ``valid`` (N, C) and the target's index ``gold`` (N,)."""
    out: dict[str, list[torch.Tensor]] = {k: [] for k in ("h_base", "h_rm", "lb", "lr", "valid", "gold")}
    batches = range(0, len(prefixes), batch_size)
    for b in progress(batches, desc="router features") if progress else batches:
        ids, mask, target = encode_pairs(tok, prefixes[b:b + batch_size], targets[b:b + batch_size])
        ids, mask, target = (t.to(base.device) for t in (ids, mask, target))
        zb, labels, hb = target_logits(base, ids, mask, target, hidden=True)
        zr, _, hr = target_logits(rm, ids, mask, target, hidden=True)
        lb, lr = F.log_softmax(zb, -1), F.log_softmax(zr, -1)
        cand = torch.cat([lb.topk(topk, -1).indices, lr.topk(topk, -1).indices, labels[:, None]], dim=-1)
        cand, _ = cand.sort(dim=-1)
        valid = torch.ones_like(cand, dtype=torch.bool)
        valid[:, 1:] = cand[:, 1:] != cand[:, :-1]  # each token once
        gold = ((cand == labels[:, None]) & valid).float().argmax(-1)
        for k, v in (("h_base", hb), ("h_rm", hr), ("lb", lb.gather(-1, cand)), ("lr", lr.gather(-1, cand)),
                     ("valid", valid), ("gold", gold)):
            out[k].append(v.float().cpu() if v.is_floating_point() else v.cpu())
    return {k: torch.cat(v) for k, v in out.items()}


def train_router(router: Router, feats: dict[str, torch.Tensor], steps: int = 600, batch_size: int = 256,
                 lr: float = 3e-3, seed: int = 0, progress: Callable[..., Any] | None = None) -> list[float]:
    """Adam on the mixed-distribution NLL over random batches of token positions; returns the loss curve."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(router.parameters(), lr=lr)
    n, losses = feats["gold"].shape[0], []
    router.train()
    bar = progress(total=steps, desc="train router") if progress else None
    for step in range(steps):
        i = torch.randint(0, n, (min(batch_size, n),), generator=gen)
        alpha = router(feats["h_base"][i], feats["h_rm"][i])
        loss = mixed_nll(alpha, feats["lb"][i], feats["lr"][i], feats["valid"][i], feats["gold"][i])
        if not torch.isfinite(loss):
            raise TrainingError(f"router: loss is {loss.item()} at step {step}; lower router.lr")
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
    if bar is not None:
        bar.close()
    router.eval()
    return losses


@torch.no_grad()
def feature_nll(router: Router | float, feats: dict[str, torch.Tensor]) -> float:
    """Mean NLL of the features' targets under a router (or a fixed α)."""
    alpha = (router(feats["h_base"], feats["h_rm"]) if isinstance(router, Router)
             else torch.full((feats["gold"].shape[0], 1), float(router)))
    return float(mixed_nll(alpha, feats["lb"], feats["lr"], feats["valid"], feats["gold"]))


def load_router(cfg: TaroConfig, rm: Any, rm_spec: dict, tok: Any, device: Any,
                progress: Callable[..., Any] | None = None) -> tuple[Router, dict]:
    """The router trained with ``router.train_base`` (default: the base) and the RM; cached by its spec."""
    r = cfg.router
    train_path = r.train_base or cfg.model.path
    base, _, base_spec = load_backbone(train_path, cfg, device, progress)
    spec = {"router": {k: v for k, v in dataclasses.asdict(r).items() if k != "train_base"},
            "base": base_spec, "reward": Path(rm_spec["folder"]).name}

    def build(tmp: Path) -> None:
        shots, train, held = reward_examples(cfg.reward, cfg.dataset.root)
        fixed = shots[:cfg.reward.policy_shots]
        rng = random.Random(r.seed)
        traces = rng.sample(train, min(r.traces, len(train)))
        prefixes = [math_prompt(x, fixed) for x in traces]
        targets = [solution_text(x) + "\n\n" for x in traces]
        held = held[:max(16, r.traces // 8)]
        feats = router_features(base, rm, tok, prefixes, targets, r.topk, progress=progress)
        held_feats = router_features(base, rm, tok, [math_prompt(x, fixed) for x in held],
                                     [solution_text(x) + "\n\n" for x in held], r.topk)
        router = Router(feats["h_base"].shape[1], feats["h_rm"].shape[1], r.inputs, r.hidden, r.init_alpha)
        torch.manual_seed(r.seed)
        losses = train_router(router, feats, r.steps, r.batch_size, r.lr, r.seed, progress)
        torch.save({"state": router.state_dict(), "spec": router.spec()}, tmp / "router.pt")
        report = {"tokens": int(feats["gold"].shape[0]), "final_loss": sum(losses[-50:]) / min(50, len(losses)),
                  "heldout_nll": {"router": feature_nll(router, held_feats),
                                  **{f"alpha={a}": feature_nll(a, held_feats) for a in (0.0, 0.5, 1.0, 2.0)}}}
        (tmp / "spec.json").write_text(json.dumps({**spec, **report}, indent=1, default=str))

    folder = build_artifact(artifact_folder("router", spec), build)
    saved = torch.load(folder / "router.pt", map_location="cpu", weights_only=False)
    s = saved["spec"]
    router = Router(s["base_dim"], s["rm_dim"], s["inputs"], s["hidden"])
    router.load_state_dict(saved["state"])
    return router.to(device).eval().requires_grad_(False), {**json.loads((folder / "spec.json").read_text()),
                                                            "folder": str(folder)}


@register_method("taro", config=TaroConfig)
def run_taro(cfg: TaroConfig, ctx: SeedContext) -> SeedResult:
    """TARo: test-time alignment with a reward model weighted per token by a learned router (arXiv 2603.18411)."""
    base, tok, base_spec = load_backbone(cfg.model.path, cfg, ctx.device, ctx.progress)
    rm, rm_spec = load_reward(cfg, base, base_spec, tok, ctx.device, ctx.progress)
    router, router_spec = load_router(cfg, rm, rm_spec, tok, ctx.device, ctx.progress)
    if "base" in router.inputs and router.base_dim != base.config.hidden_size:
        from graphlab.errors import ConfigError

        raise ConfigError(f"router reads the base hidden state ({router.base_dim}-d) but model.path={cfg.model.path} "
                          f"has {base.config.hidden_size}; for a transfer use router.inputs=rm")
    data = task_data(cfg, ctx.index)
    combiner = TaroCombiner(router)
    valid = evaluate([base, rm], tok, data, data.valid, combiner, cfg, ctx.seed, ctx.progress)
    test = evaluate([base, rm], tok, data, data.test, combiner, cfg, ctx.seed, ctx.progress)
    write_predictions(ctx.run_dir, ctx.seed, data.test, test)
    extra = result_extra(test, cfg, len(data.valid))
    if test.alpha_mean is not None:
        extra["alpha_mean"] = test.alpha_mean
    info = {"ci95": extra["ci95"], "model": base_spec.get("path"), "router_inputs": router.inputs,
            "router_trained_with": cfg.router.train_base or cfg.model.path,
            "router_heldout_nll": router_spec.get("heldout_nll"), "reward_pref_acc": rm_spec.get("pref_acc"),
            "router_folder": router_spec["folder"], "reward_folder": rm_spec["folder"]}
    return SeedResult(metric="acc", valid=valid.acc, test=test.acc, extra=extra, info=info)
