"""Run functions of the baselines, each registered with the shared runner."""

from __future__ import annotations

from graphlab.experiment import SeedContext, SeedResult
from graphlab.registry import register_method
from recsys.baselines.config import ItemAttentionConfig, LightGCNConfig, MFConfig, PopConfig, SASRecConfig
from recsys.baselines.item_attention import ItemAttention
from recsys.baselines.lightgcn import LightGCN
from recsys.baselines.mf import MF
from recsys.baselines.pop import Popularity
from recsys.baselines.sasrec import SASRec
from recsys.data import RecData, bipartite_graph
from recsys.data.history import StageHistories
from recsys.engine import rec_data, run_recommender


def stage_histories(data: RecData, max_len: int) -> StageHistories:
    return StageHistories({name: st.history for name, st in data.stages.items()}, max_len, data.num_items)


@register_method("pop", config=PopConfig)
def run_pop(cfg: PopConfig, ctx: SeedContext) -> SeedResult:
    """Popularity: the most-interacted training items for everyone."""
    data = rec_data(cfg)
    return run_recommender(cfg, ctx, data, Popularity(data.item_popularity()), info={"model": "pop"})


@register_method("mf", config=MFConfig)
def run_mf(cfg: MFConfig, ctx: SeedContext) -> SeedResult:
    """MF-BPR: inner products of user and item embeddings, pairwise ranking loss."""
    data = rec_data(cfg)
    return run_recommender(cfg, ctx, data, MF(data.num_users, data.num_items, cfg.model.dim, cfg.model.reg))


@register_method("lightgcn", config=LightGCNConfig)
def run_lightgcn(cfg: LightGCNConfig, ctx: SeedContext) -> SeedResult:
    """LightGCN: linear propagation of ID embeddings on the bipartite user–item graph (DGL)."""
    data = rec_data(cfg)
    graph = bipartite_graph(data.train_user, data.train_item, data.num_users, data.num_items)
    m = cfg.model
    return run_recommender(cfg, ctx, data, LightGCN(graph, m.dim, m.layers, m.reg))


@register_method("item_attention", config=ItemAttentionConfig)
def run_item_attention(cfg: ItemAttentionConfig, ctx: SeedContext) -> SeedResult:
    """Item-level attention (DIN-style): target-aware attention over the user's history items."""
    data = rec_data(cfg)
    m = cfg.model
    model = ItemAttention(stage_histories(data, m.max_history), data.num_items, m.dim, m.reg, m.dropout)
    return run_recommender(cfg, ctx, data, model)


@register_method("sasrec", config=SASRecConfig)
def run_sasrec(cfg: SASRecConfig, ctx: SeedContext) -> SeedResult:
    """SASRec-style causal self-attention over the user's item sequence."""
    data = rec_data(cfg)
    m = cfg.model
    model = SASRec(stage_histories(data, m.max_history), data.num_items, m.dim, m.layers, m.heads, m.max_history,
                   m.dropout, m.reg)
    return run_recommender(cfg, ctx, data, model)
