"""Evaluation: metric functions (accuracy, ROC-AUC, AP, MRR, Hits@K, Recall@K, NDCG@K) and
``Evaluator(name)`` with OGB's dict-in/dict-out interface."""

from graphlab.eval.evaluator import Evaluator
from graphlab.eval.metrics import (
    accuracy,
    average_precision,
    hits_at_k,
    mrr,
    ndcg_at_k,
    ranks,
    recall_at_k,
    rocauc,
)

__all__ = [
    "Evaluator",
    "accuracy",
    "average_precision",
    "hits_at_k",
    "mrr",
    "ndcg_at_k",
    "ranks",
    "recall_at_k",
    "rocauc",
]
