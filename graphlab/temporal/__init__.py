"""Temporal graph learning: T-CSR, a vectorised temporal neighbor finder (device-agnostic torch), its
per-root reference, the device feature cache, time encodings and the TGAT / GraphMixer backbones with their
edge scorer. The methods live in subpackages: ``tgnn`` (a backbone with its standard sampler) and ``taser``."""

from __future__ import annotations

from graphlab.temporal.cache import CacheEpochStats, FeatureCache
from graphlab.temporal.features import Block, EdgeFeatures, NodeInput, to_block
from graphlab.temporal.finder import PAD_EID, PAD_NODE, PAD_TIME, Hop, TemporalNeighborFinder, make_policy
from graphlab.temporal.graphmixer import GraphMixer, MixerBlock
from graphlab.temporal.link_predictor import LinkPredictor
from graphlab.temporal.policies import RecentPolicy, SamplingPolicy, UniformPolicy
from graphlab.temporal.reference_finder import ReferenceNeighborFinder
from graphlab.temporal.tcsr import TCSR
from graphlab.temporal.tgat import TGAT, TemporalAttention
from graphlab.temporal.time_encoding import FixedTimeEncoding, LearnableTimeEncoding, TimeEncoding

__all__ = ["PAD_EID", "PAD_NODE", "PAD_TIME", "TCSR", "TGAT", "Block", "CacheEpochStats", "EdgeFeatures", "FeatureCache",
           "FixedTimeEncoding", "GraphMixer", "Hop", "LearnableTimeEncoding", "LinkPredictor", "MixerBlock",
           "NodeInput", "RecentPolicy", "ReferenceNeighborFinder", "SamplingPolicy", "TemporalAttention",
           "TemporalNeighborFinder", "TimeEncoding", "UniformPolicy", "make_policy", "to_block"]
