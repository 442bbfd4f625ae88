"""Contract tests for graphlab.nn: every model through the same matrix, plus GCN parity."""

from __future__ import annotations

import dgl
import pytest
import torch
import torch.nn.functional as F

from graphlab.nn import (
    GAT,
    GCN,
    GIN,
    MLP,
    MODELS,
    GraphSAGE,
    NodeModel,
    build_model,
    count_parameters,
)

N, IN, HID, OUT = 30, 6, 16, 3
NAMES = sorted(MODELS)


def random_graph(num_nodes: int = N, num_edges: int = 90, seed: int = 0) -> dgl.DGLGraph:
    gen = torch.Generator().manual_seed(seed)
    src = torch.randint(0, num_nodes, (num_edges,), generator=gen)
    dst = torch.randint(0, num_nodes, (num_edges,), generator=gen)
    return dgl.graph((src, dst), num_nodes=num_nodes)


def make(name: str, **kwargs) -> NodeModel:
    torch.manual_seed(0)
    kwargs.setdefault("heads", 4)  # dropped by build_model for all but GAT
    return build_model(name, IN, HID, OUT, **kwargs)


@pytest.fixture
def graph() -> dgl.DGLGraph:
    return random_graph()


@pytest.fixture
def x() -> torch.Tensor:
    return torch.randn(N, IN, generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("norm", [None, "batch", "layer"])
@pytest.mark.parametrize("name", NAMES)
def test_full_graph_output_shape(name, norm, layers, graph, x):
    model = make(name, layers=layers, norm=norm)
    assert model(graph, x).shape == (N, OUT)
    assert list(graph.ndata.keys()) == [] and list(graph.edata.keys()) == []  # nothing leaks


@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("name", NAMES)
def test_minibatch_equals_full_graph(name, layers, graph, x):
    model = make(name, layers=layers, norm="batch" if layers == 3 else None).eval()
    GCN.add_out_degrees(graph)
    seeds = torch.tensor([0, 3, 7, 11, 29])
    sampler = dgl.dataloading.MultiLayerFullNeighborSampler(layers)
    input_nodes, output_nodes, blocks = sampler.sample(graph, seeds)
    with torch.no_grad():
        full, full_hidden = model(graph, x, return_hidden=True)
        mini, mini_hidden = model(blocks, x[input_nodes], return_hidden=True)
    assert mini.shape == (len(seeds), OUT)
    torch.testing.assert_close(mini, full[output_nodes], atol=1e-5, rtol=0)
    torch.testing.assert_close(mini_hidden, full_hidden[output_nodes], atol=1e-5, rtol=0)


@pytest.mark.parametrize("aggregator", ["gcn", "pool"])
def test_sage_aggregators_minibatch_equals_full_graph(aggregator, graph, x):
    model = make("sage", aggregator=aggregator).eval()
    seeds = torch.tensor([1, 2, 5])
    input_nodes, output_nodes, blocks = dgl.dataloading.MultiLayerFullNeighborSampler(2).sample(
        graph, seeds
    )
    with torch.no_grad():
        torch.testing.assert_close(
            model(blocks, x[input_nodes]), model(graph, x)[output_nodes], atol=1e-5, rtol=0
        )


def test_gcn_dataloader_inference_equals_full_graph(graph, x):
    model = make("gcn", layers=2).eval()
    GCN.add_out_degrees(graph)
    sampler = dgl.dataloading.MultiLayerFullNeighborSampler(2)
    loader = dgl.dataloading.DataLoader(graph, torch.arange(N), sampler, batch_size=8)
    with torch.no_grad():
        out = torch.cat([model(blocks, x[inp]) for inp, _, blocks in loader])
        torch.testing.assert_close(out, model(graph, x), atol=1e-5, rtol=0)


def test_gcn_blocks_without_degrees_is_an_error(graph, x):
    _, _, blocks = dgl.dataloading.MultiLayerFullNeighborSampler(2).sample(graph, torch.tensor([0]))
    with pytest.raises(ValueError, match="add_out_degrees"):
        make("gcn")(blocks, x[blocks[0].srcdata[dgl.NID]])


def test_wrong_number_of_blocks_is_an_error(graph, x):
    input_nodes, _, blocks = dgl.dataloading.MultiLayerFullNeighborSampler(1).sample(
        graph, torch.tensor([0])
    )
    with pytest.raises(ValueError, match="layers=2"):
        make("sage", layers=2)(blocks, x[input_nodes])


def test_mlp_ignores_edges(graph, x):
    model = make("mlp").eval()
    empty = dgl.graph(([], []), num_nodes=N)
    with torch.no_grad():
        out = model(graph, x)
        torch.testing.assert_close(model(empty, x), out)
        torch.testing.assert_close(model(None, x), out)


def test_gcn_single_layer_matches_dense_formula():
    g = dgl.add_self_loop(dgl.to_bidirected(random_graph(seed=3)))
    x = torch.randn(N, IN)
    model = GCN(IN, HID, OUT, layers=1, dropout=0.0)
    conv = model.convs[0]
    adj = torch.zeros(N, N)
    src, dst = g.edges()
    adj.index_put_((dst, src), torch.ones(len(src)), accumulate=True)
    d_inv_sqrt = adj.sum(1).pow(-0.5)
    expected = d_inv_sqrt[:, None] * adj * d_inv_sqrt[None, :] @ x @ conv.weight + conv.bias
    torch.testing.assert_close(model(g, x), expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("layers", [2, 3])
@pytest.mark.parametrize("name", NAMES)
def test_return_hidden_width(name, layers, graph, x):
    logits, hidden = make(name, layers=layers)(graph, x, return_hidden=True)
    assert logits.shape == (N, OUT) and hidden.shape == (N, HID)


@pytest.mark.parametrize("name", NAMES)
def test_reset_parameters_changes_weights(name):
    model = make(name, norm="layer")
    before = [p.detach().clone() for p in model.parameters()]
    torch.manual_seed(123)
    model.reset_parameters()
    after = list(model.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, after, strict=True))


BAD_ARGS = [
    ({"layers": 0}, "layers", "0"),
    ({"norm": "group"}, "norm", "'group'"),
    ({"dropout": 1.0}, "dropout", "1.0"),
    ({"dropout": -0.1}, "dropout", "-0.1"),
    ({"hidden": 0}, "hidden", "0"),
    ({"in_feats": -2}, "in_feats", "-2"),
]


@pytest.mark.parametrize("kwargs, arg, value", BAD_ARGS)
@pytest.mark.parametrize("cls", [MLP, GCN, GraphSAGE, GAT, GIN])
def test_invalid_arguments(cls, kwargs, arg, value):
    args = {"in_feats": IN, "hidden": HID, "out_feats": OUT, **kwargs}
    with pytest.raises(ValueError) as err:
        cls(**args)
    assert arg in str(err.value) and value in str(err.value)


def test_model_specific_invalid_arguments():
    with pytest.raises(ValueError, match="hidden.*heads"):
        GAT(IN, 30, OUT, heads=8)
    with pytest.raises(ValueError, match="attn_dropout"):
        GAT(IN, HID, OUT, heads=4, attn_dropout=1.5)
    with pytest.raises(ValueError, match="aggregator.*'max'"):
        GraphSAGE(IN, HID, OUT, aggregator="max")


def test_build_model_names_and_options():
    with pytest.raises(ValueError, match="did you mean 'gcn'") as err:
        build_model("gcm", IN, HID, OUT)
    assert all(name in str(err.value) for name in MODELS)
    gcn = build_model("GCN", IN, HID, OUT, heads=2, attn_dropout=0.1, aggregator="pool")
    assert isinstance(gcn, GCN)
    gat = build_model("gat", IN, HID, OUT, layers=3, heads=2, attn_dropout=0.1)
    assert isinstance(gat, GAT) and gat.heads == 2 and gat.num_layers == 3
    assert build_model("sage", IN, HID, OUT, aggregator="pool").aggregator == "pool"
    with pytest.raises(ValueError, match="bogus"):
        build_model("gcn", IN, HID, OUT, bogus=1)


def test_gat_head_layout(graph, x):
    model = GAT(IN, HID, OUT, layers=2, heads=4, out_heads=2)
    assert model.convs[0]._num_heads == 4 and model.convs[0]._out_feats == HID // 4
    assert model.convs[1]._num_heads == 2 and model.convs[1]._out_feats == OUT
    assert model(graph, x).shape == (N, OUT)


def test_count_parameters():
    assert count_parameters(MLP(4, 8, 3)) == 4 * 8 + 8 + 8 * 3 + 3
    model = GCN(4, 8, 3)
    model.convs[0].weight.requires_grad_(False)
    assert count_parameters(model, trainable_only=True) == count_parameters(model) - 32


def test_gcn_learns_two_community_sbm():
    torch.manual_seed(0)
    n, k = 60, 2
    labels = torch.arange(n) % k
    same = labels[:, None] == labels[None, :]
    prob = torch.where(same, torch.tensor(0.25), torch.tensor(0.02))
    upper = torch.triu(torch.bernoulli(prob), diagonal=1)
    src, dst = (upper + upper.T).nonzero(as_tuple=True)
    g = dgl.add_self_loop(dgl.graph((src, dst), num_nodes=n))
    x = F.one_hot(labels, k).float() + 1.0 * torch.randn(n, k)
    model = GCN(k, 16, k, dropout=0.5)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(50):
        model.train()
        loss = F.cross_entropy(model(g, x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(g, x).argmax(1) == labels).float().mean().item()
    assert accuracy > 0.9
