"""The ``tgnn`` method: TGAT or GraphMixer with its standard temporal sampler, for temporal link prediction."""

from graphlab.temporal.tgnn.config import (
           STANDARD_SAMPLERS,
           TemporalModelConfig,
           TemporalSamplerConfig,
           TGNNConfig,
)
from graphlab.temporal.tgnn.engine import Batch, LinkScores, LinkTrainer
from graphlab.temporal.tgnn.model import TemporalLinkModel, build_model
from graphlab.temporal.tgnn.train import build_trainer, fit_link_prediction, run_tgnn, temporal_dataset

__all__ = ["STANDARD_SAMPLERS", "Batch", "LinkScores", "LinkTrainer", "TGNNConfig", "TemporalLinkModel",
           "TemporalModelConfig", "TemporalSamplerConfig", "build_model", "build_trainer", "fit_link_prediction",
           "run_tgnn", "temporal_dataset"]
