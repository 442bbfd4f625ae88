"""Full-ranking evaluation: every item is scored, the stage's masked items (train, or train ∪ valid) are never
ranked, Recall@K and NDCG@K (``graphlab.eval``) per user, then averaged overall, over light / heavy users and
per activity decile.

Recall@K_u = |top-K_u ∩ T_u| / |T_u| and NDCG@K_u = Σ_{r<K} [top_u[r] ∈ T_u] / log2(r + 2) / IDCG, T_u the
user's held-out items; a user's mean is over users with a held-out item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from graphlab.eval import ndcg_at_k, recall_at_k
from recsys.data.dataset import RecData

ScoreFn = Callable[[torch.Tensor, str], torch.Tensor]  # (users (B,), stage) → scores (B, I)
KS = (10, 20, 50)
METRICS = {"recall": recall_at_k, "ndcg": ndcg_at_k}


@dataclass
class Ranking:
    """Per-user metric values of one stage: ``users`` (N,) and ``values[f"{metric}@{k}"]`` (N,) arrays."""

    users: np.ndarray
    values: dict[str, np.ndarray]


def _dense(rows: Sequence[int] | np.ndarray, csr, device: torch.device) -> torch.Tensor:
    return torch.from_numpy(csr[rows].toarray() > 0).to(device)


def rank_users(data: RecData, score: ScoreFn, stage: str, ks: Sequence[int] = KS,
               metrics: Sequence[str] = ("recall", "ndcg"), batch_size: int = 1024,
               users: np.ndarray | None = None, device: torch.device | str = "cpu") -> Ranking:
    """Score the stage's users in batches and compute ``metric@k`` for each user (masked full ranking)."""
    st = data.stage(stage)
    users = st.users if users is None else users
    device = torch.device(device)
    values: dict[str, list[torch.Tensor]] = {f"{m}@{k}": [] for m in metrics for k in ks}
    for start in range(0, len(users), batch_size):
        rows = users[start:start + batch_size]
        scores = score(torch.from_numpy(rows).to(device), stage).float()
        targets, exclude = _dense(rows, st.targets, scores.device), _dense(rows, st.exclude, scores.device)
        for m in metrics:
            for k in ks:
                values[f"{m}@{k}"].append(METRICS[m](scores, targets, k, exclude=exclude, reduce=False).cpu())
    return Ranking(users, {key: torch.cat(v).numpy() for key, v in values.items()})


def top_k_items(data: RecData, score: ScoreFn, users: np.ndarray, stage: str, k: int) -> torch.Tensor:
    """The k best items per user with the stage's mask applied (what a recommender would show), (B, k)."""
    st = data.stage(stage)
    scores = score(torch.from_numpy(users), stage).float().cpu()
    scores = scores.masked_fill(_dense(users, st.exclude, scores.device), float("-inf"))
    return scores.topk(k, dim=1).indices


def group_means(data: RecData, ranking: Ranking) -> dict[str, float]:
    """``metric@k`` over all users, ``metric@k_light`` / ``_heavy`` over the light / heavy users and
    ``recall@20_decile{d}`` per activity decile (NaN rows — users whose targets were all masked — are skipped)."""
    light = data.groups.light_mask.numpy()[ranking.users]
    heavy = data.groups.heavy_mask.numpy()[ranking.users]
    deciles = data.deciles[ranking.users]

    def mean(v: np.ndarray, mask: np.ndarray | None = None) -> float:
        v = v if mask is None else v[mask]
        v = v[~np.isnan(v)]
        return float(v.mean()) if len(v) else float("nan")

    out: dict[str, float] = {}
    for key, v in ranking.values.items():
        out[key] = mean(v)
        out[f"{key}_light"] = mean(v, light)
        out[f"{key}_heavy"] = mean(v, heavy)
    if "recall@20" in ranking.values:
        for d in range(10):
            out[f"recall@20_decile{d}"] = mean(ranking.values["recall@20"], deciles == d)
    return out
