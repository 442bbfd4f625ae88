"""Analysis figures of an interest clustering: cluster size distribution and interest entropy by user group."""

from __future__ import annotations

from typing import Any

import numpy as np

from recsys.data import RecData
from recsys.interest.interests import entropy


def cluster_sizes(labels: np.ndarray) -> np.ndarray:
    """Items per cluster, (K,), largest first when labels are numbered by size."""
    return np.bincount(labels)


def cluster_report(labels: np.ndarray) -> dict[str, float]:
    """K, smallest / median / largest cluster and the share of items in the largest."""
    sizes = cluster_sizes(labels)
    return {"clusters": float(len(sizes)), "cluster_size_min": float(sizes.min()),
            "cluster_size_median": float(np.median(sizes)), "cluster_size_max": float(sizes.max()),
            "cluster_largest_share": float(sizes.max() / sizes.sum())}


def entropy_report(data: RecData, eta: np.ndarray) -> dict[str, Any]:
    """Mean entropy (nats) of η_u over all, light and heavy users (users with a training history)."""
    h = entropy(eta)
    active = data.history_length.numpy() > 0
    light, heavy = data.groups.light_mask.numpy() & active, data.groups.heavy_mask.numpy() & active
    return {"interest_entropy": float(h[active].mean()), "interest_entropy_light": float(h[light].mean()),
            "interest_entropy_heavy": float(h[heavy].mean())}
