"""Shared machinery for the node-classification models in :mod:`graphlab.nn`.

:class:`NodeModel` owns everything the models have in common: argument validation, the
normalization factory, the layer-stacking loop (dropout → layer → norm → activation) and the
dispatch between full-graph and mini-batch (list of DGL blocks) execution. A concrete model only
says how to build its layer ``i`` (:meth:`NodeModel.build_layer`) and, when the plain call
``layer(graph, feat)`` is not enough, how to apply it (:meth:`NodeModel.apply_layer`).
"""

from __future__ import annotations

from collections.abc import Sequence

import dgl
import torch.nn.functional as F
from torch import Tensor, nn

from .sparse_features import accept_sparse_input, densify, feature_dropout, leading_rows

#: Input of one layer: a tensor (full graph) or a ``(h_src, h_dst)`` pair (block).
LayerInput = Tensor | tuple[Tensor, Tensor]
#: What ``forward`` accepts as its first argument.
GraphInput = dgl.DGLGraph | Sequence[dgl.DGLGraph] | None

NORMS: tuple[str | None, ...] = (None, "batch", "layer")


# --------------------------------------------------------------------------- validation helpers
def check_int(owner: str, name: str, value: object, minimum: int = 1) -> int:
    """Return ``value`` if it is an int ``>= minimum``; else raise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{owner}: {name} must be an int >= {minimum}, got {value!r}")
    return value


def check_rate(owner: str, name: str, value: object) -> float:
    """Return ``value`` as a float if it lies in [0, 1); else raise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"{owner}: {name} must be a float in [0, 1), got {value!r}")
    return float(value)


def check_choice(owner: str, name: str, value: object, choices: Sequence[object]) -> object:
    """Return ``value`` if it is one of ``choices``; else raise a ValueError naming ``name``."""
    if value not in choices:
        raise ValueError(f"{owner}: {name} must be one of {list(choices)}, got {value!r}")
    return value


def dense_input(feat: LayerInput) -> LayerInput:
    """``feat`` (a tensor or a block's ``(h_src, h_dst)`` pair) with sparse features made dense, for layers that
    aggregate the raw features."""
    return tuple(densify(f) for f in feat) if isinstance(feat, tuple) else densify(feat)


# --------------------------------------------------------------------------- small factories
def make_norm(norm: str | None, dim: int) -> nn.Module:
    """Normalization applied after a hidden layer: ``None`` → Identity, ``"batch"`` →
    BatchNorm1d(dim), ``"layer"`` → LayerNorm(dim)."""
    check_choice("make_norm", "norm", norm, NORMS)
    if norm == "batch":
        return nn.BatchNorm1d(dim)
    if norm == "layer":
        return nn.LayerNorm(dim)
    return nn.Identity()


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of scalar parameters of ``model`` (only those with ``requires_grad`` if
    ``trainable_only``)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _reset(module: nn.Module) -> None:
    """Call ``reset_parameters`` on ``module``, or on its children if it has none (GINConv)."""
    reset = getattr(module, "reset_parameters", None)
    if callable(reset):
        reset()
        return
    for child in module.children():
        _reset(child)


# --------------------------------------------------------------------------- the base class
class NodeModel(nn.Module):
    """Base class of the node-classification models: a stack of ``layers`` layers.

    Layer ``i`` maps ``in_feats → hidden`` (first), ``hidden → hidden`` (middle) or
    ``hidden → out_feats`` (last); ``layers=1`` is a single layer ``in_feats → out_feats``.
    Every layer runs ``dropout → layer``; every hidden layer is then followed by
    ``norm → activation``. Dropout is applied to the input features too. ``x`` may be a sparse COO tensor
    (see :mod:`graphlab.nn.sparse_features`): the first layer then multiplies only its non-zeros.

    Subclasses store their own options as plain attributes *before* calling
    ``super().__init__``, which validates the common arguments and builds the layers by calling
    :meth:`build_layer`. They list their extra keyword arguments in the class attribute
    ``options`` (used by :func:`graphlab.nn.build_model`).

    Args:
        in_feats: input feature size.
        hidden: width of every hidden representation.
        out_feats: output size (number of classes).
        layers: number of layers including the output one (``>= 1``).
        dropout: dropout rate in [0, 1) applied to the input of every layer.
        norm: ``None``, ``"batch"`` or ``"layer"``, applied after each hidden layer, before the
            activation.

    Shapes:
        - full graph: ``forward(g, x)`` with ``x: (g.num_nodes(), in_feats)`` →
          ``(g.num_nodes(), out_feats)``.
        - mini-batch: ``forward(blocks, x)`` with ``len(blocks) == layers`` and
          ``x: (blocks[0].num_src_nodes(), in_feats)`` →
          ``(blocks[-1].num_dst_nodes(), out_feats)``.
        - ``return_hidden=True`` also returns the input of the output layer for the output rows:
          ``(rows, hidden)`` (``(rows, in_feats)`` when ``layers == 1``).
    """

    #: Extra keyword arguments the model accepts (besides layers, dropout, norm).
    options: tuple[str, ...] = ()
    #: False for graph-agnostic models (MLP), which then also accept ``graph_or_blocks=None``.
    uses_graph: bool = True

    def __init__(
        self,
        in_feats: int,
        hidden: int,
        out_feats: int,
        layers: int = 2,
        dropout: float = 0.5,
        norm: str | None = None,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.in_feats = check_int(owner, "in_feats", in_feats)
        self.hidden = check_int(owner, "hidden", hidden)
        self.out_feats = check_int(owner, "out_feats", out_feats)
        self.num_layers = check_int(owner, "layers", layers)
        self.dropout_rate = check_rate(owner, "dropout", dropout)
        self.norm = check_choice(owner, "norm", norm, NORMS)

        dims = [in_feats] + [hidden] * (layers - 1) + [out_feats]
        self.convs = nn.ModuleList(
            self.build_layer(dims[i], dims[i + 1], i == layers - 1) for i in range(layers)
        )
        self.norms = nn.ModuleList(make_norm(norm, hidden) for _ in range(layers - 1))
        accept_sparse_input(self.convs[0])  # its Linear projections take the sparse features as they are

    # ----------------------------------------------------------------- what subclasses define
    def build_layer(self, in_dim: int, out_dim: int, is_last: bool) -> nn.Module:
        """Build one layer mapping ``in_dim → out_dim`` features (the output layer if
        ``is_last``)."""
        raise NotImplementedError(f"{type(self).__name__} must implement build_layer")

    def apply_layer(
        self, layer: nn.Module, graph: dgl.DGLGraph, feat: LayerInput, is_last: bool
    ) -> Tensor:
        """Apply ``layer``; ``feat`` is a tensor (full graph) or an ``(h_src, h_dst)`` pair
        (block). Returns ``(num_dst_nodes, out_dim)``."""
        return layer(graph, feat)

    def activate(self, h: Tensor) -> Tensor:
        """Activation between layers (ReLU unless overridden)."""
        return F.relu(h)

    # ----------------------------------------------------------------- shared behaviour
    def reset_parameters(self) -> None:
        """Re-initialize every layer and normalization."""
        for module in (*self.convs, *self.norms):
            _reset(module)

    def _layer_graphs(self, graph_or_blocks: GraphInput, x: Tensor) -> list[dgl.DGLGraph | None]:
        """One graph per layer: the same graph repeated (full graph) or the blocks."""
        owner = type(self).__name__
        if graph_or_blocks is None:
            if self.uses_graph:
                raise ValueError(
                    f"{owner}: graph_or_blocks is None; pass a DGLGraph or a list of blocks"
                )
            return [None] * self.num_layers
        if isinstance(graph_or_blocks, dgl.DGLGraph) and not graph_or_blocks.is_block:
            if x.shape[0] != graph_or_blocks.num_nodes():
                raise ValueError(
                    f"{owner}: x has {x.shape[0]} rows but the graph has "
                    f"{graph_or_blocks.num_nodes()} nodes; pass one feature row per node"
                )
            return [graph_or_blocks] * self.num_layers
        blocks = (
            [graph_or_blocks]
            if isinstance(graph_or_blocks, dgl.DGLGraph)
            else list(graph_or_blocks)
        )
        if len(blocks) != self.num_layers:
            raise ValueError(
                f"{owner}: got {len(blocks)} blocks for a model with layers={self.num_layers}; "
                f"sample with a {self.num_layers}-layer sampler"
            )
        if not all(isinstance(b, dgl.DGLGraph) and b.is_block for b in blocks):
            raise ValueError(
                f"{owner}: graph_or_blocks must be a DGLGraph or a list of DGL blocks "
                "(e.g. from dgl.dataloading.NeighborSampler)"
            )
        if x.shape[0] != blocks[0].num_src_nodes():
            raise ValueError(
                f"{owner}: x has {x.shape[0]} rows but blocks[0] has "
                f"{blocks[0].num_src_nodes()} source nodes; pass x[input_nodes]"
            )
        return blocks

    def forward(
        self, graph_or_blocks: GraphInput, x: Tensor, return_hidden: bool = False
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Run the model on a full graph or on a list of blocks (see the class docstring).

        Returns the logits, or ``(logits, hidden)`` if ``return_hidden``, where ``hidden`` is
        the (pre-dropout) input of the output layer for the same rows as the logits.
        """
        graphs = self._layer_graphs(graph_or_blocks, x)
        h = x
        hidden = x
        last = self.num_layers - 1
        for i, (layer, graph) in enumerate(zip(self.convs, graphs, strict=True)):
            is_block = graph is not None and graph.is_block
            n_dst = graph.num_dst_nodes() if is_block else h.shape[0]
            if i == last:
                hidden = leading_rows(h, n_dst)
            h = feature_dropout(h, self.dropout_rate, self.training)
            feat: LayerInput = (h, leading_rows(h, n_dst)) if is_block else h  # block dst nodes prefix src
            h = self.apply_layer(layer, graph, feat, i == last)  # (n_dst, out_dim)
            if i != last:
                h = self.activate(self.norms[i](h))
        return (h, hidden) if return_hidden else h

    def extra_repr(self) -> str:
        return (
            f"in_feats={self.in_feats}, hidden={self.hidden}, out_feats={self.out_feats}, "
            f"layers={self.num_layers}, dropout={self.dropout_rate}, norm={self.norm!r}"
        )
