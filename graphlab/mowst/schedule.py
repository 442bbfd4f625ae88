"""Mowst's training schedule: the phases (pre-training an expert, the MLP turn, the GNN turn, the joint run) and
the variants that order them, run by :func:`graphlab.training.fit_phases`.

- ``mowst``: "big epochs" of an MLP turn then a GNN turn, each minimising the separate-loss objective
  L = mean_i [C_i·CE(MLP_i) + (1 − C_i)·CE(GNN_i)] with the other expert frozen, each with early stopping on
  the mixture's validation score; a turn that does not improve it is undone; the alternation stops after
  ``big_patience`` rounds without improvement or ``big_epochs`` rounds.
- ``mowst_star``: one run of CE(C·z_MLP + (1 − C)·z_GNN) over the MLP, the GNN and the gate together.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

import dgl
import torch
import torch.nn.functional as F
from torch import Tensor

from graphlab.eval import Evaluator
from graphlab.mowst.inference import Inference
from graphlab.mowst.model import ExpertOutputs, Mowst
from graphlab.training import FitResult, Phase, check_finite_outputs

T = TypeVar("T")

#: ``trainer.optimizer`` → its class.
OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {"adamw": torch.optim.AdamW, "adam": torch.optim.Adam}

#: ``model.pretrain`` → the experts trained alone (with plain CE) before the variant's phases, in order.
PRETRAIN: dict[str, tuple[str, ...]] = {"none": (), "mlp": ("weak",), "gnn": ("strong",), "both": ("weak", "strong")}


def frozen(compute: Callable[[], T]) -> Callable[[], T]:
    """``compute()`` once, without gradient, at the first call: a frozen expert's outputs stay fixed for a turn."""
    cache: list[T] = []

    def get() -> T:
        if not cache:
            with torch.no_grad():
                cache.append(compute())
        return cache[0]

    return get


class MowstPhases:
    """The :class:`~graphlab.training.Phase` objects of one seed of full-graph training.

    One optimizer (``OPTIMIZERS[optimizer]``) per parameter group that a phase trains: ``weak`` (MLP + gate),
    ``strong`` (GNN), ``joint`` (all).
    ``ids`` holds the train/valid/test node ids; the phases' early stopping and model selection score the mixture
    with the ``steering`` inference under ``evaluator``'s metric.
    """

    def __init__(self, model: Mowst, graph: dgl.DGLGraph, x: Tensor, y: Tensor, ids: dict[str, Tensor],
                 evaluator: Evaluator, steering: Inference, seed: int, lr: float, weight_decay: float,
                 epochs: int, patience: int, optimizer: str = "adamw") -> None:
        self.model, self.graph, self.x, self.y, self.ids = model, graph, x, y, ids
        self.evaluator, self.steering, self.seed = evaluator, steering, seed
        self.epochs, self.patience = epochs, patience
        groups = {"weak": [*model.weak.parameters(), *model.confidence.parameters()],
                  "strong": list(model.strong.parameters()), "joint": list(model.parameters())}
        self.optimizer = {name: OPTIMIZERS[optimizer](params, lr=lr, weight_decay=weight_decay)
                          for name, params in groups.items()}

    @property
    def optimizers(self) -> list[torch.optim.Optimizer]:
        return list(self.optimizer.values())

    # ------------------------------------------------------------------ shared pieces
    def _phase(self, name: str, group: str, loss: Callable[[], Tensor], evaluate: Callable[[], tuple[float, float]],
               select: bool = True) -> Phase:
        """A phase stepping optimizer ``group`` on ``loss()`` once per epoch."""
        optimizer = self.optimizer[group]

        def train_epoch(epoch: int) -> float:
            optimizer.zero_grad()
            value = loss()
            value.backward()
            optimizer.step()
            return value.item()

        return Phase(name, optimizer, train_epoch, evaluate, self.epochs, self.patience, select)

    def scores(self, out: ExpertOutputs, inference: Inference | None = None) -> tuple[float, float]:
        """(valid, test) of the mixture under ``inference`` (default: the steering one)."""
        check_finite_outputs(torch.cat([out.weak, out.strong, out.gate.unsqueeze(1)], 1), self.seed)
        inference = inference or self.steering
        valid, test = self.ids["valid"], self.ids["test"]
        return (inference.score(out[valid], self.y[valid], self.evaluator),
                inference.score(out[test], self.y[test], self.evaluator))

    def expert_scores(self, logits: Tensor) -> tuple[float, float]:
        """(valid, test) of one expert's logits."""
        check_finite_outputs(logits, self.seed)
        valid, test = (self.evaluator.eval({"y_true": self.y[ids], "y_pred": logits[ids]})[self.evaluator.metric]
                       for ids in (self.ids["valid"], self.ids["test"]))
        return valid, test

    def separate_loss(self, out: ExpertOutputs) -> Tensor:
        """L = mean_i [C_i·CE(MLP_i) + (1 − C_i)·CE(GNN_i)] over the training nodes."""
        train = self.ids["train"]
        out, y = out[train], self.y[train]
        ce_weak = F.cross_entropy(out.weak, y, reduction="none")
        ce_strong = F.cross_entropy(out.strong, y, reduction="none")
        return (out.gate * ce_weak + (1 - out.gate) * ce_strong).mean()

    # ------------------------------------------------------------------ the phases
    def pretrain(self, expert: str) -> Phase:
        """``expert`` ("weak" | "strong") alone: CE on the training nodes, early stopping on its own score."""
        module = getattr(self.model, expert)
        train = self.ids["train"]

        def loss() -> Tensor:
            return F.cross_entropy(module(self.graph, self.x)[train], self.y[train])

        return self._phase(f"pretrain-{expert}", expert, loss,
                           lambda: self.expert_scores(module(self.graph, self.x)), select=False)

    def weak_turn(self) -> Phase:
        """The MLP and the gate minimise L against the frozen GNN (its eval-mode logits, computed once)."""
        strong = frozen(lambda: self.model.strong.eval()(self.graph, self.x))

        def outputs() -> ExpertOutputs:
            logits, gate = self.model.weak_outputs(self.x)
            return ExpertOutputs(logits, strong(), gate)

        return self._phase("mlp-turn", "weak", lambda: self.separate_loss(outputs()),
                           lambda: self.scores(outputs()))

    def strong_turn(self) -> Phase:
        """The GNN minimises L with the MLP and the gate frozen (their eval-mode outputs, computed once)."""

        def frozen_weak() -> tuple[Tensor, Tensor]:
            self.model.weak.eval()
            self.model.confidence.eval()
            return self.model.weak_outputs(self.x)

        weak = frozen(frozen_weak)

        def outputs() -> ExpertOutputs:
            logits, gate = weak()
            return ExpertOutputs(logits, self.model.strong(self.graph, self.x), gate)

        return self._phase("gnn-turn", "strong", lambda: self.separate_loss(outputs()),
                           lambda: self.scores(outputs()))

    def joint(self) -> Phase:
        """Mowst*: MLP, GNN and gate minimise CE(C·z_MLP + (1 − C)·z_GNN) together."""
        train = self.ids["train"]

        def loss() -> Tensor:
            return F.cross_entropy(self.model(self.graph, self.x)[train].mixture_logits(), self.y[train])

        return self._phase("joint", "joint", loss, lambda: self.scores(self.model(self.graph, self.x)))


class Variant:
    """Strategy: the phases after pre-training (``next_phase(phases, turn, history)``, None to stop), the
    inference the variant is trained for and its pre-training (``default_inference``, ``default_pretrain``: used
    for ``auto``), and the inference that steers its early stopping and model selection (``steering``; None: the
    run's ``model.inference``)."""

    default_inference = "expected"
    default_pretrain = "none"
    steering: str | None = None

    def __init__(self, big_epochs: int, big_patience: int) -> None:
        self.big_epochs, self.big_patience = big_epochs, big_patience

    def next_phase(self, phases: MowstPhases, turn: int, history: Sequence[FitResult]) -> Phase | None:
        raise NotImplementedError(f"{type(self).__name__} must implement next_phase")


class Alternating(Variant):
    """Mowst: MLP turn, GNN turn, MLP turn … in rounds ("big epochs") with outer patience.

    Steered by the expected score of the stochastic gate, whatever ``model.inference``: under the threshold
    rule a GNN turn is invisible while the gate sends every node to the MLP (as after a first MLP turn against
    an untrained GNN), so every GNN turn would be undone and the GNN would never learn.
    """

    default_inference = "expected"
    default_pretrain = "gnn"
    steering = "expected"

    def next_phase(self, phases: MowstPhases, turn: int, history: Sequence[FitResult]) -> Phase | None:
        if turn % 2 == 0 and (turn // 2 >= self.big_epochs or stale_rounds(history) >= self.big_patience):
            return None
        return phases.weak_turn() if turn % 2 == 0 else phases.strong_turn()


class Joint(Variant):
    """Mowst*: a single joint phase (the round budget does not apply)."""

    default_inference = "mixture"
    default_pretrain = "none"

    def next_phase(self, phases: MowstPhases, turn: int, history: Sequence[FitResult]) -> Phase | None:
        return phases.joint() if turn == 0 else None


#: Variants by ``model.variant`` name.
VARIANTS: dict[str, type[Variant]] = {"mowst": Alternating, "mowst_star": Joint}


def stale_rounds(turns: Sequence[FitResult]) -> int:
    """Trailing rounds (pairs of turns) whose best validation score beats no earlier round's."""
    best, stale = -math.inf, 0
    for start in range(0, len(turns), 2):
        score = max(r.best_valid for r in turns[start:start + 2])
        best, stale = (score, 0) if score > best else (best, stale + 1)
    return stale


def schedule(phases: MowstPhases, variant: Variant,
             pretrain: Sequence[str]) -> Callable[[int, list[FitResult]], Phase | None]:
    """``next_phase`` for :func:`~graphlab.training.fit_phases`: the ``pretrain`` experts, then the variant."""

    def next_phase(index: int, history: list[FitResult]) -> Phase | None:
        if index < len(pretrain):
            return phases.pretrain(pretrain[index])
        return variant.next_phase(phases, index - len(pretrain), history[len(pretrain):])

    return next_phase
