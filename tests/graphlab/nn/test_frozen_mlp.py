"""FrozenMLP: the eval-mode MLP with BatchNorm folded into its linear layers gives the module's outputs."""

from __future__ import annotations

import pytest
import torch

from graphlab.nn import MLP, FrozenMLP, sparsify_features


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("norm", [None, "batch", "layer"])
@pytest.mark.parametrize("layers", [1, 2, 3])
def test_frozen_mlp_equals_the_module_in_eval_mode(norm, layers, sparse):
    torch.manual_seed(0)
    mlp = MLP(12, 16, 5, layers=layers, norm=norm, dropout=0.5)
    x = torch.randn(64, 12) * (torch.rand(64, 12) < 0.3)
    mlp.train()
    for _ in range(3):  # move the BatchNorm running statistics (and make its affine parameters non-trivial)
        mlp(None, x)
    with torch.no_grad():
        for p in mlp.parameters():
            p.add_(0.1 * torch.randn_like(p))
    mlp.eval()
    frozen = FrozenMLP(mlp)
    inputs = sparsify_features(x, 1.0) if sparse else x
    with torch.no_grad():
        expected = mlp(None, x)
    torch.testing.assert_close(frozen(inputs), expected, atol=1e-5, rtol=1e-5)
    assert len(frozen.layers) == layers
    # folding leaves no BatchNorm op behind; LayerNorm stays one
    assert all((n is None) == (norm != "layer" or i == layers - 1) for i, (_, _, n) in enumerate(frozen.layers))


def test_frozen_mlp_keeps_the_weights_it_was_built_with():
    mlp = MLP(4, 8, 2).eval()
    x = torch.randn(5, 4)
    frozen = FrozenMLP(mlp)
    before = frozen(x).clone()
    with torch.no_grad():
        mlp.convs[0].weight.add_(1.0)
    torch.testing.assert_close(frozen(x), before)
