"""The epoch loop every trained method shares: early stopping on validation, NaN/inf guard, atomic
checkpoints with RNG state (so a killed run resumes onto the same trajectory); and :func:`fit_phases`, a
sequence of such loops (pre-training, alternating turns …) that resumes inside the phase it was killed in."""

from __future__ import annotations

import copy
import dataclasses
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from graphlab.errors import TrainingError
from graphlab.experiment import Checkpointer, SeedContext


@dataclass
class FitResult:
    """Scores at the epoch with the best validation metric and the learning curves."""

    best_valid: float
    best_test: float
    best_epoch: int
    epochs: int
    best_state: dict[str, Any]
    curves: dict[str, list[float]] = field(default_factory=dict)


def _rng_state() -> dict[str, Any]:
    return {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}


def _set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])


def reseed_sampling(seed: int, epoch: int) -> None:
    """Seed DGL's sampler RNG from (seed, epoch) so that a resumed epoch samples the same neighbourhoods."""
    import dgl

    dgl.seed(seed * 1_000_003 + epoch)


def check_finite(loss: float, seed: int, epoch: int, model: torch.nn.Module | None = None) -> None:
    """Stop the run with a message when the training loss — or, after the update, a parameter — is NaN/inf."""
    what = None
    if not math.isfinite(loss):
        what = f"training loss is {loss}"
    elif model is not None and not all(bool(torch.isfinite(p).all()) for p in model.parameters()):
        what = "parameters became nan/inf after the update"
    if what:
        raise TrainingError(f"seed {seed}, epoch {epoch}: {what}; the run is stopped "
                            f"(try a lower trainer.lr or check the input features)")


def check_finite_outputs(outputs: torch.Tensor, seed: int) -> None:
    """Stop the run when a model's outputs contain NaN/inf (e.g. weights blown up by a huge learning rate)."""
    if not bool(torch.isfinite(outputs).all()):
        raise TrainingError(f"seed {seed}: the model's outputs became nan/inf; the run is stopped "
                            f"(try a lower trainer.lr or check the input features)")


def fit(ctx: SeedContext, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
        train_epoch: Callable[[int], float], evaluate: Callable[[], tuple[float, float]],
        epochs: int, patience: int, eval_every: int = 1, desc: str = "epochs",
        checkpoint: Checkpointer | None = None) -> FitResult:
    """Train for up to ``epochs``; ``train_epoch(epoch) -> loss``, ``evaluate() -> (valid, test)`` (higher is better).

    Keeps the parameters of the best validation epoch and stops after ``patience`` epochs without improvement.
    Checkpoints go to ``checkpoint`` (default: the seed's, ``ctx.checkpoint``) every ``ctx.checkpoint_every``
    epochs, and a checkpoint found there is resumed.
    """
    checkpoint = checkpoint or ctx.checkpoint
    state = checkpoint.load()
    start, best_valid, best_test, best_epoch, stale = 0, -math.inf, -math.inf, -1, 0
    best_state = copy.deepcopy(model.state_dict())
    curves: dict[str, list[float]] = {"train_loss": [], "valid": []}
    if state is not None:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start, best_valid, best_test = state["epoch"], state["best_valid"], state["best_test"]
        best_epoch, stale, best_state, curves = state["best_epoch"], state["stale"], state["best_state"], state["curves"]
        _set_rng_state(state["rng"])
    bar = ctx.progress(range(start, epochs), desc=desc, initial=start, total=epochs)
    epoch = start
    for epoch in bar:
        reseed_sampling(ctx.seed, epoch)
        model.train()
        loss = float(train_epoch(epoch))
        check_finite(loss, ctx.seed, epoch, model)
        curves["train_loss"].append(loss)
        if (epoch + 1) % eval_every == 0 or epoch + 1 == epochs:
            model.eval()
            with torch.no_grad():
                valid, test = evaluate()
            curves["valid"].append(float(valid))
            if valid > best_valid:
                best_valid, best_test, best_epoch, stale = float(valid), float(test), epoch, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                stale += eval_every
            bar.set_postfix(loss=f"{loss:.4f}", valid=f"{valid:.4f}", best=f"{best_valid:.4f}")
        if ctx.checkpoint_every and (epoch + 1) % ctx.checkpoint_every == 0:
            checkpoint.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                                 "epoch": epoch + 1, "best_valid": best_valid, "best_test": best_test,
                                 "best_epoch": best_epoch, "stale": stale, "best_state": best_state,
                                 "curves": curves, "rng": _rng_state()})
        if stale >= patience:
            break
    model.load_state_dict(best_state)
    return FitResult(best_valid, best_test, best_epoch + 1, epoch + 1, best_state, curves)


@dataclass
class Phase:
    """One stage of a :func:`fit_phases` schedule: a :func:`fit` of ``optimizer`` with its own early stopping.

    A ``select`` phase competes for model selection: the run ends with the parameters of the selecting phase
    with the best validation score, and a selecting phase that does not beat the best so far is undone (the
    model returns to the parameters it had before). Other phases (pre-training one expert, say) keep their
    result and leave the best score alone.
    """

    name: str
    optimizer: torch.optim.Optimizer
    train_epoch: Callable[[int], float]
    evaluate: Callable[[], tuple[float, float]]
    epochs: int
    patience: int
    select: bool = True


def fit_phases(ctx: SeedContext, model: torch.nn.Module, optimizers: Sequence[torch.optim.Optimizer],
               next_phase: Callable[[int, list[FitResult]], Phase | None], eval_every: int = 1) -> FitResult:
    """Run ``next_phase(0, [])``, ``next_phase(1, [r0])``, … (each a :func:`fit`) until it returns None.

    ``next_phase(i, history)`` sees the results of the phases before ``i`` (without their states) and must
    depend on nothing else, so that a resumed run takes the same decisions. Phase ``i`` checkpoints to
    ``ctx.checkpoint.child(f"phase{i}")``; after each phase the seed's checkpoint holds the model, every
    optimizer in ``optimizers``, the results so far and the RNG state, so a killed run resumes inside the phase
    it was in. Returns the best selecting phase's scores (``best_epoch`` counted over all phases) and the
    learning curves of all phases end to end; the model is left with the best selecting phase's parameters.
    """
    history: list[FitResult] = []
    best_valid, best_test, best_epoch = -math.inf, -math.inf, 0
    best_state = copy.deepcopy(model.state_dict())
    curves: dict[str, list[float]] = {"train_loss": [], "valid": []}
    state = ctx.checkpoint.load()
    if state is not None:
        model.load_state_dict(state["model"])
        for optimizer, saved in zip(optimizers, state["optimizers"], strict=True):
            optimizer.load_state_dict(saved)
        history, curves, best_state = state["history"], state["curves"], state["best_state"]
        best_valid, best_test, best_epoch = state["best_valid"], state["best_test"], state["best_epoch"]
        _set_rng_state(state["rng"])
    while (phase := next_phase(len(history), history)) is not None:
        checkpoint = ctx.checkpoint.child(f"phase{len(history)}")
        result = fit(ctx, model, phase.optimizer, phase.train_epoch, phase.evaluate, phase.epochs, phase.patience,
                     eval_every, desc=f"seed {ctx.seed} {phase.name}", checkpoint=checkpoint)
        if phase.select and result.best_valid > best_valid:
            best_valid, best_test = result.best_valid, result.best_test
            best_epoch = sum(r.epochs for r in history) + result.best_epoch
            best_state = copy.deepcopy(model.state_dict())
        elif phase.select:
            model.load_state_dict(best_state)
        for key in curves:
            curves[key] += result.curves.get(key, [])
        history.append(dataclasses.replace(result, best_state={}, curves={}))
        if ctx.checkpoint_every:
            ctx.checkpoint.save({"model": model.state_dict(), "optimizers": [o.state_dict() for o in optimizers],
                                 "history": history, "curves": curves, "best_state": best_state,
                                 "best_valid": best_valid, "best_test": best_test, "best_epoch": best_epoch,
                                 "rng": _rng_state()})
        checkpoint.clear()
    if best_valid > -math.inf:
        model.load_state_dict(best_state)
    return FitResult(best_valid, best_test, best_epoch, sum(r.epochs for r in history), best_state, curves)
