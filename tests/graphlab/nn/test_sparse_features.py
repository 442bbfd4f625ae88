"""Sparse node features: every model gives the dense result on a sparse COO input (full graph and blocks), and
sparse dropout has dense dropout's distribution."""

from __future__ import annotations

import dgl
import pytest
import torch

from graphlab.nn import GCN, MODEL_NAMES, build_model, feature_dropout, sparsify_features, take_rows
from graphlab.nn.sparse_features import (
    SparseLinear,
    density,
    is_sparse,
    leading_rows,
    row_block,
    scale_rows,
    sparse_matmul,
)

N, IN, HID, OUT = 40, 25, 8, 3


@pytest.fixture
def graph() -> dgl.DGLGraph:
    gen = torch.Generator().manual_seed(0)
    src, dst = torch.randint(0, N, (160,), generator=gen), torch.randint(0, N, (160,), generator=gen)
    return dgl.add_self_loop(dgl.to_bidirected(dgl.graph((src, dst), num_nodes=N)))


@pytest.fixture
def x() -> torch.Tensor:
    gen = torch.Generator().manual_seed(1)
    return (torch.rand(N, IN, generator=gen) < 0.12).float() * torch.rand(N, IN, generator=gen)


def test_sparsify_respects_the_density_threshold(x):
    assert 0.05 < density(x) < 0.2
    assert is_sparse(sparsify_features(x, 0.5))
    assert not is_sparse(sparsify_features(x, 0.01))  # denser than allowed: left dense
    assert not is_sparse(sparsify_features(x, 0.0))
    torch.testing.assert_close(sparsify_features(x, 0.5).to_dense(), x)


def test_row_helpers_match_dense_indexing(x):
    x[5] = 0.0  # a row without non-zeros
    xs = sparsify_features(x, 1.0)
    rows = torch.tensor([5, 0, 5, 39, 0])
    cases = [(take_rows(xs, rows), x[rows]), (leading_rows(xs, 7), x[:7]), (row_block(xs, 3, 9), x[3:9])]
    for sub, expected in cases:
        assert sub.layout == torch.sparse_csr
        torch._validate_sparse_csr_tensor_args(  # well-formed CSR: sorted, in range
            sub.crow_indices(), sub.col_indices(), sub.values(), sub.shape)
        torch.testing.assert_close(sub.to_dense(), expected)
    assert take_rows(xs, torch.tensor([], dtype=torch.long)).shape == (0, IN)
    scale = torch.arange(N, dtype=torch.float)
    torch.testing.assert_close(scale_rows(xs, scale).to_dense(), x * scale[:, None])


def test_sparse_matmul_equals_the_dense_product(x):
    x[[0, 7]] = 0.0
    w = torch.randn(IN, HID)
    torch.testing.assert_close(sparse_matmul(sparsify_features(x, 1.0), w), x @ w, atol=1e-6, rtol=0)
    torch.testing.assert_close(sparse_matmul(sparsify_features(x, 1.0), w.t().contiguous().t()), x @ w, atol=1e-6,
                               rtol=0)
    assert torch.equal(sparse_matmul(torch.zeros(4, IN).to_sparse_csr(), w), torch.zeros(4, HID))
    coo = sparsify_features(x, 1.0).to_sparse_coo()  # a COO input is accepted too
    torch.testing.assert_close(sparse_matmul(coo, w), x @ w, atol=1e-6, rtol=0)
    torch.testing.assert_close(take_rows(coo, torch.tensor([3, 1])).to_dense(), x[[3, 1]])


def test_sparse_linear_tracks_weight_updates_without_autograd(x):
    torch.manual_seed(0)
    layer = SparseLinear(IN, HID)
    assert set(layer.state_dict()) == set(torch.nn.Linear(IN, HID).state_dict())
    xs = sparsify_features(x, 1.0)
    with torch.no_grad():
        torch.testing.assert_close(layer(xs), layer(x), atol=1e-6, rtol=0)
        layer.weight.add_(1.0)  # in place, as an optimizer step or load_state_dict does
        torch.testing.assert_close(layer(xs), layer(x), atol=1e-6, rtol=0)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_sparse_input_gives_the_dense_output(name, graph, x):
    torch.manual_seed(0)
    model = build_model(name, IN, HID, OUT, layers=2, heads=2).eval()
    xs = sparsify_features(x, 1.0)
    with torch.no_grad():
        torch.testing.assert_close(model(graph, xs), model(graph, x), atol=1e-5, rtol=0)
        GCN.add_out_degrees(graph)
        input_nodes, _, blocks = dgl.dataloading.MultiLayerFullNeighborSampler(2).sample(graph, torch.tensor([1, 4, 9]))
        torch.testing.assert_close(model(blocks, take_rows(xs, input_nodes)), model(blocks, x[input_nodes]),
                                   atol=1e-5, rtol=0)


@pytest.mark.parametrize("aggregator", ["mean", "gcn", "pool", "lstm"])
def test_sage_aggregating_raw_sparse_features_gives_the_dense_output(aggregator, graph, x):
    torch.manual_seed(0)
    model = build_model("sage", IN, 2 * IN, OUT, aggregator=aggregator).eval()  # widening: no projection first
    with torch.no_grad():
        torch.testing.assert_close(model(graph, sparsify_features(x, 1.0)), model(graph, x), atol=1e-5, rtol=0)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_sparse_gradients_equal_dense_ones(name, graph, x):
    grads = []
    for inp in (x, sparsify_features(x, 1.0)):
        torch.manual_seed(0)
        model = build_model(name, IN, HID, OUT, layers=2, dropout=0.0, heads=2, attn_dropout=0.0)
        model(graph, inp).square().sum().backward()
        grads.append({k: p.grad for k, p in model.named_parameters()})
    assert grads[0].keys() == grads[1].keys()
    for key, grad in grads[0].items():
        torch.testing.assert_close(grads[1][key], grad, atol=1e-5, rtol=1e-5, msg=key)


def test_sparse_dropout_keeps_the_pattern_and_the_expectation():
    x = sparsify_features(torch.eye(200).repeat(1, 2), 1.0)  # 400 non-zeros of value 1
    torch.manual_seed(0)
    dropped = feature_dropout(x, 0.5, training=True)
    values = dropped.values()
    assert torch.equal(dropped.crow_indices(), x.crow_indices())  # zeros stay zero, nothing is added
    assert torch.equal(dropped.col_indices(), x.col_indices())
    assert set(values.unique().tolist()) <= {0.0, 2.0}  # inverted dropout: kept entries scaled by 1 / (1 - p)
    assert 0.4 < (values == 0).float().mean().item() < 0.6
    assert feature_dropout(x, 0.5, training=False) is x
