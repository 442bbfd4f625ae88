"""Reusable DGL node-classification models (MLP, GCN, GraphSAGE, GAT, GIN) and their factory."""

from __future__ import annotations

import difflib

from .base import NodeModel, count_parameters
from .gat import GAT
from .gcn import GCN
from .gin import GIN
from .mlp import MLP
from .sage import GraphSAGE

__all__ = [
    "MLP",
    "GCN",
    "GraphSAGE",
    "GAT",
    "GIN",
    "NodeModel",
    "build_model",
    "count_parameters",
    "MODELS",
]

#: Registry of model names → classes, used by :func:`build_model`.
MODELS: dict[str, type[NodeModel]] = {
    "mlp": MLP,
    "gcn": GCN,
    "sage": GraphSAGE,
    "gat": GAT,
    "gin": GIN,
}

#: Keyword arguments every model accepts.
COMMON_OPTIONS = ("layers", "dropout", "norm")


def build_model(
    name: str, in_feats: int, hidden: int, out_feats: int, **kwargs: object
) -> NodeModel:
    """Build the model registered as ``name`` (case-insensitive).

    ``kwargs`` may hold the common options (layers, dropout, norm) and any model's ``options``;
    options that belong to other models only (e.g. ``heads`` for ``"gcn"``) are dropped, so one
    config can drive every model. A name or keyword no model knows is a ValueError.
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in MODELS:
        closest = difflib.get_close_matches(str(key), list(MODELS), n=1, cutoff=0.0)
        hint = f"; did you mean {closest[0]!r}?" if closest else ""
        raise ValueError(
            f"build_model: unknown model name {name!r}; valid names: {sorted(MODELS)}{hint}"
        )
    cls = MODELS[key]
    known = set(COMMON_OPTIONS).union(*(model.options for model in MODELS.values()))
    unknown = sorted(set(kwargs) - known)
    if unknown:
        per_model = {n: list(m.options) for n, m in MODELS.items() if m.options}
        raise ValueError(
            f"build_model: unknown option(s) {unknown} for {name!r}; valid: "
            f"{list(COMMON_OPTIONS)} plus per-model options {per_model}"
        )
    accepted = {k: v for k, v in kwargs.items() if k in COMMON_OPTIONS or k in cls.options}
    return cls(in_feats, hidden, out_feats, **accepted)
