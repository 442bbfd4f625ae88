"""The ``mowst`` method: Mixture of Weak & Strong Experts on graphs (Zeng et al., ICLR 2024) — a weak MLP and a
strong GNN expert, mixed per node by a confidence computed from the MLP's own prediction."""

from graphlab.mowst.analysis import local_homophily, plot_routing_analysis, routing_analysis
from graphlab.mowst.confidence import (
    CONFIDENCES,
    Confidence,
    EntropyConfidence,
    LearnedConfidence,
    VarianceConfidence,
    build_confidence,
    dispersion,
    entropy_confidence,
    variance_confidence,
)
from graphlab.mowst.config import MowstConfig, MowstModelConfig, MowstTrainerConfig
from graphlab.mowst.inference import (
    INFERENCES,
    ExpectedRouting,
    Inference,
    LogitMixture,
    ThresholdRouting,
    routing_report,
)
from graphlab.mowst.model import ExpertOutputs, Mowst, build_mowst
from graphlab.mowst.routed import RoutedInference, gnn_minibatch, inference_cost
from graphlab.mowst.schedule import VARIANTS, Alternating, Joint, MowstPhases, Variant
from graphlab.mowst.train import MowstSetup, mowst_setup, run_mowst, weights_path

__all__ = [
    "CONFIDENCES", "Confidence", "EntropyConfidence", "LearnedConfidence", "VarianceConfidence", "build_confidence",
    "dispersion", "entropy_confidence", "variance_confidence", "MowstConfig", "MowstModelConfig",
    "MowstTrainerConfig", "INFERENCES", "ExpectedRouting", "Inference", "LogitMixture", "ThresholdRouting",
    "routing_report", "ExpertOutputs", "Mowst", "build_mowst", "gnn_minibatch", "inference_cost", "RoutedInference",
    "VARIANTS", "Alternating", "Joint", "MowstPhases",
    "Variant", "run_mowst", "MowstSetup", "mowst_setup", "weights_path", "local_homophily",
    "plot_routing_analysis", "routing_analysis",
]
