"""recsys: recommendation on graphlab's runner — interest-cluster recommendation (UIC, arXiv 2408.03886) with
its baselines (popularity, MF-BPR, LightGCN, item-level attention, SASRec), masked full-ranking evaluation with
light / heavy users, and cluster-restricted retrieval. Importing the package registers the methods."""

from recsys.baselines import (
    MF,
    ItemAttention,
    LightGCN,
    LightGCNConv,
    Popularity,
    SASRec,
)
from recsys.config import RecConfig, RecTrainerConfig
from recsys.data import RecData, bipartite_graph, build_rec_data, group_means, load_rec_data, rank_users
from recsys.engine import Recommender, run_recommender
from recsys.interest import (
    UIC,
    ClusterSearch,
    FullSearch,
    UICConfig,
    build_interest_layer,
    coengagement_graph,
    compare_retrieval,
)

__all__ = ["ItemAttention", "LightGCN", "LightGCNConv", "MF", "Popularity", "SASRec", "RecConfig",
           "RecTrainerConfig", "RecData", "bipartite_graph", "build_rec_data", "group_means", "load_rec_data",
           "rank_users", "Recommender", "run_recommender", "UIC", "ClusterSearch", "FullSearch", "UICConfig",
           "build_interest_layer", "coengagement_graph", "compare_retrieval"]
