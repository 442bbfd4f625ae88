"""User–item interaction datasets (recommendation): contiguous ids, split families, light/heavy user groups.

Interactions are parallel tensors of length n: ``user`` and ``item`` (int64 contiguous ids in 0..U-1 and
0..I-1; ``user_raw[u]`` / ``item_raw[i]`` give the ids of the source files), ``weight`` (float32: the rating,
the listening count, or 1) and ``timestamp`` (int64, read with ``time_unit``: ``"s"`` Unix seconds where -1
means unknown, or ``"order"`` the position in the user's sequence when a dataset gives only the order).

Split families (a ``Split`` of interaction indices, each sorted):

- ``temporal`` with ``temporal_scope=user`` (default, the usual recsys protocol): per user, ordered by time,
  the last n_test interactions go to test and the n_valid before them to valid; with ``temporal_scope=global``
  one time cut over all interactions: the latest ⌊test_ratio·n+½⌋ to test, the ⌊valid_ratio·n+½⌋ before them to
  valid (a user may then have no training history: a cold user). Unknown times (-1) sort first.
- ``leave-last-out``: per user, the last interaction → test, the second last → valid, the rest → train (SASRec).
- ``random``: per user like ``temporal``, with a seeded random order instead of time (data without time).

Per user with n interactions: n_test = max(1, ⌊test_ratio·n+½⌋), n_valid = ⌊valid_ratio·n+½⌋, both cut so
that at least one interaction stays in train; users with fewer than ``min_interactions`` interactions keep all
of them in train. Ties in time are broken by a random permutation drawn from ``split_seed``, so a second run
gives byte-identical splits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch

from graphlab.data.node import Split
from graphlab.data.params import check_params, check_rules, check_split
from graphlab.errors import ConfigError, DataError

FAMILIES = ("temporal", "leave-last-out", "random")
SPLIT_DEFAULTS: dict[str, Any] = {"split": "temporal", "temporal_scope": "user", "test_ratio": 0.2,
                                  "valid_ratio": 0.1, "min_interactions": 3, "split_seed": 0}
LIGHT_SHARE, HEAVY_SHARE = 0.3, 0.1


@dataclass(frozen=True)
class UserGroups:
    """Users ranked by training history length (ties broken by a seeded permutation): the bottom 30% are
    light, the top 10% heavy. ``history``, ``light_mask`` and ``heavy_mask`` have shape (U,)."""

    history: torch.Tensor
    light_mask: torch.Tensor
    heavy_mask: torch.Tensor

    @property
    def light(self) -> torch.Tensor:
        return torch.nonzero(self.light_mask).flatten()

    @property
    def heavy(self) -> torch.Tensor:
        return torch.nonzero(self.heavy_mask).flatten()


@dataclass
class InteractionDataset:
    """n interactions of U users with I items (see the module docstring for fields and split families);
    ``splits["default"]`` is the family chosen by ``dataset.params.split``; ``side`` holds side information
    (titles, tags …) aligned with the contiguous ids."""

    name: str
    user: torch.Tensor
    item: torch.Tensor
    weight: torch.Tensor
    timestamp: torch.Tensor
    num_users: int
    num_items: int
    user_raw: torch.Tensor
    item_raw: torch.Tensor
    time_unit: str
    splits: dict[str, Split]
    side: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def num_interactions(self) -> int:
        return len(self.user)

    def split(self, family: str = "default") -> Split:
        """Train / valid / test interaction indices of a split family; an unknown family names the valid ones."""
        check_split(self.name, family, self.splits)
        return self.splits[family]

    def pairs(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(user, item) ids of the interactions ``index``, e.g. ``ds.pairs(ds.split().test)``."""
        return self.user[index], self.item[index]

    def history_length(self, split: str | Split = "default") -> torch.Tensor:
        """Training interactions per user, shape (U,)."""
        train = (self.split(split) if isinstance(split, str) else split).train
        return torch.bincount(self.user[train], minlength=self.num_users)

    def train_matrix(self, split: str | Split = "default", binary: bool = True) -> sp.csr_matrix:
        """The (U, I) float32 CSR matrix of the training interactions: 1 per pair when ``binary``, else the
        summed weights."""
        train = (self.split(split) if isinstance(split, str) else split).train
        values = np.ones(len(train), np.float32) if binary else self.weight[train].numpy()
        m = sp.csr_matrix((values, (self.user[train].numpy(), self.item[train].numpy())),
                          shape=(self.num_users, self.num_items), dtype=np.float32)
        if binary:
            m.data[:] = 1.0
        return m

    def user_groups(self, split: str | Split = "default", seed: int = 0) -> UserGroups:
        """Light (bottom 30% by training history length) and heavy (top 10%) users of a split."""
        return user_groups(self.history_length(split), seed=seed)

    def stats(self) -> dict[str, Any]:
        """``graphlab data info`` figures: users, items, interactions, density, history lengths, time, split."""
        counts = torch.bincount(self.user, minlength=self.num_users).numpy()
        known = self.timestamp[self.timestamp >= 0]
        default = self.split()
        out: dict[str, Any] = {
            "users": self.num_users, "items": self.num_items, "interactions": self.num_interactions,
            "density": round(self.num_interactions / (self.num_users * self.num_items), 6),
            "median_history": float(np.median(counts)), "min_history": int(counts.min()),
            "max_history": int(counts.max()), "time_unit": self.time_unit,
            "split": self.meta.get("split", "default"),
            "split_sizes": [len(default.train), len(default.valid), len(default.test)]}
        if self.time_unit == "s" and len(known):
            out["dated_interactions"] = len(known)
            out["time_range"] = [str(np.datetime64(int(t), "s").astype("datetime64[D]"))
                                 for t in (known.min(), known.max())]
        return out


def user_groups(history: torch.Tensor, light: float = LIGHT_SHARE, heavy: float = HEAVY_SHARE,
                seed: int = 0) -> UserGroups:
    """Rank users by ``history`` (U,) ascending, ties by a permutation drawn from ``seed``; the first
    ⌊light·U+½⌋ are light, the last ⌊heavy·U+½⌋ heavy."""
    num_users = len(history)
    tie = torch.randperm(num_users, generator=torch.Generator().manual_seed(seed)).numpy()
    order = np.lexsort((tie, history.numpy()))
    n_light, n_heavy = int(light * num_users + 0.5), int(heavy * num_users + 0.5)
    light_mask = torch.zeros(num_users, dtype=torch.bool)
    heavy_mask = torch.zeros(num_users, dtype=torch.bool)
    light_mask[torch.from_numpy(order[:n_light])] = True
    heavy_mask[torch.from_numpy(order[num_users - n_heavy:])] = True
    return UserGroups(history.clone(), light_mask, heavy_mask)


def split_params(dataset: str, params: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """``params`` (a config's ``dataset.params``) over the split defaults and the loader's ``own`` defaults,
    validated: an unknown key, a bad type or a bad value is a ConfigError naming ``dataset.params.<key>``;
    every number must be ≥ 0."""
    defaults = {**SPLIT_DEFAULTS, **own}
    p = check_params(dataset, params, defaults)
    check_rules(p, [*((key, p[key] >= 0, "≥ 0") for key, default in defaults.items()
                      if isinstance(default, int | float) and not isinstance(default, bool)),
                    ("split", p["split"] in FAMILIES, f"one of {', '.join(FAMILIES)}"),
                    ("temporal_scope", p["temporal_scope"] in ("user", "global"), "'user' or 'global'"),
                    ("min_interactions", p["min_interactions"] >= 1, "≥ 1")])
    if not (0 < p["test_ratio"] and p["test_ratio"] + p["valid_ratio"] < 1):
        raise ConfigError(f"dataset.params.test_ratio and valid_ratio must satisfy 0 < test_ratio and "
                          f"test_ratio + valid_ratio < 1 (got {p['test_ratio']}, {p['valid_ratio']})")
    return p


def _half_up(x: np.ndarray | float) -> np.ndarray:
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5).astype(np.int64)


def _as_split(masks: tuple[np.ndarray, np.ndarray, np.ndarray], order: np.ndarray) -> Split:
    """Interaction indices of ``order`` selected by three boolean masks over it, each sorted."""
    train, valid, test = (torch.from_numpy(np.sort(order[m])) for m in masks)
    return Split(train, valid, test)


def per_user_split(user: np.ndarray, key: np.ndarray, tie: np.ndarray, num_users: int, n_test: np.ndarray,
                   n_valid: np.ndarray) -> Split:
    """Per user, ordered by (key, tie): the last ``n_test[u]`` interactions → test, the ``n_valid[u]`` before
    them → valid, the rest → train; both counts are cut so that one interaction stays in train."""
    counts = np.bincount(user, minlength=num_users)
    n_test = np.minimum(n_test, np.maximum(counts - 1, 0))
    n_valid = np.minimum(n_valid, np.maximum(counts - 1 - n_test, 0))
    order = np.lexsort((tie, key, user))
    u = user[order]
    from_end = counts[u] - (np.arange(len(order)) - (np.cumsum(counts) - counts)[u])  # 1 = user's last
    test = from_end <= n_test[u]
    valid = ~test & (from_end <= n_test[u] + n_valid[u])
    return _as_split((~test & ~valid, valid, test), order)


def make_splits(user: np.ndarray, timestamp: np.ndarray, num_users: int, time_unit: str,
                p: dict[str, Any]) -> dict[str, Split]:
    """The three split families (module docstring) with the parameters ``p`` of ``split_params``; key
    ``default`` is ``p["split"]``."""
    n = len(user)
    tie = torch.randperm(n, generator=torch.Generator().manual_seed(p["split_seed"])).numpy()
    counts = np.bincount(user, minlength=num_users)
    eligible = counts >= p["min_interactions"]
    ratio_test = np.where(eligible, np.maximum(1, _half_up(p["test_ratio"] * counts)), 0)
    ratio_valid = np.where(eligible, _half_up(p["valid_ratio"] * counts), 0)
    if p["temporal_scope"] == "global":
        if time_unit != "s":
            raise ConfigError("dataset.params.temporal_scope=global needs timestamps, but this dataset only "
                              "orders each user's interactions; use temporal_scope=user or split=leave-last-out")
        order = np.lexsort((tie, timestamp))
        rank = np.empty(n, np.int64)
        rank[order] = np.arange(n)
        n_test, n_valid = int(_half_up(p["test_ratio"] * n)), int(_half_up(p["valid_ratio"] * n))
        test, valid = rank >= n - n_test, (rank >= n - n_test - n_valid) & (rank < n - n_test)
        temporal = _as_split((~test & ~valid, valid, test), np.arange(n))
    else:
        temporal = per_user_split(user, timestamp, tie, num_users, ratio_test, ratio_valid)
    one = eligible.astype(np.int64)
    splits = {"temporal": temporal,
              "leave-last-out": per_user_split(user, timestamp, tie, num_users, one, one),
              "random": per_user_split(user, tie, np.zeros(n, np.int64), num_users, ratio_test, ratio_valid)}
    splits["default"] = splits[p["split"]]
    return splits


def build_interactions(name: str, user_raw: np.ndarray, item_raw: np.ndarray, weight: np.ndarray,
                       timestamp: np.ndarray, time_unit: str, params: dict[str, Any], source: str,
                       meta: dict[str, Any] | None = None) -> InteractionDataset:
    """An InteractionDataset from raw-id arrays of equal length: ids made contiguous (sorted raw ids, so an
    item nobody interacted with is absent), splits built with the validated ``params``; side information is
    attached afterwards, indexed by ``item_raw`` / ``user_raw``. ``source`` names the file for errors."""
    if len(user_raw) == 0:
        raise DataError(f"{source}: no interactions to load")
    users, user = np.unique(np.asarray(user_raw, np.int64), return_inverse=True)
    items, item = np.unique(np.asarray(item_raw, np.int64), return_inverse=True)
    timestamp = np.asarray(timestamp, np.int64)
    splits = make_splits(user, timestamp, len(users), time_unit, params)
    return InteractionDataset(
        name=name, user=torch.from_numpy(user.astype(np.int64)), item=torch.from_numpy(item.astype(np.int64)),
        weight=torch.from_numpy(np.asarray(weight, np.float32)), timestamp=torch.from_numpy(timestamp),
        num_users=len(users), num_items=len(items), user_raw=torch.from_numpy(users),
        item_raw=torch.from_numpy(items), time_unit=time_unit, splits=splits,
        meta={"split": params["split"], "params": dict(params), **(meta or {})})
