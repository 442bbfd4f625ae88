"""Mowst's inference: the C ≡ 1 / C ≡ 0 reductions, the exact expectation against Monte Carlo draws of the
stochastic gate, the threshold rule, Mowst*'s mixture, and the routing report."""

from __future__ import annotations

import dgl
import pytest
import torch

from graphlab.eval import Evaluator
from graphlab.mowst import (
    Confidence,
    ExpectedRouting,
    ExpertOutputs,
    LogitMixture,
    Mowst,
    ThresholdRouting,
    build_mowst,
    routing_report,
)
from graphlab.nn import GCN, MLP, densify, sparsify_features

N, CLASSES = 400, 4


def outputs(gate: torch.Tensor | float, classes: int = CLASSES, seed: int = 0) -> tuple[ExpertOutputs, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, classes, (N,), generator=g)
    weak = torch.randn(N, classes, generator=g) + 1.5 * torch.nn.functional.one_hot(y, classes)
    strong = torch.randn(N, classes, generator=g) + 2.5 * torch.nn.functional.one_hot(y, classes)
    gate = torch.full((N,), gate) if isinstance(gate, float) else gate
    return ExpertOutputs(weak, strong, gate), y


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    return Evaluator("acc").eval({"y_true": y, "y_pred": logits})["acc"]


@pytest.mark.parametrize("inference", [ExpectedRouting(), ThresholdRouting(), LogitMixture()])
def test_gate_one_is_the_mlp_and_gate_zero_the_gnn(inference):
    for gate, expert in ((1.0, "weak"), (0.0, "strong")):
        out, y = outputs(gate)
        assert inference.score(out, y, Evaluator("acc")) == pytest.approx(accuracy(getattr(out, expert), y))
    out, y = outputs(0.0, classes=2)  # ROC-AUC datasets score the expected probabilities
    auc = Evaluator("rocauc")
    assert inference.score(out, y, auc) == pytest.approx(auc.eval({"y_true": y, "y_pred": out.strong})["rocauc"])


def test_experts_differ_so_the_reductions_mean_something():
    out, y = outputs(0.5)
    assert accuracy(out.weak, y) < accuracy(out.strong, y) - 0.1


@pytest.mark.parametrize("metric", ["acc", "rocauc"])
def test_exact_expectation_equals_monte_carlo(metric):
    classes = CLASSES if metric == "acc" else 2
    gate = torch.rand(N, generator=torch.Generator().manual_seed(3))
    out, y = outputs(gate, classes=classes)
    exact = ExpectedRouting().score(out, y, Evaluator(metric))
    if metric == "acc":  # node i uses the MLP iff q_i < C_i, q_i ~ U(0, 1): the paper's inference, drawn 4000 times
        g = torch.Generator().manual_seed(4)
        weak_pred, strong_pred = out.weak.argmax(1), out.strong.argmax(1)
        draws = [accuracy(torch.where(torch.rand(N, generator=g) < gate, weak_pred, strong_pred), y)
                 for _ in range(4000)]
        assert exact == pytest.approx(sum(draws) / len(draws), abs=0.005)
    else:  # ROC-AUC of the expected probabilities C·p_MLP + (1 − C)·p_GNN
        p = gate[:, None] * out.weak.softmax(1) + (1 - gate[:, None]) * out.strong.softmax(1)
        assert exact == pytest.approx(Evaluator("rocauc").eval({"y_true": y, "y_pred": p[:, 1]})["rocauc"])


def test_threshold_routes_by_half():
    gate = torch.tensor([0.5, 0.49, 0.9, 0.1]).repeat(N // 4)
    out, y = outputs(gate)
    routed = torch.where(gate >= 0.5, out.weak.argmax(1), out.strong.argmax(1))
    assert ThresholdRouting().score(out, y, Evaluator("acc")) == pytest.approx(accuracy(routed, y))


class Constant(Confidence):
    """Test-only: the gate forced to one value."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def forward(self, logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return torch.full((logits.shape[0],), self.value)


@pytest.mark.parametrize(("value", "expert"), [(0.0, "strong"), (1.0, "weak")])
def test_mowst_star_with_a_forced_gate_gives_one_experts_logits(value, expert):
    torch.manual_seed(0)
    graph = dgl.add_self_loop(dgl.rand_graph(30, 120))
    x = torch.randn(30, 5)
    model = Mowst(MLP(5, 8, 3), GCN(5, 8, 3), Constant(value)).eval()
    with torch.no_grad():
        out = model(graph, x)
        expected = model.weak(None, x) if expert == "weak" else model.strong(graph, x)
    torch.testing.assert_close(out.mixture_logits(), expected)


def test_mowst_needs_a_graph_free_weak_expert_and_a_graph_strong_one():
    with pytest.raises(ValueError, match="graph-agnostic"):
        Mowst(GCN(5, 8, 3), GCN(5, 8, 3), Constant(0.5))
    with pytest.raises(ValueError, match="strong expert must be a graph model"):
        build_mowst(5, 3, "mlp")


def test_routing_report():
    y = torch.tensor([0, 0, 1, 1])
    weak = torch.tensor([[1.0, 0], [0, 1], [0, 1], [1, 0]])  # right, wrong, right, wrong
    strong = torch.tensor([[1.0, 0], [1, 0], [1, 0], [0, 1]])  # right, right, wrong, right
    report = routing_report(ExpertOutputs(weak, strong, torch.tensor([0.9, 0.6, 0.2, 0.1])), y)
    assert report == pytest.approx({"gnn_fraction": 0.5, "gnn_fraction_expected": 0.55, "gate_mean": 0.45,
                                    "mlp_acc": 0.5, "gnn_acc": 0.75, "mlp_routed_acc": 0.5, "gnn_routed_acc": 0.5})
    all_weak = routing_report(ExpertOutputs(weak, strong, torch.ones(4)), y)
    assert "gnn_routed_acc" not in all_weak and all_weak["gnn_fraction"] == 0.0


class FeatureGate(Confidence):
    """Test-only: C = σ(3·x₀), so that both experts get nodes."""

    def forward(self, logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(3 * densify(x)[:, 0])


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("strong", ["gcn", "sage", "gat", "gin"])
def test_routed_inference_runs_the_gnn_only_where_the_gate_sends_nodes(strong, sparse, monkeypatch):
    import graphlab.mowst.routed as routed
    from graphlab.nn import build_model

    torch.manual_seed(0)
    graph = dgl.add_self_loop(dgl.rand_graph(80, 320))
    x = torch.randn(80, 6) * (torch.rand(80, 6) < 0.5)
    x[:, 0] = torch.randn(80)
    if sparse:  # the MLP's feature rows are reused by the GNN's batches: same logits as dense
        x = sparsify_features(x, 1.0)
    model = Mowst(MLP(6, 8, 3, norm="batch"), build_model(strong, 6, 8, 3, norm="batch", heads=2),
                  FeatureGate()).eval()
    with torch.no_grad():
        full = model(graph, x)
    nodes = torch.arange(10, 70)
    sent: list[torch.Tensor] = []
    real = routed.gnn_minibatch

    def spy(gnn, g, feats, ids, batch_size, **kwargs):
        sent.append(ids)
        return real(gnn, g, feats, ids, batch_size, **kwargs)

    monkeypatch.setattr(routed, "gnn_minibatch", spy)
    logits = routed.RoutedInference(model)(graph, x, nodes, batch_size=16)
    to_gnn = full.gate[nodes] < 0.5
    assert 10 < int(to_gnn.sum()) < 50
    torch.testing.assert_close(sent[0], nodes[to_gnn])
    expected = torch.where(to_gnn[:, None], full.strong[nodes], full.weak[nodes])
    torch.testing.assert_close(logits, expected, atol=1e-5, rtol=0)
    cost = routed.inference_cost(model, graph, x, nodes)
    assert set(cost) == {"inference_time_s", "gnn_inference_time_s", "inference_time_ratio"}


@pytest.mark.parametrize("c", [0.0, 1.0])
def test_routed_inference_when_the_gate_sends_every_node_one_way(c, monkeypatch):
    import graphlab.mowst.routed as routed
    from graphlab.nn import build_model

    torch.manual_seed(0)
    graph = dgl.add_self_loop(dgl.rand_graph(50, 200))
    x = torch.randn(50, 6)
    model = Mowst(MLP(6, 8, 3), build_model("gcn", 6, 8, 3), Constant(c)).eval()
    with torch.no_grad():
        full = model(graph, x)
    sent: list[torch.Tensor] = []
    real = routed.gnn_minibatch
    monkeypatch.setattr(routed, "gnn_minibatch", lambda gnn, g, f, ids, b, **kw: sent.append(ids) or real(gnn, g, f, ids, b, **kw))
    nodes = torch.arange(5, 45)
    logits = routed.RoutedInference(model)(graph, x, nodes, batch_size=16)
    expected = full.weak[nodes] if c == 1.0 else full.strong[nodes]
    torch.testing.assert_close(logits, expected, atol=1e-5, rtol=0)
    assert len(sent) == (0 if c == 1.0 else 1)
