"""Sparse node features: every model gives the dense result on a sparse COO input (full graph and blocks), and
sparse dropout has dense dropout's distribution."""

from __future__ import annotations

import dgl
import pytest
import torch

from graphlab.nn import GCN, MODEL_NAMES, build_model, feature_dropout, sparsify_features, take_rows
from graphlab.nn.sparse_features import density, leading_rows

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
    assert sparsify_features(x, 0.5).is_sparse
    assert not sparsify_features(x, 0.01).is_sparse  # denser than allowed: left dense
    assert not sparsify_features(x, 0.0).is_sparse
    torch.testing.assert_close(sparsify_features(x, 0.5).to_dense(), x)


def test_row_helpers_match_dense_indexing(x):
    xs = sparsify_features(x, 1.0)
    rows = torch.tensor([5, 0, 5, 39])
    torch.testing.assert_close(take_rows(xs, rows).to_dense(), x[rows])
    torch.testing.assert_close(leading_rows(xs, 7).to_dense(), x[:7])


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


def test_sparse_gradients_equal_dense_ones(graph, x):
    grads = []
    for inp in (x, sparsify_features(x, 1.0)):
        torch.manual_seed(0)
        model = build_model("gcn", IN, HID, OUT, layers=2, dropout=0.0)
        model(graph, inp).square().sum().backward()
        grads.append(model.convs[0].weight.grad)
    torch.testing.assert_close(grads[1], grads[0], atol=1e-5, rtol=1e-5)


def test_sparse_dropout_keeps_the_pattern_and_the_expectation():
    x = sparsify_features(torch.eye(200).repeat(1, 2), 1.0)  # 400 non-zeros of value 1
    torch.manual_seed(0)
    dropped = feature_dropout(x, 0.5, training=True).coalesce()
    values = dropped.values()
    assert torch.equal(dropped.indices(), x.indices())  # zeros stay zero, nothing is added
    assert set(values.unique().tolist()) <= {0.0, 2.0}  # inverted dropout: kept entries scaled by 1 / (1 - p)
    assert 0.4 < (values == 0).float().mean().item() < 0.6
    assert feature_dropout(x, 0.5, training=False) is x
