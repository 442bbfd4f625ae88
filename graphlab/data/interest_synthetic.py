"""``interest-clusters``: synthetic user–item interactions driven by latent interest clusters (embedded generator).

Items are split into K equal clusters (random assignment); inside a cluster item popularity is Zipf-like,
∝ rank^(-popularity_exponent). User u has m_u ~ U{1..interests} interests — distinct clusters with Dirichlet(1)
weights π_u — and a power-law activity n_u = ⌊min_history·(1-ξ)^(-1/activity_exponent)⌋, ξ ~ U(0,1), capped at
max_history and at the number of items, which yields many light and a few heavy users. Each of the n_u draws
picks a cluster from π_u with probability ``purity`` (else a uniform cluster: noise), then an item of that
cluster by popularity; repeated (user, item) pairs are dropped, so a history can be shorter than n_u. Times are
uniform in [0, time_span) seconds. Deterministic given ``seed``. Ground truth for tests and analysis:
``side["item_cluster"]`` (I,) and ``side["user_interest"]`` (U, K) = π.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from graphlab.data.interactions import InteractionDataset, build_interactions, split_params
from graphlab.data.params import check_rules

INTEREST_DEFAULTS: dict[str, Any] = {"users": 2000, "items": 1000, "clusters": 20, "interests": 3, "purity": 0.9,
                                     "min_history": 5, "max_history": 300, "activity_exponent": 1.5,
                                     "popularity_exponent": 0.8, "time_span": 31_536_000, "seed": 0}


def _check(params: dict[str, Any]) -> dict[str, Any]:
    p = split_params("interest-clusters", params, INTEREST_DEFAULTS)
    check_rules(p, [("users", p["users"] >= 1, "≥ 1"), ("clusters", p["clusters"] >= 1, "≥ 1"),
                    ("items", p["items"] >= p["clusters"], "≥ clusters"),
                    ("interests", 1 <= p["interests"] <= p["clusters"], "in 1..clusters"),
                    ("purity", p["purity"] <= 1, "in [0, 1]"), ("min_history", p["min_history"] >= 1, "≥ 1"),
                    ("max_history", p["max_history"] >= p["min_history"], "≥ min_history"),
                    ("activity_exponent", p["activity_exponent"] > 0, "> 0"),
                    ("time_span", p["time_span"] >= 1, "≥ 1")])
    return p


def load_interest_clusters(entry: Any, root: Any = None, **params: Any) -> InteractionDataset:
    """Catalog loader of ``interest-clusters`` (no files): the generator with the config's ``dataset.params``."""
    return interest_clusters(**params)


def interest_clusters(**params: Any) -> InteractionDataset:
    """Generate the dataset described in the module docstring; ``params`` override INTEREST_DEFAULTS and the
    split parameters of ``graphlab.data.interactions``."""
    p = _check(params)
    g = torch.Generator().manual_seed(p["seed"])
    n_users, n_items, k, m = p["users"], p["items"], p["clusters"], p["interests"]

    # items: slot j of a random permutation → cluster j % K, popularity rank j // K + 1
    perm = torch.randperm(n_items, generator=g)
    slot_cluster = torch.arange(n_items) % k
    slot_weight = (torch.arange(n_items) // k + 1).double() ** -p["popularity_exponent"]
    by_cluster = torch.argsort(slot_cluster * n_items + torch.arange(n_items))  # slots grouped by cluster
    sorted_cluster, weight = slot_cluster[by_cluster], slot_weight[by_cluster]
    sizes = torch.bincount(slot_cluster, minlength=k)
    starts = torch.cumsum(sizes, 0) - sizes
    cum = torch.cumsum(weight, 0)
    total = torch.zeros(k, dtype=torch.float64).index_add_(0, sorted_cluster, weight)
    # cdf over the sorted slots: c + (within-cluster cumulative share) ∈ (c, c + 1]
    cdf = sorted_cluster + (cum - (cum - weight)[starts][sorted_cluster]) / total[sorted_cluster]
    item_of_sorted = perm[by_cluster]
    item_cluster = torch.empty(n_items, dtype=torch.long)
    item_cluster[perm] = slot_cluster

    # users: m_u interests (distinct clusters) with Dirichlet(1) weights, power-law activity
    n_interests = torch.randint(1, m + 1, (n_users,), generator=g)
    chosen = torch.rand(n_users, k, generator=g).argsort(dim=1)[:, :m]  # (U, m)
    raw = -torch.log(torch.rand(n_users, m, generator=g).clamp_min(1e-12))
    raw[torch.arange(m)[None, :] >= n_interests[:, None]] = 0.0
    mix = raw / raw.sum(dim=1, keepdim=True)  # (U, m)
    activity = (p["min_history"] * (1 - torch.rand(n_users, generator=g, dtype=torch.float64))
                ** (-1.0 / p["activity_exponent"])).floor().long()
    activity = activity.clamp(max=min(p["max_history"], n_items))

    # draws: cluster from π_u (or uniform noise), then an item of that cluster by popularity
    user = torch.repeat_interleave(torch.arange(n_users), activity)
    pick = torch.searchsorted(mix.cumsum(dim=1)[user], torch.rand(len(user), 1, generator=g, dtype=mix.dtype))
    cluster = chosen[user, torch.minimum(pick.squeeze(1), n_interests[user] - 1)]  # rounding never picks a 0
    noise = torch.rand(len(user), generator=g) >= p["purity"]
    cluster[noise] = torch.randint(0, k, (int(noise.sum()),), generator=g)
    pos = torch.searchsorted(cdf, cluster.double() + torch.rand(len(user), generator=g, dtype=torch.float64))
    pos = torch.minimum(torch.maximum(pos, starts[cluster]), starts[cluster] + sizes[cluster] - 1)
    item = item_of_sorted[pos]
    times = torch.randint(0, p["time_span"], (len(user),), generator=g)

    _, first = np.unique((user * n_items + item).numpy(), return_index=True)
    keep = np.sort(first)
    interest = torch.zeros(n_users, k).scatter_(1, chosen, mix.float())  # π, (U, K)
    ds = build_interactions("interest-clusters", user.numpy()[keep], item.numpy()[keep],
                            np.ones(len(keep), np.float32), times.numpy()[keep], "s", p, "interest-clusters",
                            meta={"generator": {key: p[key] for key in INTEREST_DEFAULTS}})
    ds.side = {"item_cluster": item_cluster[ds.item_raw], "user_interest": interest[ds.user_raw]}
    return ds
