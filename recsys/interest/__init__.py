"""UIC — interest-cluster recommendation (Retrieval Augmentation via User Interest Clustering, arXiv 2408.03886):
co-engagement graph, clustering back-ends, interest vectors, two-tower model with user–interest attention and
cluster-restricted faiss retrieval."""

from recsys.interest.analysis import cluster_report, cluster_sizes, entropy_report
from recsys.interest.clustering import CLUSTERINGS, Clustering, Louvain, SpectralKMeans, build_clustering
from recsys.interest.coengagement import coengagement_graph, cooccurrence, top_n_per_row
from recsys.interest.config import InterestConfig, RetrievalConfig, UICConfig, UICModelConfig
from recsys.interest.interests import entropy, item_relevance, user_interests
from recsys.interest.model import UIC, UserInterestAttention
from recsys.interest.retrieval import ClusterSearch, FullSearch, RetrievalReport, compare_retrieval
from recsys.interest.train import InterestLayer, build_interest_layer, build_uic, run_uic

__all__ = ["cluster_report", "cluster_sizes", "entropy_report", "CLUSTERINGS", "Clustering", "Louvain",
           "SpectralKMeans", "build_clustering", "coengagement_graph", "cooccurrence", "top_n_per_row",
           "InterestConfig", "RetrievalConfig", "UICConfig", "UICModelConfig", "entropy", "item_relevance",
           "user_interests", "UIC", "UserInterestAttention", "ClusterSearch", "FullSearch", "RetrievalReport",
           "compare_retrieval", "InterestLayer", "build_interest_layer", "build_uic", "run_uic"]
