"""How a trained Mowst predicts, as strategies that score :class:`ExpertOutputs` rows, and the routing analysis.

- ``expected``: the stochastic gate of the paper (node i draws q ~ U(0, 1) and uses the MLP iff q < C_i),
  scored exactly in expectation instead of by sampling;
- ``threshold``: the deterministic gate, the MLP iff C_i ≥ 0.5;
- ``mixture``: Mowst*'s prediction, the argmax of C·z_MLP + (1 − C)·z_GNN.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphlab.eval import Evaluator
from graphlab.mowst.model import ExpertOutputs

#: The deterministic gate's cut: a node goes to the MLP iff C ≥ THRESHOLD.
THRESHOLD = 0.5


class Inference:
    """Strategy: the score (the evaluator's metric) of Mowst's predictions on some rows."""

    def score(self, out: ExpertOutputs, y: Tensor, evaluator: Evaluator) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement score")


class Routing(Inference):
    """Node i takes the MLP's prediction with probability w_i and the GNN's otherwise.

    Accuracy is the exact expectation over the routing draws,
    E[acc] = mean_i [w_i·1(MLP right) + (1 − w_i)·1(GNN right)];
    any other metric (ROC-AUC) scores the expected class probabilities w·p_MLP + (1 − w)·p_GNN, which for
    0/1 weights are the routed expert's own probabilities.
    """

    def weak_weight(self, gate: Tensor) -> Tensor:
        """w_i, the probability that node i uses the MLP: ``(N,)`` → ``(N,)``."""
        raise NotImplementedError(f"{type(self).__name__} must implement weak_weight")

    def score(self, out: ExpertOutputs, y: Tensor, evaluator: Evaluator) -> float:
        w = self.weak_weight(out.gate)
        if evaluator.metric == "acc":
            weak_right = (out.weak.argmax(1) == y).float()
            strong_right = (out.strong.argmax(1) == y).float()
            return float((w * weak_right + (1 - w) * strong_right).mean())
        w = w.unsqueeze(1)
        probs = w * torch.softmax(out.weak, 1) + (1 - w) * torch.softmax(out.strong, 1)
        return evaluator.eval({"y_true": y, "y_pred": probs})[evaluator.metric]


class ExpectedRouting(Routing):
    """The stochastic gate in expectation: w = C."""

    def weak_weight(self, gate: Tensor) -> Tensor:
        return gate


class ThresholdRouting(Routing):
    """The deterministic gate: w = 1[C ≥ 0.5]."""

    def weak_weight(self, gate: Tensor) -> Tensor:
        return (gate >= THRESHOLD).to(gate.dtype)


class LogitMixture(Inference):
    """Mowst*'s prediction: the metric of the mixed logits C·z_MLP + (1 − C)·z_GNN."""

    def score(self, out: ExpertOutputs, y: Tensor, evaluator: Evaluator) -> float:
        return evaluator.eval({"y_true": y, "y_pred": out.mixture_logits()})[evaluator.metric]


#: Inference strategies by ``model.inference`` name.
INFERENCES: dict[str, type[Inference]] = {
    "expected": ExpectedRouting,
    "threshold": ThresholdRouting,
    "mixture": LogitMixture,
}


def routing_report(out: ExpertOutputs, y: Tensor) -> dict[str, float]:
    """Where the nodes go and how each expert does on them (answers "what if the MLP is confident but wrong?").

    ``gnn_fraction``: share sent to the GNN by the threshold gate (C < 0.5); ``gnn_fraction_expected``: E[1 − C];
    ``mlp_routed_acc`` / ``gnn_routed_acc``: accuracy of the MLP on the nodes it gets and of the GNN on the
    others (a key is left out when its set is empty); ``mlp_acc`` / ``gnn_acc``: each expert on all nodes;
    ``gate_mean``: mean C.
    """
    to_weak = out.gate >= THRESHOLD
    weak_right = out.weak.argmax(1) == y
    strong_right = out.strong.argmax(1) == y
    report = {"gnn_fraction": float((~to_weak).float().mean()),
              "gnn_fraction_expected": float((1 - out.gate).mean()),
              "gate_mean": float(out.gate.mean()),
              "mlp_acc": float(weak_right.float().mean()),
              "gnn_acc": float(strong_right.float().mean())}
    if to_weak.any():
        report["mlp_routed_acc"] = float(weak_right[to_weak].float().mean())
    if (~to_weak).any():
        report["gnn_routed_acc"] = float(strong_right[~to_weak].float().mean())
    return report
