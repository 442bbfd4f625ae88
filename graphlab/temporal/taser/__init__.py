"""The ``taser`` method (Deng et al., IPDPS 2024): a temporal GNN backbone with an adaptive neighbour sampler
co-trained from the backbone's gradient and adaptive mini-batch selection, each switchable for ablation."""

from graphlab.temporal.taser.batches import AdaptiveBatches
from graphlab.temporal.taser.config import TaserConfig, TaserSection
from graphlab.temporal.taser.losses import SAMPLER_LOSSES, mixer_sampler_loss, tgat_sampler_loss
from graphlab.temporal.taser.sampler import (
           AdaptiveNeighborFinder,
           AdaptiveSampler,
           frequency_encoding,
           gumbel_top_k,
)
from graphlab.temporal.taser.train import TaserTrainer, build_taser_trainer, run_taser

__all__ = ["SAMPLER_LOSSES", "AdaptiveBatches", "AdaptiveNeighborFinder", "AdaptiveSampler", "TaserConfig",
           "TaserSection", "TaserTrainer", "build_taser_trainer", "frequency_encoding", "gumbel_top_k",
           "mixer_sampler_loss", "run_taser", "tgat_sampler_loss"]
