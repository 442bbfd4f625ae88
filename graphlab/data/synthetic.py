"""Embedded generators: datasets produced from a seed, so demos and fast tests need no files."""

from __future__ import annotations

import math
from typing import Any

import torch

from graphlab.data.node import NodeDataset, per_class_split, symmetric_graph
from graphlab.data.params import check_params, check_rules
from graphlab.errors import ConfigError

CSBM_DEFAULTS: dict[str, Any] = {"nodes": 2000, "classes": 5, "features": 64, "avg_degree": 8.0,
                                 "homophily": 0.8, "snr": 1.0, "train_per_class": 20, "valid": 500,
                                 "splits": 5, "seed": 0}


def _csbm_params(params: dict[str, Any]) -> dict[str, Any]:
    p = check_params("csbm", params, CSBM_DEFAULTS)
    check_rules(p, [("homophily", 0.0 <= p["homophily"] <= 1.0, "in [0, 1]"),
                    *((k, p[k] >= 1, "≥ 1") for k in ("nodes", "classes", "features", "train_per_class", "splits"))])
    if p["nodes"] <= p["classes"] * p["train_per_class"] + p["valid"]:
        raise ConfigError(f"dataset.params.nodes={p['nodes']} leaves no test nodes after classes × "
                          f"train_per_class = {p['classes'] * p['train_per_class']} training and "
                          f"dataset.params.valid={p['valid']} validation nodes")
    check_rules(p, [("valid", p["valid"] >= 1, "≥ 1")])
    return p


def load_csbm(entry: Any, root: Any = None, **params: Any) -> NodeDataset:
    """Catalog loader of ``csbm`` (no files): the generator with the config's ``dataset.params``."""
    return csbm(**params)


def csbm(**params: Any) -> NodeDataset:
    """Contextual stochastic block model: labels uniform over C classes; ~N·d/2 edges whose endpoint
    shares the source's class with probability ``homophily``; features x_i = snr·μ_{y_i} + ε, ‖μ_c‖=1,
    ε ~ N(0, I). Deterministic given ``seed``."""
    p = _csbm_params(params)
    n, c, f = p["nodes"], p["classes"], p["features"]
    g = torch.Generator().manual_seed(p["seed"])
    labels = torch.randint(0, c, (n,), generator=g)
    by_class = [torch.nonzero(labels == k).flatten() for k in range(c)]
    m = int(n * p["avg_degree"] / 2)
    src = torch.randint(0, n, (m,), generator=g)
    same = torch.rand(m, generator=g) < p["homophily"]
    # same class: a random member of y_src; otherwise a random member of another class
    target_class = torch.where(same, labels[src], (labels[src] + torch.randint(1, max(c, 2), (m,), generator=g)) % c)
    dst = torch.empty(m, dtype=torch.long)
    for k in range(c):
        sel = target_class == k
        pool = by_class[k] if len(by_class[k]) else torch.arange(n)
        dst[sel] = pool[torch.randint(0, len(pool), (int(sel.sum()),), generator=g)]
    means = torch.randn(c, f, generator=g)
    means = means / means.norm(dim=1, keepdim=True)
    x = p["snr"] * means[labels] + torch.randn(n, f, generator=g)
    graph = symmetric_graph(src.numpy(), dst.numpy(), n)
    splits = [per_class_split(labels, p["train_per_class"], p["valid"], None, seed=p["seed"] * 1000 + i)
              for i in range(p["splits"])]
    return NodeDataset(name="csbm", graph=graph, features=x, labels=labels, num_classes=c,
                       splits={"default": splits, "random": splits},
                       meta={"params": p, "expected_degree": p["avg_degree"],
                             "bayes_snr_per_pair": p["snr"] * math.sqrt(2)})
