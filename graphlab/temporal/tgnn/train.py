"""The ``tgnn`` run function: one seed of temporal link prediction with a backbone and its standard sampler.

``summary.json``: metric ``mrr`` (valid/test at the epoch with the best validation MRR) and ``extra.ap`` (test
AP at that epoch), ``extra.valid_ap``, ``extra.epoch_time_s`` (mean wall time of a training epoch, evaluation
excluded), ``extra.cache_hit_rate`` / ``cache_bytes_moved`` (the edge-feature cache over the run; 0 when the
dataset has no edge features, as wikipedia and collegemsg here).

The test split is evaluated only when the validation MRR improves — exactly the epochs whose test score ``fit``
keeps — so a run reports the same numbers as evaluating test every epoch, at a fraction of the cost (test has
49 negatives per event).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import torch

from graphlab.data import TemporalDataset, load_dataset
from graphlab.errors import ConfigError
from graphlab.experiment import SeedContext, SeedResult
from graphlab.nn import count_parameters
from graphlab.registry import register_method
from graphlab.temporal.features import EdgeFeatures
from graphlab.temporal.finder import TemporalNeighborFinder
from graphlab.temporal.tcsr import TCSR
from graphlab.temporal.tgnn.config import TGNNConfig
from graphlab.temporal.tgnn.engine import LinkScores, LinkTrainer
from graphlab.temporal.tgnn.model import TemporalLinkModel, build_model
from graphlab.training import fit


@functools.lru_cache(maxsize=2)
def _cached_dataset(name: str, root: str | None, params: tuple[tuple[str, Any], ...]) -> Any:
    return load_dataset(name, root, **dict(params))


def temporal_dataset(cfg: TGNNConfig) -> TemporalDataset:
    """The config's event stream, loaded once per process (seeds share it)."""
    data = _cached_dataset(cfg.dataset.name, cfg.dataset.root, tuple(sorted(cfg.dataset.params.items())))
    if not isinstance(data, TemporalDataset):
        raise ConfigError(f"dataset '{cfg.dataset.name}' is not an event stream; method {cfg.method} needs a "
                          f"temporal dataset (wikipedia, ml100k-events, collegemsg, bitcoin-otc, temporal-sbm, …)")
    if data.boundaries[0] == 0 or any(data.span(s)[0] == data.span(s)[1] for s in ("valid", "test")):
        raise ConfigError(f"dataset '{cfg.dataset.name}' has an empty train, valid or test split "
                          f"(split sizes {data.stats()['split_sizes']})")
    return data


def model_for(cfg: TGNNConfig, data: TemporalDataset) -> TemporalLinkModel:
    m = cfg.model
    return build_model(m.backbone, data.num_nodes, data.edge_feat.shape[1], cfg.sampler.fanouts, dim=m.dim,
                       time_dim=m.time_dim, heads=m.heads, dropout=m.dropout, node_features=m.node_features,
                       node_dim=m.node_dim, token_expansion=m.token_expansion,
                       channel_expansion=m.channel_expansion)


def trainer_kwargs(cfg: TGNNConfig, ctx: SeedContext, data: TemporalDataset) -> dict[str, Any]:
    """The LinkTrainer arguments shared by tgnn and taser (all but model, optimizer and finder)."""
    tr = cfg.trainer
    edges = EdgeFeatures(data.edge_feat, data.boundaries[0], ctx.device, cfg.cache.ratio, cfg.cache.swap_overlap)
    return {"data": data, "edge_features": edges, "device": ctx.device, "seed": ctx.seed,
            "batch_size": tr.batch_size, "eval_roots": tr.eval_roots, "max_train_events": tr.max_train_events,
            "max_eval_events": tr.max_eval_events, "progress": ctx.progress}


def build_trainer(cfg: TGNNConfig, ctx: SeedContext) -> LinkTrainer:
    """Dataset, T-CSR, finder, model, Adam and the LinkTrainer of one seed of ``tgnn``."""
    data = temporal_dataset(cfg)
    finder = TemporalNeighborFinder(TCSR.from_dataset(data).to(ctx.device), cfg.sampler.policy,
                                    cfg.sampler.fanouts, replace=cfg.sampler.replace)
    model = model_for(cfg, data).to(ctx.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.trainer.lr, weight_decay=cfg.trainer.weight_decay)
    return LinkTrainer(model=model, optimizer=optimizer, finder=finder, **trainer_kwargs(cfg, ctx, data))


def fit_link_prediction(cfg: TGNNConfig, ctx: SeedContext, trainer: LinkTrainer,
                        info: dict[str, Any] | None = None) -> SeedResult:
    """``fit`` with model selection on validation MRR (test evaluated only on improvements); the SeedResult."""
    best: dict[str, Any] = {"valid": -math.inf, "valid_scores": None, "test_scores": None}

    def evaluate() -> tuple[float, float]:
        valid = trainer.evaluate("valid")
        if valid.mrr <= best["valid"]:
            return valid.mrr, math.nan  # fit keeps a test score only with a better validation score
        test = trainer.evaluate("test")
        best.update(valid=valid.mrr, valid_scores=valid, test_scores=test)
        return valid.mrr, test.mrr

    result = fit(ctx, trainer.model, trainer.optimizer, trainer.train_epoch, evaluate, epochs=cfg.trainer.epochs,
                 patience=cfg.trainer.patience, eval_every=cfg.trainer.eval_every, desc=f"seed {ctx.seed}")
    valid_s: LinkScores | None = best["valid_scores"]
    test_s: LinkScores | None = best["test_scores"]
    times = trainer.epoch_times
    extra = {"ap": test_s.ap if test_s else math.nan, "valid_ap": valid_s.ap if valid_s else math.nan,
             "epoch_time_s": sum(times) / len(times) if times else 0.0, **trainer.edges.stats()}
    return SeedResult(metric="mrr", valid=result.best_valid, test=result.best_test, epochs=result.epochs,
                      best_epoch=result.best_epoch, curves=result.curves, extra=extra,
                      info={"model": cfg.model.backbone, "params": count_parameters(trainer.model),
                            "sampler": f"{cfg.sampler.policy} {list(cfg.sampler.fanouts)}", **(info or {})})


@register_method("tgnn", config=TGNNConfig)
def run_tgnn(cfg: TGNNConfig, ctx: SeedContext) -> SeedResult:
    """Temporal link prediction with TGAT or GraphMixer and its standard neighbour sampler (MRR, AP)."""
    return fit_link_prediction(cfg, ctx, build_trainer(cfg, ctx))
