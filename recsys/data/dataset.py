"""``RecData``: one split of an interaction dataset, laid out for training and full-ranking evaluation.

From ``graphlab.data``'s :class:`~graphlab.data.InteractionDataset` and a split family it keeps

- the training pairs ``(train_user, train_item)`` ordered by (user, time), their CSR matrix ``train_csr`` (U, I);
- the evaluation stages ``valid`` and ``test``: per stage the target items of each user (CSR), the items to mask
  (``valid``: train; ``test``: train ∪ valid) and the history a history-based model reads (``valid``: the train
  items; ``test``: train then valid items, in time order) — the usual protocol of sequential recommenders;
- light / heavy users (bottom 30% / top 10% by training history length) and activity deciles.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch

from graphlab.data import InteractionDataset, load_dataset
from graphlab.data.interactions import UserGroups
from graphlab.errors import ConfigError

STAGES = ("valid", "test")


@dataclass
class Stage:
    """One evaluation stage: ``targets`` (U, I) CSR of held-out items, ``exclude`` (U, I) CSR of the items that
    are never ranked, ``history`` the (user-ordered) interaction items a model may read, as CSR rows in time
    order (``history.indices[indptr[u]:indptr[u+1]]``), and ``users``: users with at least one target."""

    targets: sp.csr_matrix
    exclude: sp.csr_matrix
    history: sp.csr_matrix
    users: np.ndarray


@dataclass
class RecData:
    """A split of an interaction dataset ready for recommenders (module docstring)."""

    name: str
    num_users: int
    num_items: int
    train_user: torch.Tensor  # (n_train,) int64, ordered by (user, time)
    train_item: torch.Tensor  # (n_train,) int64
    train_csr: sp.csr_matrix  # (U, I) binary
    stages: dict[str, Stage]
    groups: UserGroups
    deciles: np.ndarray  # (U,) int in 0..9: activity decile by training history length

    @property
    def history_length(self) -> torch.Tensor:
        return self.groups.history

    def item_popularity(self) -> torch.Tensor:
        """Training interactions per item, (I,) float32."""
        return torch.from_numpy(np.asarray(self.train_csr.sum(0)).ravel().astype(np.float32))

    def stage(self, name: str) -> Stage:
        if name not in self.stages:
            raise ConfigError(f"unknown evaluation stage '{name}' (one of {', '.join(STAGES)})")
        return self.stages[name]


def _csr(users: np.ndarray, items: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """Binary CSR with the entries in the given order kept per row (no sorting of column indices)."""
    order = np.argsort(users, kind="stable")
    indptr = np.zeros(shape[0] + 1, np.int64)
    np.cumsum(np.bincount(users, minlength=shape[0]), out=indptr[1:])
    m = sp.csr_matrix((np.ones(len(users), np.float32), items[order].astype(np.int64), indptr), shape=shape)
    m.has_sorted_indices = False
    return m


def _binary(m: sp.csr_matrix) -> sp.csr_matrix:
    m = m.tocsr(copy=True)
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def activity_deciles(history: torch.Tensor, seed: int = 0) -> np.ndarray:
    """Decile 0..9 of each user by ``history`` length (ties by a seeded permutation, as the light/heavy groups)."""
    n = len(history)
    tie = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).numpy()
    order = np.lexsort((tie, history.numpy()))
    deciles = np.empty(n, np.int64)
    deciles[order] = np.arange(n) * 10 // max(n, 1)
    return deciles


def build_rec_data(ds: InteractionDataset, family: str = "default") -> RecData:
    """``RecData`` of split ``family``; a split without valid or test interactions is a ConfigError."""
    split = ds.split(family)
    for part in ("train", *STAGES):
        if len(getattr(split, part)) == 0:
            raise ConfigError(f"dataset '{ds.name}' split '{family}' has no {part} interactions; "
                              f"check dataset.params (min_interactions, test_ratio, valid_ratio)")
    shape = (ds.num_users, ds.num_items)
    user, item, time = ds.user.numpy(), ds.item.numpy(), ds.timestamp.numpy()

    def ordered(index: torch.Tensor) -> np.ndarray:
        idx = index.numpy()
        return idx[np.lexsort((idx, time[idx], user[idx]))]

    train, valid, test = ordered(split.train), ordered(split.valid), ordered(split.test)
    train_hist = _csr(user[train], item[train], shape)
    both = np.concatenate([train, valid])
    both = both[np.lexsort((np.r_[np.zeros(len(train)), np.ones(len(valid))], user[both]))]  # train then valid
    stages = {
        "valid": Stage(_binary(_csr(user[valid], item[valid], shape)), _binary(train_hist), train_hist,
                       np.unique(user[valid])),
        "test": Stage(_binary(_csr(user[test], item[test], shape)), _binary(_csr(user[both], item[both], shape)),
                      _csr(user[both], item[both], shape), np.unique(user[test])),
    }
    groups = ds.user_groups(split)
    return RecData(name=ds.name, num_users=ds.num_users, num_items=ds.num_items,
                   train_user=torch.from_numpy(user[train]), train_item=torch.from_numpy(item[train]),
                   train_csr=_binary(train_hist), stages=stages, groups=groups,
                   deciles=activity_deciles(groups.history))


@functools.lru_cache(maxsize=4)
def _cached(name: str, root: str | None, params: tuple[tuple[str, Any], ...], family: str) -> RecData:
    ds = load_dataset(name, root, **dict(params))
    if not isinstance(ds, InteractionDataset):
        raise ConfigError(f"dataset '{name}' is not a user–item interaction dataset "
                          f"(recsys methods need ml100k, lastfm, amazon-<category>, interest-clusters …)")
    return build_rec_data(ds, family)


def load_rec_data(name: str, root: str | None, params: dict[str, Any], family: str = "default") -> RecData:
    """The split ``family`` of dataset ``name`` as RecData, loaded once per process (seeds share it)."""
    return _cached(name, root, tuple(sorted(params.items())), family)
