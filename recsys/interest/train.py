"""The ``uic`` run function: build the interest layer, train the two-tower model, measure cluster-restricted
retrieval against full search on the test users."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch

from graphlab.experiment import SeedContext, SeedResult
from graphlab.registry import register_method
from recsys.data import RecData
from recsys.data.history import HistoryBags, history_tail
from recsys.engine import rec_data, run_recommender
from recsys.interest.analysis import cluster_report, cluster_sizes, entropy_report
from recsys.interest.clustering import build_clustering
from recsys.interest.coengagement import coengagement_graph
from recsys.interest.config import InterestConfig, RetrievalConfig, UICConfig, UICModelConfig
from recsys.interest.interests import item_relevance, user_interests
from recsys.interest.model import UIC
from recsys.interest.retrieval import compare_retrieval


@dataclass(frozen=True)
class InterestLayer:
    """Cluster labels κ (I,), item relevance R (I, K) and interest vectors η per stage (U, K)."""

    labels: np.ndarray
    relevance: np.ndarray
    eta: dict[str, np.ndarray]


def build_interest_layer(data: RecData, p: InterestConfig) -> InterestLayer:
    """Co-engagement graph → clusters → R → η for each evaluation stage's history."""
    adjacency = coengagement_graph(data.train_csr, p.top_n, p.normalise)
    labels = build_clustering(p.clustering, p.clusters, p.resolution, p.cluster_seed).fit(adjacency)
    relevance = item_relevance(adjacency, labels, p.vector, p.ppr_alpha, p.ppr_steps)
    eta = {name: user_interests(st.history, relevance) for name, st in data.stages.items()}
    return InterestLayer(labels, relevance, eta)


_LAYERS: dict[tuple, InterestLayer] = {}


def interest_layer(data: RecData, p: InterestConfig) -> InterestLayer:
    """The interest layer, computed once per (data, interest config) in a process: seeds share it."""
    key = (id(data), dataclasses.astuple(p))
    if key not in _LAYERS:
        if len(_LAYERS) >= 2:
            _LAYERS.clear()
        _LAYERS[key] = build_interest_layer(data, p)
    return _LAYERS[key]


def build_uic(data: RecData, layer: InterestLayer, m: UICModelConfig) -> UIC:
    """The two-tower model over ``layer`` with the model section ``m``."""
    bags = HistoryBags({name: st.history for name, st in data.stages.items()})
    recent = HistoryBags({name: history_tail(st.history, m.max_history) for name, st in data.stages.items()}) \
        if m.max_history > 0 else None
    return UIC(bags, {k: torch.from_numpy(v) for k, v in layer.eta.items()}, torch.from_numpy(layer.relevance),
               torch.from_numpy(layer.labels), data.num_users, m.dim, m.reg, m.eps, m.dropout, recent, m.user_id)


@register_method("uic", config=UICConfig)
def run_uic(cfg: UICConfig, ctx: SeedContext) -> SeedResult:
    """UIC: interest clusters of the co-engagement graph, user–interest attention, cluster-restricted retrieval."""
    data = rec_data(cfg)
    layer = interest_layer(data, cfg.interest)
    m = cfg.model
    model = build_uic(data, layer, m)
    extra = {**cluster_report(layer.labels), **entropy_report(data, layer.eta["valid"])}
    info = {"model": f"uic[{cfg.interest.clustering},{cfg.interest.vector}]",
            "cluster_sizes": cluster_sizes(layer.labels).tolist()}
    result = run_recommender(cfg, ctx, data, model, extra=extra, info=info)
    if cfg.retrieval.enabled:
        result.extra.update(retrieval_figures(data, model, layer.labels, cfg.retrieval, ctx.device))
    return result


def retrieval_figures(data: RecData, model: UIC, labels: np.ndarray, rc: RetrievalConfig,
                      device: torch.device) -> dict[str, float]:
    """``retrieval_speedup`` and ``retrieval_recall_loss`` (Recall@20) of top-c clusters (+ head) vs full search."""
    st = data.stage("test")
    model.eval()
    with torch.no_grad():
        z, a = model.user_vectors(torch.from_numpy(st.users).to(device), "test")
        items = model.item_vectors()
    r = compare_retrieval(z.cpu().numpy(), a.cpu().numpy(), items.cpu().numpy(), labels, st.users, st.targets,
                          st.exclude, top_c=rc.top_c, k=20, repeats=rc.repeats, head=model.head_items(rc.head))
    return {"retrieval_speedup": r.speedup, "retrieval_recall_loss": r.recall_loss,
            "retrieval_full_ms_per_1k_users": r.full_ms_per_1k_users,
            "retrieval_cluster_ms_per_1k_users": r.cluster_ms_per_1k_users,
            "retrieval_recall_full": r.recall_full, "retrieval_recall_cluster": r.recall_cluster,
            "retrieval_candidate_share": r.candidate_share}
