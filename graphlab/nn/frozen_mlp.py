"""An MLP frozen for inference: the same outputs as the trained module in eval mode, in fewer kernels.

Hidden layer i computes h ← act(norm(h Wᵢᵀ + bᵢ)). In eval mode BatchNorm is the affine map
(h − μ)·γ/√(σ² + ε) + β, so it folds into the layer: Wᵢ ← diag(s) Wᵢ, bᵢ ← (bᵢ − μ)·s + β with s = γ/√(σ² + ε).
LayerNorm depends on the row and stays an op; dropout is the identity. What is left per layer is one product
(an ``embedding_bag`` sum for sparse input, see :func:`graphlab.nn.sparse_matmul`), one add and the activation —
the deployment form of a small expert that runs on every query node.
"""

from __future__ import annotations

from torch import Tensor, nn

from .mlp import MLP
from .sparse_features import sparse_matmul


class FrozenMLP:
    """Inference-only copy of a trained :class:`~graphlab.nn.MLP`: ``FrozenMLP(mlp)(x)`` equals
    ``mlp.eval()(None, x)`` up to float rounding, for dense or sparse ``x: (N, in_feats)`` → ``(N, out_feats)``.

    The weights are copied when it is built: build it again after the MLP changes.
    """

    def __init__(self, mlp: MLP) -> None:
        self.activate = mlp.activate
        self.layers: list[tuple[Tensor, Tensor, nn.Module | None]] = []
        last = mlp.num_layers - 1
        for i, linear in enumerate(mlp.convs):
            weight = linear.weight.detach()
            bias = linear.bias.detach() if linear.bias is not None else weight.new_zeros(weight.shape[0])
            norm = mlp.norms[i] if i < last else None
            if isinstance(norm, nn.BatchNorm1d):
                scale = norm.weight.detach() / (norm.running_var + norm.eps).sqrt()
                weight, bias = weight * scale[:, None], (bias - norm.running_mean) * scale + norm.bias.detach()
                norm = None
            elif isinstance(norm, nn.Identity):
                norm = None
            self.layers.append((weight.t().contiguous(), bias.clone(), norm))

    def __call__(self, x: Tensor) -> Tensor:
        h = x
        last = len(self.layers) - 1
        for i, (weight_t, bias, norm) in enumerate(self.layers):
            h = sparse_matmul(h, weight_t).add_(bias)
            if norm is not None:
                h = norm(h)
            if i != last:
                h = self.activate(h)
        return h
