"""recsys.data: interaction splits laid out for recommenders, the bipartite DGL graph, padded histories,
negative sampling and full-ranking evaluation with light / heavy / decile breakdowns."""

from recsys.data.dataset import STAGES, RecData, Stage, activity_deciles, build_rec_data, load_rec_data
from recsys.data.evaluate import KS, Ranking, ScoreFn, group_means, rank_users, top_k_items
from recsys.data.graph import BACKWARD, FORWARD, ITEM, USER, bipartite_graph
from recsys.data.history import HistoryBags, StageHistories, history_tail, padded_history
from recsys.data.sampling import Batch, batches, negative_scores, num_batches

__all__ = ["STAGES", "RecData", "Stage", "activity_deciles", "build_rec_data", "load_rec_data", "KS", "Ranking",
           "ScoreFn", "group_means", "rank_users", "top_k_items", "BACKWARD", "FORWARD", "ITEM", "USER",
           "bipartite_graph", "HistoryBags", "StageHistories", "history_tail", "padded_history", "Batch", "batches", "negative_scores", "num_batches"]
