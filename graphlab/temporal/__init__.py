"""Temporal graph learning: T-CSR, a vectorised temporal neighbor finder (device-agnostic torch), its
per-root reference, and the device feature cache. TGAT, GraphMixer and TASER build on these."""

from __future__ import annotations

from graphlab.temporal.cache import CacheEpochStats, FeatureCache
from graphlab.temporal.finder import PAD_EID, PAD_NODE, PAD_TIME, Hop, TemporalNeighborFinder, make_policy
from graphlab.temporal.policies import RecentPolicy, SamplingPolicy, UniformPolicy
from graphlab.temporal.reference_finder import ReferenceNeighborFinder
from graphlab.temporal.tcsr import TCSR

__all__ = ["PAD_EID", "PAD_NODE", "PAD_TIME", "TCSR", "CacheEpochStats", "FeatureCache", "Hop", "RecentPolicy",
           "ReferenceNeighborFinder", "SamplingPolicy", "TemporalNeighborFinder", "UniformPolicy", "make_policy"]
