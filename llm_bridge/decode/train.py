"""The ``lm_decode`` run function: one seed of base / GenARM / ARGS / best-of-N decoding on an LLM task."""

from __future__ import annotations

from typing import Any

from graphlab.experiment import SeedContext, SeedResult
from graphlab.registry import register_method
from llm_bridge.decode.config import DecodeConfig
from llm_bridge.decode.stack import (
    best_of_n,
    evaluate,
    load_backbone,
    load_reward,
    result_extra,
    task_data,
    write_predictions,
)
from llm_bridge.lm.combiners import ARGSCombiner, BaseCombiner, GenARMCombiner


def _info(res_extra: dict[str, Any], base_spec: dict, rm_spec: dict | None, **more: Any) -> dict[str, Any]:
    info = {"ci95": res_extra["ci95"], "model": base_spec.get("path"), **more}
    if rm_spec:
        info["reward_pref_acc"] = rm_spec.get("pref_acc")
        info["reward_folder"] = rm_spec.get("folder")
    return info


@register_method("lm_decode", config=DecodeConfig)
def run_lm_decode(cfg: DecodeConfig, ctx: SeedContext) -> SeedResult:
    """Decoding baselines on a frozen LM: base, GenARM (fixed α), ARGS (top-k re-rank), best-of-N with the RM."""
    base, tok, base_spec = load_backbone(cfg.model.path, cfg, ctx.device, ctx.progress)
    data = task_data(cfg, ctx.index)
    rm, rm_spec = (None, None) if cfg.combiner == "base" else load_reward(cfg, base, base_spec, tok, ctx.device,
                                                                         ctx.progress)
    more: dict[str, Any] = {"combiner": cfg.combiner}
    if cfg.combiner == "base":
        models, combiner = [base], BaseCombiner()
    elif cfg.combiner == "args":
        models, combiner = [base, rm], ARGSCombiner(cfg.args_k, cfg.args_weight)
    elif cfg.combiner == "genarm":
        models = [base, rm]
        if cfg.alpha >= 0:
            alpha = cfg.alpha
        else:  # sweep α on validation; the whole curve is reported
            curve = {}
            for a in cfg.alphas:
                curve[str(a)] = evaluate(models, tok, data, data.valid, GenARMCombiner(a), cfg, ctx.seed,
                                         ctx.progress).acc
            alpha = float(max(curve, key=lambda k: (curve[k], -float(k))))
            more["alpha_curve"] = curve
        combiner = GenARMCombiner(alpha)
        more["alpha"] = alpha
    if cfg.combiner == "best_of_n":
        valid = best_of_n(base, rm, tok, data, data.valid, cfg, cfg.best_of_n, cfg.best_of_n_temperature,
                          ctx.seed, ctx.progress)
        test = best_of_n(base, rm, tok, data, data.test, cfg, cfg.best_of_n, cfg.best_of_n_temperature,
                         ctx.seed, ctx.progress)
        more["n"] = cfg.best_of_n
    else:
        curve = more.get("alpha_curve")
        valid_acc = curve[str(more["alpha"])] if curve else None
        valid = None if valid_acc is not None else evaluate(models, tok, data, data.valid, combiner, cfg, ctx.seed,
                                                            ctx.progress)
        test = evaluate(models, tok, data, data.test, combiner, cfg, ctx.seed, ctx.progress)
    valid_acc = valid.acc if valid is not None else valid_acc
    write_predictions(ctx.run_dir, ctx.seed, data.test, test)
    extra = result_extra(test, cfg, len(data.valid))
    return SeedResult(metric="acc", valid=valid_acc, test=test.acc, extra=extra,
                      info=_info(extra, base_spec, rm_spec, **more))
