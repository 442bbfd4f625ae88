"""Reusable DGL node-classification models (MLP, GCN, GraphSAGE, GAT, GIN, a GNN with a residual MLP branch)
and their factory."""

from __future__ import annotations

import difflib

from .base import NodeModel, count_parameters
from .frozen_mlp import FrozenMLP
from .gat import GAT
from .gcn import GCN
from .gin import GIN
from .mlp import MLP
from .residual import MLPResidual
from .sage import GraphSAGE
from .sparse_features import (
    SparseLinear,
    densify,
    feature_dropout,
    is_sparse,
    row_block,
    sparse_matmul,
    sparsify_features,
    take_rows,
)

__all__ = [
    "MLP",
    "FrozenMLP",
    "GCN",
    "GraphSAGE",
    "GAT",
    "GIN",
    "MLPResidual",
    "NodeModel",
    "build_model",
    "count_parameters",
    "MODELS",
    "MODEL_NAMES",
    "SparseLinear",
    "densify",
    "feature_dropout",
    "is_sparse",
    "row_block",
    "sparse_matmul",
    "sparsify_features",
    "take_rows",
]

#: Registry of model names → classes, used by :func:`build_model`.
MODELS: dict[str, type[NodeModel]] = {
    "mlp": MLP,
    "gcn": GCN,
    "sage": GraphSAGE,
    "gat": GAT,
    "gin": GIN,
}

#: Suffix that adds a residual MLP branch to a graph model: ``"gcn+mlp"`` → ``GCN(x) + MLP(x)``.
RESIDUAL_SUFFIX = "+mlp"

#: Every name :func:`build_model` accepts: the models, and each graph model with a residual MLP branch.
MODEL_NAMES: tuple[str, ...] = (
    *MODELS, *(name + RESIDUAL_SUFFIX for name, cls in MODELS.items() if cls.uses_graph)
)

#: Keyword arguments every model accepts.
COMMON_OPTIONS = ("layers", "dropout", "norm")


def build_model(
    name: str, in_feats: int, hidden: int, out_feats: int, **kwargs: object
) -> NodeModel | MLPResidual:
    """Build the model registered as ``name`` (case-insensitive), one of :data:`MODEL_NAMES`.

    ``kwargs`` may hold the common options (layers, dropout, norm) and any model's ``options``;
    options that belong to other models only (e.g. ``heads`` for ``"gcn"``) are dropped, so one
    config can drive every model. A name or keyword no model knows is a ValueError.
    ``"<gnn>+mlp"`` builds :class:`MLPResidual` of that graph model and an MLP of the same
    hidden size, depth, dropout and norm.
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in MODEL_NAMES:
        closest = difflib.get_close_matches(str(key), list(MODEL_NAMES), n=1, cutoff=0.0)
        hint = f"; did you mean {closest[0]!r}?" if closest else ""
        raise ValueError(
            f"build_model: unknown model name {name!r}; valid names: {sorted(MODEL_NAMES)}{hint}"
        )
    if key.endswith(RESIDUAL_SUFFIX):
        base = key[: -len(RESIDUAL_SUFFIX)]
        gnn = build_model(base, in_feats, hidden, out_feats, **kwargs)
        return MLPResidual(gnn, build_model("mlp", in_feats, hidden, out_feats, **kwargs))
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
