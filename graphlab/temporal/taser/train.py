"""The ``taser`` run function: a tgnn backbone trained with TASER's adaptive neighbour sampler and adaptive
mini-batches (each switchable: ``taser.adaptive_neighbors``, ``taser.adaptive_batches``).

With both switches off the run is the ``tgnn`` run of the same config and seed, step for step: the same
finder, model initialisation, batches and generators (the tests check it).
"""

from __future__ import annotations

import functools
from typing import Any

import torch
import torch.nn.functional as F

from graphlab.experiment import SeedContext, SeedResult
from graphlab.registry import register_method
from graphlab.temporal.finder import Hop, TemporalNeighborFinder
from graphlab.temporal.taser.batches import AdaptiveBatches
from graphlab.temporal.taser.config import TaserConfig
from graphlab.temporal.taser.losses import SAMPLER_LOSSES
from graphlab.temporal.taser.sampler import AdaptiveNeighborFinder, AdaptiveSampler
from graphlab.temporal.tcsr import TCSR
from graphlab.temporal.tgnn.engine import Batch, LinkTrainer
from graphlab.temporal.tgnn.train import fit_link_prediction, model_for, temporal_dataset, trainer_kwargs


class TaserTrainer(LinkTrainer):
    """LinkTrainer with TASER's strategies plugged into its extension points.

    Args (besides LinkTrainer's): ``adaptive`` the AdaptiveNeighborFinder (None: the backbone's sampler),
    ``selector`` the AdaptiveBatches (None: chronological batches), ``sampler_loss`` the backbone's co-training
    loss (a :data:`SAMPLER_LOSSES` entry with its parameters bound).
    """

    def __init__(self, *args: Any, adaptive: AdaptiveNeighborFinder | None = None,
                 selector: AdaptiveBatches | None = None, sampler_loss: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adaptive, self.selector, self.sampler_loss = adaptive, selector, sampler_loss
        self.log_pis: list[torch.Tensor] = []
        self.sampler_losses: list[float] = []

    def sample(self, roots: torch.Tensor, times: torch.Tensor, generator: torch.Generator) -> list[Hop]:
        if self.adaptive is None:
            return super().sample(roots, times, generator)
        with torch.set_grad_enabled(self.model.training and torch.is_grad_enabled()):
            hops, self.log_pis = self.adaptive.sample(roots, times, generator)
        return hops

    def batches(self, epoch: int) -> list[torch.Tensor]:
        if self.selector is None:
            return super().batches(epoch)
        positions = self.selector.order(epoch, self.generator(epoch, -2))
        return list(self.train_ids[positions].split(self.batch_size))

    def step(self, batch: Batch) -> float:
        self.optimizer.zero_grad()
        trace: dict[Any, Any] | None = {} if self.adaptive is not None else None
        pos, neg = self.scores(batch, trace=trace)
        loss = (F.binary_cross_entropy_with_logits(pos, torch.ones_like(pos))
                + F.binary_cross_entropy_with_logits(neg, torch.zeros_like(neg)))
        loss.backward()
        if self.adaptive is not None:
            sampler_loss = self.sampler_loss(trace, self.log_pis, [h.mask for h in batch.hops])
            if sampler_loss.requires_grad:
                sampler_loss.backward()
            self.sampler_losses.append(float(sampler_loss))
        self.optimizer.step()
        if self.selector is not None:
            self.selector.update(batch.events - self.train_ids[0], pos)
        return float(loss)


def build_taser_trainer(cfg: TaserConfig, ctx: SeedContext) -> TaserTrainer:
    """What ``tgnn`` builds (same order, so the same initialisation), plus TASER's parts that are switched on:
    the sampler and the batch selector live inside the model (checkpointed and selected with it); the sampler
    gets its own Adam parameter group."""
    data = temporal_dataset(cfg)
    tcsr = TCSR.from_dataset(data).to(ctx.device)
    ts = cfg.taser
    finder = TemporalNeighborFinder(tcsr, cfg.sampler.policy, cfg.sampler.fanouts, replace=cfg.sampler.replace)
    model = model_for(cfg, data).to(ctx.device)
    groups = [{"params": list(model.parameters()), "lr": cfg.trainer.lr, "weight_decay": cfg.trainer.weight_decay}]
    kwargs = trainer_kwargs(cfg, ctx, data)
    adaptive = selector = None
    if ts.adaptive_neighbors:
        sampler = AdaptiveSampler(data.edge_feat.shape[1], ts.scope, ts.dim_feat, ts.dim_encode, ts.dim_embed,
                                  ts.identity_encode, ts.mixer).to(ctx.device)
        model.add_module("sampler", sampler)
        groups.append({"params": list(sampler.parameters()), "lr": ts.sampler_lr,
                       "weight_decay": ts.sampler_weight_decay})
        scope_finder = TemporalNeighborFinder(tcsr, ts.scope_policy, [ts.scope], replace=cfg.sampler.replace)
        adaptive = AdaptiveNeighborFinder(scope_finder, sampler, cfg.sampler.fanouts, kwargs["edge_features"])
    optimizer = torch.optim.Adam(groups)
    trainer = TaserTrainer(model=model, optimizer=optimizer, finder=finder, adaptive=adaptive,
                           sampler_loss=functools.partial(SAMPLER_LOSSES[cfg.model.backbone], alpha=ts.alpha,
                                                          beta=ts.beta, clamp=ts.att_clamp), **kwargs)
    if ts.adaptive_batches:
        selector = AdaptiveBatches(len(trainer.train_ids), ts.batch_floor).to(ctx.device)
        model.add_module("batch_selector", selector)
        trainer.selector = selector
    return trainer


@register_method("taser", config=TaserConfig)
def run_taser(cfg: TaserConfig, ctx: SeedContext) -> SeedResult:
    """TASER: a TGAT/GraphMixer backbone with an adaptive neighbour sampler and adaptive mini-batches (MRR, AP)."""
    trainer = build_taser_trainer(cfg, ctx)
    ts = cfg.taser
    variant = ("taser" if ts.adaptive_neighbors and ts.adaptive_batches else
               "taser-no-batches" if ts.adaptive_neighbors else
               "taser-no-neighbors" if ts.adaptive_batches else "taser-off")
    label = cfg.model.backbone if variant == "taser" else f"{variant}[{cfg.model.backbone}]"  # leaderboard row name
    result = fit_link_prediction(cfg, ctx, trainer, info={"variant": variant, "model": label})
    if trainer.sampler_losses:
        result.extra["sampler_loss"] = sum(trainer.sampler_losses) / len(trainer.sampler_losses)
    return result
