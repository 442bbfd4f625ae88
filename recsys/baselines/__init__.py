"""Baseline recommenders: popularity, MF-BPR, LightGCN (DGL), item-level attention (DIN-style), SASRec."""

from recsys.baselines.config import (
    AttentionModelConfig,
    EmbeddingConfig,
    ItemAttentionConfig,
    LightGCNConfig,
    LightGCNModelConfig,
    MFConfig,
    PopConfig,
    SASRecConfig,
    SASRecModelConfig,
)
from recsys.baselines.item_attention import ItemAttention
from recsys.baselines.lightgcn import LightGCN, LightGCNConv
from recsys.baselines.mf import MF
from recsys.baselines.pop import Popularity
from recsys.baselines.sasrec import SASRec
from recsys.baselines.train import run_item_attention, run_lightgcn, run_mf, run_pop, run_sasrec

__all__ = ["AttentionModelConfig", "EmbeddingConfig", "ItemAttentionConfig", "LightGCNConfig",
           "LightGCNModelConfig", "MFConfig", "PopConfig", "SASRecConfig", "SASRecModelConfig", "ItemAttention",
           "LightGCN", "LightGCNConv", "MF", "Popularity", "SASRec", "run_item_attention", "run_lightgcn", "run_mf",
           "run_pop", "run_sasrec"]
