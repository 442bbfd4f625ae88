"""The GNN + residual MLP baseline: z = GNN(G, X) + MLP(X), by name through build_model, full graph and blocks."""

from __future__ import annotations

import dgl
import pytest
import torch

from graphlab.nn import GCN, MLP, MODEL_NAMES, MODELS, MLPResidual, build_model

N, IN, HID, OUT = 30, 6, 16, 3
GRAPH_MODELS = [name for name, cls in MODELS.items() if cls.uses_graph]


@pytest.fixture
def graph() -> dgl.DGLGraph:
    gen = torch.Generator().manual_seed(0)
    return dgl.graph((torch.randint(0, N, (90,), generator=gen), torch.randint(0, N, (90,), generator=gen)),
                     num_nodes=N)


@pytest.fixture
def x() -> torch.Tensor:
    return torch.randn(N, IN, generator=torch.Generator().manual_seed(1))


def make(name: str, **kwargs) -> MLPResidual:
    torch.manual_seed(0)
    return build_model(f"{name}+mlp", IN, HID, OUT, heads=4, **kwargs)


def test_names():
    assert set(MODEL_NAMES) == set(MODELS) | {f"{n}+mlp" for n in GRAPH_MODELS}
    assert "mlp+mlp" not in MODEL_NAMES
    with pytest.raises(ValueError, match="did you mean 'gcn\\+mlp'"):
        build_model("gcn+mpl", IN, HID, OUT)


@pytest.mark.parametrize("name", GRAPH_MODELS)
def test_logits_are_the_sum_of_both_branches(name, graph, x):
    model = make(name, norm="batch", layers=2).eval()
    assert isinstance(model.gnn, MODELS[name]) and isinstance(model.mlp, MLP)
    assert model.mlp.hidden == model.gnn.hidden == HID and model.mlp.num_layers == 2 and model.mlp.norm == "batch"
    with torch.no_grad():
        torch.testing.assert_close(model(graph, x), model.gnn(graph, x) + model.mlp(graph, x))
        logits, hidden = model(graph, x, return_hidden=True)
    assert logits.shape == (N, OUT) and hidden.shape == (N, 2 * HID)
    assert list(graph.ndata.keys()) == []


@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("name", GRAPH_MODELS)
def test_minibatch_equals_full_graph(name, layers, graph, x):
    model = make(name, layers=layers, norm="batch" if layers == 3 else None).eval()
    GCN.add_out_degrees(graph)
    input_nodes, output_nodes, blocks = dgl.dataloading.MultiLayerFullNeighborSampler(layers).sample(
        graph, torch.tensor([0, 3, 7, 11, 29]))
    with torch.no_grad():
        full, full_hidden = model(graph, x, return_hidden=True)
        mini, mini_hidden = model(blocks, x[input_nodes], return_hidden=True)
    torch.testing.assert_close(mini, full[output_nodes], atol=1e-5, rtol=0)
    torch.testing.assert_close(mini_hidden, full_hidden[output_nodes], atol=1e-5, rtol=0)


def test_reset_parameters_and_gradients_reach_both_branches(graph, x):
    model = make("sage")
    model(graph, x).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    before = [p.detach().clone() for p in model.parameters()]
    torch.manual_seed(5)
    model.reset_parameters()
    assert all(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True) if a.dim() > 1)


def test_branches_must_match():
    with pytest.raises(ValueError, match="graph model and a graph-agnostic MLP"):
        MLPResidual(MLP(IN, HID, OUT), MLP(IN, HID, OUT))
    with pytest.raises(ValueError, match="same sizes"):
        MLPResidual(GCN(IN, HID, OUT), MLP(IN, HID, OUT + 1))


def test_gnn_method_runs_the_residual_model(tmp_path):
    import graphlab

    cfg = {"method": "gnn", "dataset": {"name": "csbm", "params": {"nodes": 300, "features": 16, "valid": 80}},
           "model": {"name": "sage+mlp", "hidden": 16}, "trainer": {"epochs": 60, "device": "cpu"}}
    summary = graphlab.run(cfg, out=tmp_path / "run")
    assert summary["extra"]["model"] == "sage+mlp" and summary["test"]["mean"] > 0.5
    sampled = graphlab.run(cfg, ["sampler.kind=neighbor", "sampler.fanouts=[5,5]", "model.name=gcn+mlp"],
                           out=tmp_path / "sampled")
    assert sampled["test"]["mean"] > 0.5
