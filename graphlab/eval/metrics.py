"""Evaluation metrics as pure functions of torch tensors or numpy arrays.

Ranking metrics resolve ties by the average of the optimistic and the pessimistic rank, as OGB's
link evaluator (``ogb/linkproppred/evaluate.py``) and TGB do; AUC and AP are computed by sklearn.
"""

from __future__ import annotations

from typing import Union

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

ArrayLike = Union[torch.Tensor, np.ndarray]


def as_tensor(x: ArrayLike) -> torch.Tensor:
    """Return ``x`` as a torch tensor; numpy arrays are wrapped without a copy."""
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))


def _as_numpy(x: ArrayLike) -> np.ndarray:
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _vector(x: torch.Tensor, name: str, what: str) -> torch.Tensor:
    """Accept (N,) or (N, 1) and return (N,); N must be positive."""
    if x.dim() == 2 and x.size(1) == 1:
        x = x.view(-1)
    if x.dim() != 1 or x.numel() == 0:
        raise ValueError(f"{name} must be a non-empty (N,) or (N, 1) {what}, got shape {tuple(x.shape)}")
    return x


def _binary_scores(y_true: np.ndarray, y_score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels (N,) and scores (N,) from y_true (N,)/(N, 1) and y_score (N,)/(N, 1)/(N, 2) (col 1 - col 0)."""
    y_true = y_true.reshape(-1) if y_true.ndim == 2 and y_true.shape[1] == 1 else y_true
    if y_score.ndim == 2 and y_score.shape[1] == 2:
        y_score = y_score[:, 1] - y_score[:, 0]  # monotone in p(class 1) for logits and probabilities
    elif y_score.ndim == 2 and y_score.shape[1] == 1:
        y_score = y_score.reshape(-1)
    if y_true.ndim != 1 or y_score.shape != y_true.shape:
        raise ValueError(
            f"binary labels (N,) need scores (N,) or (N, 2), got y_true {y_true.shape}, y_score {y_score.shape}"
        )
    return y_true, y_score


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """mean(y_pred == y_true); y_true (N,)/(N, 1) ids, y_pred (N,)/(N, 1) ids or (N, C) scores (argmax)."""
    y_true = _vector(as_tensor(y_true), "y_true", "class-id tensor")
    y_pred = as_tensor(y_pred)
    if y_pred.dim() == 2 and y_pred.size(1) > 1:
        y_pred = y_pred.argmax(dim=1)
    y_pred = _vector(y_pred, "y_pred", "class-id tensor or a (N, C) score tensor")
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_true has {len(y_true)} rows but y_pred has {len(y_pred)}")
    return (y_pred == y_true.to(y_pred.device)).float().mean().item()


def rocauc(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """ROC-AUC. Binary: y_true (N,), y_score (N,) or (N, 2). Multi-label: both (N, T), averaged over
    the tasks having both classes, NaN in y_true marking unlabeled entries (OGB semantics)."""
    y_true, y_score = _as_numpy(y_true).astype(np.float64), _as_numpy(y_score)
    if y_true.ndim == 1:
        y_true, y_score = (a[:, None] for a in _binary_scores(y_true, y_score))
    elif y_score.shape != y_true.shape:
        raise ValueError(
            f"multi-label y_true {y_true.shape} needs y_score of the same shape, got {y_score.shape}"
        )
    aucs = []
    for t in range(y_true.shape[1]):
        labeled = ~np.isnan(y_true[:, t])
        labels = y_true[labeled, t]
        if (labels == 1).any() and (labels == 0).any():
            aucs.append(roc_auc_score(labels, y_score[labeled, t]))
    if not aucs:
        raise ValueError("ROC-AUC is undefined: no task of y_true has both a positive and a negative label")
    return float(np.mean(aucs))


def average_precision(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """AP = Σ_n (R_n - R_{n-1}) P_n over score thresholds (sklearn); y_true (N,) binary, y_score (N,) or (N, 2)."""
    y_true, y_score = _binary_scores(_as_numpy(y_true), _as_numpy(y_score))
    if not (y_true == 1).any():
        raise ValueError("average precision is undefined: y_true has no positive label")
    return float(average_precision_score(y_true, y_score))


def ranks(pos_scores: ArrayLike, neg_scores: ArrayLike) -> torch.Tensor:
    """Rank of each positive among its own negatives, r = 1 + (#{neg > pos} + #{neg >= pos}) / 2;
    pos (N,), neg (N, K) → (N,) float."""
    pos = _vector(as_tensor(pos_scores), "pos_scores", "score tensor")
    neg = as_tensor(neg_scores)
    if neg.dim() != 2 or neg.size(0) != pos.size(0):
        raise ValueError(
            f"neg_scores must be (N, K) with N = {pos.size(0)} rows, got shape {tuple(neg.shape)}"
        )
    pos = pos.to(neg.device).view(-1, 1)  # (N, 1)
    optimistic = (neg > pos).sum(dim=1)
    pessimistic = (neg >= pos).sum(dim=1)
    return 1.0 + 0.5 * (optimistic + pessimistic)


def mrr(pos_scores: ArrayLike, neg_scores: ArrayLike) -> float:
    """Mean reciprocal rank, mean(1 / r) with the tie-averaged rank r of :func:`ranks`; pos (N,), neg (N, K)."""
    return ranks(pos_scores, neg_scores).reciprocal().mean().item()


def hits_at_k(pos_scores: ArrayLike, neg_scores: ArrayLike, k: int) -> float:
    """Hits@k, mean(r <= k) with the tie-averaged rank r of :func:`ranks`; pos (N,), neg (N, K)."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    return (ranks(pos_scores, neg_scores) <= k).float().mean().item()


def _top_k_relevance(
    scores: ArrayLike, targets: ArrayLike, k: int, exclude: ArrayLike | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """0/1 relevance of each user's top-min(k, I) items (U, k') and the number of relevant items (U,)."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    scores = as_tensor(scores)
    scores = scores if scores.is_floating_point() else scores.float()
    targets = as_tensor(targets).to(scores.device).bool()
    if scores.dim() != 2 or targets.shape != scores.shape:
        raise ValueError(
            f"scores and targets must both be (U, I), got {tuple(scores.shape)} and {tuple(targets.shape)}"
        )
    if exclude is not None:
        exclude = as_tensor(exclude).to(scores.device).bool()
        if exclude.shape != scores.shape:
            raise ValueError(f"exclude must be (U, I) = {tuple(scores.shape)}, got {tuple(exclude.shape)}")
        scores = scores.masked_fill(exclude, float("-inf"))
        targets = targets & ~exclude
    top = scores.topk(min(k, scores.size(1)), dim=1).indices  # (U, k')
    return targets.gather(1, top).float(), targets.sum(dim=1)


def _per_user(values: torch.Tensor, n_relevant: torch.Tensor, reduce: bool) -> float | torch.Tensor:
    """Mean over users with a relevant item, or (U,) values with NaN for users without one."""
    has_relevant = n_relevant > 0
    if reduce:
        if not has_relevant.any():
            raise ValueError("no user has a relevant item in targets (after removing excluded items)")
        return values[has_relevant].mean().item()
    return torch.where(has_relevant, values, torch.full_like(values, float("nan")))


def recall_at_k(
    scores: ArrayLike, targets: ArrayLike, k: int, exclude: ArrayLike | None = None, reduce: bool = True
) -> float | torch.Tensor:
    """Recall@k = |top-k ∩ relevant| / |relevant| per user, averaged over users with a relevant item.

    scores (U, I); targets (U, I) bool/0-1 relevant items; exclude (U, I) bool items (e.g. training
    interactions) that are neither ranked (score -inf) nor counted as relevant. ``reduce=False``
    returns (U,) values, NaN for users without a relevant item.
    """
    hits, n_relevant = _top_k_relevance(scores, targets, k, exclude)
    return _per_user(hits.sum(dim=1) / n_relevant, n_relevant, reduce)


def ndcg_at_k(
    scores: ArrayLike, targets: ArrayLike, k: int, exclude: ArrayLike | None = None, reduce: bool = True
) -> float | torch.Tensor:
    """NDCG@k with binary relevance: DCG = Σ_{i<k} rel_i / log2(i + 2), divided by the DCG of
    min(k, |relevant|) hits ranked first. Arguments and averaging as in :func:`recall_at_k`."""
    hits, n_relevant = _top_k_relevance(scores, targets, k, exclude)
    discounts = 1.0 / torch.log2(torch.arange(hits.size(1), device=hits.device, dtype=torch.float) + 2)
    dcg = (hits * discounts).sum(dim=1)
    idcg = discounts.cumsum(0)[n_relevant.clamp(1, hits.size(1)) - 1]
    return _per_user(dcg / idcg, n_relevant, reduce)
