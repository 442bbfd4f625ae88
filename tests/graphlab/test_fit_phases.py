"""fit_phases: a sequence of fit() loops — selection across phases, undoing a phase that does not improve,
learning curves end to end, per-phase checkpoints, and resuming inside the phase a run was killed in."""

from __future__ import annotations

import pytest
import torch
from tqdm.auto import tqdm

from graphlab.experiment import Checkpointer, SeedContext
from graphlab.training import FitResult, Phase, fit_phases

# per phase: (select, validation score after each epoch); the weight moves by +1 per epoch of phase 0, +10 per
# epoch of phase 1 … so the kept parameters tell which epoch of which phase survived
SCRIPT = [(False, [0.9, 0.95]), (True, [0.2, 0.5, 0.4]), (True, [0.3, 0.45, 0.1]), (True, [0.6, 0.7, 0.65])]


def context(tmp_path, checkpoint_every: int = 1) -> SeedContext:
    return SeedContext(seed=0, index=0, device=torch.device("cpu"), checkpoint=Checkpointer(tmp_path / "seed0.pt"),
                       progress=lambda it=None, **kw: tqdm(it, disable=True, **kw), checkpoint_every=checkpoint_every)


def scripted(model: torch.nn.Linear, calls: list[tuple[int, int]], stop: tuple[int, int] | None = None):
    optimizers = [torch.optim.SGD(model.parameters(), lr=1.0)]

    def next_phase(index: int, history: list[FitResult]) -> Phase | None:
        if index == len(SCRIPT):
            return None
        assert len(history) == index
        select, scores = SCRIPT[index]
        current = {"epoch": 0}

        def train_epoch(epoch: int) -> float:
            calls.append((index, epoch))
            if (index, epoch) == stop:
                raise KeyboardInterrupt
            with torch.no_grad():
                model.weight += 10.0 ** index
            current["epoch"] = epoch
            return 1.0

        def evaluate() -> tuple[float, float]:
            return scores[current["epoch"]], -scores[current["epoch"]]

        return Phase(f"p{index}", optimizers[0], train_epoch, evaluate, epochs=len(scores), patience=10,
                     select=select)

    return optimizers, next_phase


def test_selection_undo_and_curves(tmp_path):
    model = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(model.weight)
    optimizers, next_phase = scripted(model, calls := [])
    result = fit_phases(context(tmp_path), model, optimizers, next_phase)
    # phase 0 (not selecting) kept its best epoch 2 → w = 2; phase 1 best at its epoch 2 → w = 2 + 20;
    # phase 2 peaks at 0.45 < 0.5: undone; phase 3 best at its epoch 2 → w = 22 + 2000
    assert model.weight.item() == pytest.approx(2022.0)
    assert (result.best_valid, result.best_test) == (0.7, -0.7)
    assert result.best_epoch == 2 + 3 + 3 + 2 and result.epochs == 11
    assert result.curves["valid"] == [v for _, scores in SCRIPT for v in scores]
    assert len(result.curves["train_loss"]) == 11
    assert not list(tmp_path.glob("seed0.phase*.pt"))  # each phase's checkpoint is gone once the phase is done
    assert Checkpointer(tmp_path / "seed0.pt").load()["history"][1].best_valid == 0.5


@pytest.mark.parametrize("stop", [(2, 1), (3, 0)])
def test_a_killed_run_resumes_inside_its_phase(tmp_path, stop):
    reference = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(reference.weight)
    optimizers, next_phase = scripted(reference, [])
    expected = fit_phases(context(tmp_path / "ref"), reference, optimizers, next_phase)

    model = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(model.weight)
    optimizers, next_phase = scripted(model, calls := [], stop=stop)
    with pytest.raises(KeyboardInterrupt):
        fit_phases(context(tmp_path / "run"), model, optimizers, next_phase)
    assert (tmp_path / "run" / "seed0.pt").is_file()
    model = torch.nn.Linear(1, 1, bias=False)  # a fresh process: the state comes from the checkpoints
    optimizers, next_phase = scripted(model, calls := [])
    got = fit_phases(context(tmp_path / "run"), model, optimizers, next_phase)
    assert calls[0] == stop  # finished phases are not rerun; the stopped one continues at its last checkpoint
    assert model.weight.item() == reference.weight.item()
    assert (got.best_valid, got.best_test, got.best_epoch, got.epochs, got.curves) == (
        expected.best_valid, expected.best_test, expected.best_epoch, expected.epochs, expected.curves)


def test_checkpointer_children_are_cleared_with_the_seed(tmp_path):
    seed = Checkpointer(tmp_path / "seed1.pt")
    for c in (seed, seed.child("phase0"), seed.child("phase12"), Checkpointer(tmp_path / "seed10.pt")):
        c.save({"x": 1})
    assert seed.child("phase0").path.name == "seed1.phase0.pt"
    seed.clear()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed10.pt"]
