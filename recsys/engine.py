"""The training / evaluation loop every recommender shares.

A :class:`Recommender` scores (user, item) pairs for training and all items for a batch of users at evaluation;
:func:`run_recommender` trains it with ``graphlab.training.fit`` (early stopping on valid Recall@20, NaN guard,
checkpoints) and evaluates the selected parameters with masked full ranking on valid and test.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from graphlab.experiment import SeedContext, SeedResult
from graphlab.nn import count_parameters
from graphlab.training import check_finite_outputs, fit
from recsys.config import RecConfig
from recsys.data import Batch, RecData, batches, group_means, rank_users
from recsys.losses import ranking_loss

METRIC = "recall@20"


class Recommender(torch.nn.Module):
    """Base class: ``pair_scores(batch)`` → (s⁺ (B,), s⁻ (B, n)) for training, ``scores(users, stage)`` →
    (B, I) for evaluation, where ``stage`` ("valid" | "test") says which history a model may read."""

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError

    def scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        raise NotImplementedError

    def penalty(self, batch: Batch) -> torch.Tensor | float:
        """A regulariser added to the loss (0 by default)."""
        return 0.0

    def refresh(self) -> None:
        """Recompute what evaluation caches (e.g. propagated embeddings); called under no_grad before it."""

    def train_batches(self, data: RecData, batch_size: int, negatives: int, seed: int, epoch: int,
                      shared: bool = False) -> Iterator[Any]:
        """The epoch's mini-batches (default: shuffled training pairs with uniform negatives)."""
        return batches(data.train_user, data.train_item, data.num_items, batch_size, negatives, seed, epoch, shared)

    def batch_loss(self, batch: Any, loss: str) -> torch.Tensor:
        pos, neg = self.pair_scores(batch)
        return ranking_loss(pos, neg, loss) + self.penalty(batch)


def _to(batch: Any, device: torch.device) -> Any:
    if isinstance(batch, Batch):
        return Batch(batch.users.to(device), batch.pos.to(device), batch.neg.to(device))
    return batch


def evaluate_stage(data: RecData, model: Recommender, stage: str, batch_size: int, device: torch.device,
                   seed: int, full: bool = True, users: np.ndarray | None = None) -> dict[str, float]:
    """Masked full-ranking metrics of ``stage`` (only recall@20 unless ``full``) for ``users`` (default: all
    the stage's users), grouped (see group_means)."""
    model.eval()
    with torch.no_grad():
        model.refresh()

        def score(users: torch.Tensor, st: str) -> torch.Tensor:
            out = model.scores(users.to(device), st)
            check_finite_outputs(out, seed)
            return out

        ranking = rank_users(data, score, stage, ks=(10, 20, 50) if full else (20,),
                             metrics=("recall", "ndcg") if full else ("recall",), batch_size=batch_size,
                             users=users, device=device)
    return group_means(data, ranking) if full else {METRIC: float(np.nanmean(ranking.values[METRIC]))}


def selection_users(data: RecData, n: int, seed: int, stage: str = "valid") -> np.ndarray | None:
    """A fixed random sample (sorted) of ``n`` users of ``stage``; None (all) when n = 0 or more."""
    users = data.stage(stage).users
    if n <= 0 or n >= len(users):
        return None
    return np.sort(np.random.default_rng(seed).choice(users, n, replace=False))


def run_recommender(cfg: RecConfig, ctx: SeedContext, data: RecData, model: Recommender,
                    extra: dict[str, Any] | None = None, info: dict[str, Any] | None = None) -> SeedResult:
    """Train ``model`` (when it has parameters) and return the seed's result: ``recall@20`` on valid / test,
    and in ``extra`` every test metric (``ndcg@20``, ``recall@20_light``, ``recall@20_heavy``, K ∈ {10, 20, 50},
    activity deciles) and ``inference_ms_per_1k_users`` (full-ranking scoring time)."""
    t = cfg.trainer
    model = model.to(ctx.device)
    params = [p for p in model.parameters() if p.requires_grad]
    epochs = best_epoch = 0
    curves: dict[str, list[float]] = {}
    if params:
        optimizer = torch.optim.Adam(params, lr=t.lr, weight_decay=t.weight_decay)

        def train_epoch(epoch: int) -> float:
            total, count = 0.0, 0
            for batch in model.train_batches(data, t.batch_size, t.negatives, ctx.seed, epoch,
                                                t.shared_negatives):
                optimizer.zero_grad()
                loss = model.batch_loss(_to(batch, ctx.device), t.loss)
                loss.backward()
                optimizer.step()
                total, count = total + loss.item(), count + 1
            return total / max(count, 1)

        select = selection_users(data, t.eval_users, ctx.seed)

        def evaluate() -> tuple[float, float]:
            valid = evaluate_stage(data, model, "valid", t.eval_batch_size, ctx.device, ctx.seed, full=False,
                                   users=select)
            model.train()
            return valid[METRIC], math.nan  # test is computed once, for the selected parameters

        result = fit(ctx, model, optimizer, train_epoch, evaluate, epochs=t.epochs, patience=t.patience,
                     eval_every=t.eval_every, desc=f"seed {ctx.seed}")
        epochs, best_epoch, curves = result.epochs, result.best_epoch, result.curves
        valid = result.best_valid
    else:
        valid = evaluate_stage(data, model, "valid", t.eval_batch_size, ctx.device, ctx.seed, full=False,
                               users=selection_users(data, t.eval_users, ctx.seed))[METRIC]
    test_users = selection_users(data, t.test_users, 0, "test")  # the same users for every method and seed
    t0 = time.perf_counter()
    test = evaluate_stage(data, model, "test", t.eval_batch_size, ctx.device, ctx.seed, users=test_users)
    n_test = len(test_users) if test_users is not None else len(data.stage("test").users)
    per_1k = 1000 * (time.perf_counter() - t0) / max(n_test, 1) * 1000
    return SeedResult(metric=METRIC, valid=valid, test=test[METRIC], epochs=epochs, best_epoch=best_epoch,
                      curves=curves, extra={**{k: v for k, v in test.items() if k != METRIC},
                                            "inference_ms_per_1k_users": per_1k, **(extra or {})},
                      info={"params": count_parameters(model), **(info or {})})


def rec_data(cfg: RecConfig) -> RecData:
    """The config's dataset and split family as RecData (cached per process)."""
    from recsys.data import load_rec_data

    return load_rec_data(cfg.dataset.name, cfg.dataset.root, dict(cfg.dataset.params), cfg.dataset.split)
