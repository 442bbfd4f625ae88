"""The epoch loop every trained method shares: early stopping on validation, NaN/inf guard, atomic
checkpoints with RNG state (so a killed run resumes onto the same trajectory)."""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from graphlab.errors import TrainingError
from graphlab.experiment import SeedContext


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
        epochs: int, patience: int, eval_every: int = 1, desc: str = "epochs") -> FitResult:
    """Train for up to ``epochs``; ``train_epoch(epoch) -> loss``, ``evaluate() -> (valid, test)`` (higher is better).

    Keeps the parameters of the best validation epoch and stops after ``patience`` epochs without improvement.
    """
    state = ctx.checkpoint.load()
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
            ctx.checkpoint.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                                 "epoch": epoch + 1, "best_valid": best_valid, "best_test": best_test,
                                 "best_epoch": best_epoch, "stale": stale, "best_state": best_state,
                                 "curves": curves, "rng": _rng_state()})
        if stale >= patience:
            break
    model.load_state_dict(best_state)
    return FitResult(best_valid, best_test, best_epoch + 1, epoch + 1, best_state, curves)
