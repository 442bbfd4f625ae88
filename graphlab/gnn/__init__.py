"""The ``gnn`` method: node classification with any graphlab.nn model; the template for other methods."""

from graphlab.gnn.config import GNNConfig, GNNModelConfig, SamplerConfig
from graphlab.gnn.train import run_gnn

__all__ = ["GNNConfig", "GNNModelConfig", "SamplerConfig", "run_gnn"]
