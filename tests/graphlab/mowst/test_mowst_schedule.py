"""Mowst's phases: each turn moves only its own expert (parameters and BatchNorm statistics), the schedule
alternates turns with outer patience, and Mowst* is one joint phase."""

from __future__ import annotations

import dgl
import pytest
import torch

from graphlab.eval import Evaluator
from graphlab.mowst import Alternating, ExpectedRouting, Joint, MowstPhases, build_mowst
from graphlab.mowst.schedule import schedule, stale_rounds
from graphlab.training import FitResult

N, IN, CLASSES = 60, 8, 3


@pytest.fixture
def phases() -> MowstPhases:
    torch.manual_seed(0)
    graph = dgl.add_self_loop(dgl.rand_graph(N, 240))
    y = torch.randint(0, CLASSES, (N,))
    x = torch.randn(N, IN) + torch.nn.functional.one_hot(y, IN)
    model = build_mowst(IN, CLASSES, "sage", hidden=16, layers=2, dropout=0.5, norm="batch",
                        gate_uses_features=True)
    ids = {"train": torch.arange(0, 30), "valid": torch.arange(30, 45), "test": torch.arange(45, 60)}
    return MowstPhases(model, graph, x, y, ids, Evaluator("acc"), ExpectedRouting(), seed=0, lr=0.05,
                       weight_decay=5e-4, epochs=5, patience=5)


def snapshot(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Parameters and buffers (BatchNorm running statistics included)."""
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def moved(before: dict[str, torch.Tensor], module: torch.nn.Module) -> bool:
    return any(not torch.equal(before[k], v) for k, v in module.state_dict().items())


def run(phase, model, epochs: int = 3) -> None:
    for epoch in range(epochs):  # as graphlab.training.fit does: train mode, one step, then an evaluation
        model.train()
        phase.train_epoch(epoch)
        model.eval()
        with torch.no_grad():
            phase.evaluate()


@pytest.mark.parametrize(("turn", "trained", "frozen"), [
    ("weak_turn", ("weak", "confidence"), ("strong",)),
    ("strong_turn", ("strong",), ("weak", "confidence")),
    ("joint", ("weak", "confidence", "strong"), ()),
])
def test_a_turn_moves_only_its_own_expert(phases, turn, trained, frozen):
    model = phases.model
    before = {name: snapshot(getattr(model, name)) for name in ("weak", "strong", "confidence")}
    run(getattr(phases, turn)(), model)
    for name in trained:
        assert moved(before[name], getattr(model, name)), f"{turn} did not train {name}"
    for name in frozen:
        assert not moved(before[name], getattr(model, name)), f"{turn} changed the frozen {name}"


@pytest.mark.parametrize("expert", ["weak", "strong"])
def test_pretraining_moves_one_expert_and_selects_nothing(phases, expert):
    model = phases.model
    other = "strong" if expert == "weak" else "weak"
    before = {name: snapshot(getattr(model, name)) for name in ("weak", "strong", "confidence")}
    phase = phases.pretrain(expert)
    assert not phase.select and phase.optimizer is phases.optimizer[expert]
    run(phase, model)
    assert moved(before[expert], getattr(model, expert))
    assert not moved(before[other], getattr(model, other)) and not moved(before["confidence"], model.confidence)


def test_separate_loss_is_the_gate_weighted_sum(phases):
    out = phases.model(phases.graph, phases.x)
    train, y = phases.ids["train"], phases.y[phases.ids["train"]]
    ce = torch.nn.functional.cross_entropy
    c = out.gate[train]
    expected = (c * ce(out.weak[train], y, reduction="none") + (1 - c) * ce(out.strong[train], y, reduction="none"))
    torch.testing.assert_close(phases.separate_loss(out), expected.mean())


def result(valid: float) -> FitResult:
    return FitResult(valid, valid, 1, 1, {})


def test_stale_rounds_counts_trailing_rounds_without_improvement():
    assert stale_rounds([]) == 0
    assert stale_rounds([result(v) for v in (0.5, 0.6)]) == 0
    assert stale_rounds([result(v) for v in (0.5, 0.6, 0.6, 0.55)]) == 1
    assert stale_rounds([result(v) for v in (0.5, 0.6, 0.6, 0.55, 0.4, 0.7)]) == 0
    assert stale_rounds([result(v) for v in (0.7, 0.6, 0.6, 0.55, 0.4, 0.7)]) == 2


def test_alternating_schedule_with_pretraining_and_outer_patience(phases):
    next_phase = schedule(phases, Alternating(big_epochs=3, big_patience=1), ("strong",))
    names, history = [], []
    valids = [0.3, 0.5, 0.6, 0.6, 0.55]  # pretrain, round 1 (0.5, 0.6), round 2 (0.6, 0.55): no improvement
    while (phase := next_phase(len(history), history)) is not None:
        names.append(phase.name)
        history.append(result(valids[len(history)]))
    assert names == ["pretrain-strong", "mlp-turn", "gnn-turn", "mlp-turn", "gnn-turn"]
    budget = schedule(phases, Alternating(big_epochs=2, big_patience=5), ())
    assert budget(4, [result(0.1 * i) for i in range(4)]) is None  # two rounds done, though still improving
    assert budget(3, [result(0.1)] * 3).name == "gnn-turn"


def test_optimizers_one_per_group(phases):
    model = phases.model
    assert [type(o) for o in phases.optimizers] == [torch.optim.AdamW] * 3
    group = {name: {id(p) for g in opt.param_groups for p in g["params"]} for name, opt in phases.optimizer.items()}
    assert group["weak"] == {id(p) for m in (model.weak, model.confidence) for p in m.parameters()}
    assert group["strong"] == {id(p) for p in model.strong.parameters()}
    assert group["joint"] == {id(p) for p in model.parameters()}
    adam = MowstPhases(model, phases.graph, phases.x, phases.y, phases.ids, Evaluator("acc"), ExpectedRouting(),
                       seed=0, lr=0.01, weight_decay=0.0, epochs=1, patience=1, optimizer="adam")
    assert all(type(o) is torch.optim.Adam for o in adam.optimizers)


def test_joint_schedule_is_one_phase(phases):
    next_phase = schedule(phases, Joint(big_epochs=3, big_patience=1), ("weak", "strong"))
    assert [next_phase(i, [result(0.5)] * i).name for i in range(3)] == ["pretrain-weak", "pretrain-strong", "joint"]
    assert next_phase(3, [result(0.5)] * 3) is None
    assert next_phase(2, []).optimizer is phases.optimizer["joint"]
