"""``Evaluator(name)``: OGB's dict-in/dict-out interface (``ogb/nodeproppred/evaluate.py``) over
:mod:`graphlab.eval.metrics`, and OGB's own evaluators for OGB dataset names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import torch

from graphlab.eval.metrics import (
    accuracy,
    as_tensor,
    average_precision,
    hits_at_k,
    ndcg_at_k,
    ranks,
    recall_at_k,
    rocauc,
)

Shape = tuple[Any, ...]  # ints are fixed sizes; equal letters are sizes that must agree

# kind -> accepted input layouts (key -> shape); every layout of a kind has the same keys.
_LAYOUTS: dict[str, list[dict[str, Shape]]] = {
    "acc": [
        {"y_true": ("N",), "y_pred": ("N",)},
        {"y_true": ("N",), "y_pred": ("N", "C")},
        {"y_true": ("N", 1), "y_pred": ("N",)},
        {"y_true": ("N", 1), "y_pred": ("N", "C")},
    ],
    "rocauc": [
        {"y_true": ("N",), "y_pred": ("N",)},
        {"y_true": ("N",), "y_pred": ("N", 2)},
        {"y_true": ("N", "T"), "y_pred": ("N", "T")},
    ],
    "ap": [
        {"y_true": ("N",), "y_pred": ("N",)},
        {"y_true": ("N",), "y_pred": ("N", 2)},
        {"y_true": ("N", 1), "y_pred": ("N", 1)},
    ],
    "mrr": [{"y_pred_pos": ("N",), "y_pred_neg": ("N", "K")}],
    "hits": [{"y_pred_pos": ("N",), "y_pred_neg": ("N", "K")}],
    "recall": [{"scores": ("U", "I"), "targets": ("U", "I"), "exclude": ("U", "I")}],
    "ndcg": [{"scores": ("U", "I"), "targets": ("U", "I"), "exclude": ("U", "I")}],
}
_OPTIONAL = {"exclude"}
_PREDICTIONS = {"y_pred", "y_pred_pos", "y_pred_neg", "scores"}  # keys that must be NaN-free
_MRR_HITS = (1, 3, 10)
_VALID_NAMES = "acc, rocauc, ap, mrr, hits@K, recall@K, ndcg@K (K >= 1), ogbn-*, ogbl-*"


def _parse_name(name: str) -> tuple[str, int]:
    """Split e.g. "recall@20" into ("recall", 20); names without @K get k = 0."""
    match = re.fullmatch(r"(hits|recall|ndcg)@([1-9][0-9]*)", name)
    if match:
        return match.group(1), int(match.group(2))
    if name in ("acc", "rocauc", "ap", "mrr"):
        return name, 0
    raise ValueError(f"Evaluator: unknown name {name!r}; valid names are {_VALID_NAMES}")


def _load_ogb_evaluator(name: str) -> Any:
    """OGB's own evaluator for ``name`` (graphlab/__init__ keeps ogb's online version check off)."""
    if name.startswith("ogbn-"):
        from ogb.nodeproppred import Evaluator as OgbEvaluator
    else:
        from ogb.linkproppred import Evaluator as OgbEvaluator
    return OgbEvaluator(name)


def _shape_str(shape: Shape) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _fits(shapes: dict[str, torch.Size], layout: dict[str, Shape]) -> bool:
    """Whether the given shapes match ``layout``, with equal letters bound to equal sizes."""
    sizes: dict[str, int] = {}
    for key, shape in shapes.items():
        pattern = layout[key]
        if len(shape) != len(pattern):
            return False
        for dim, size in zip(pattern, shape, strict=True):
            if isinstance(dim, int) and dim != size:
                return False
            if isinstance(dim, str) and sizes.setdefault(dim, size) != size:
                return False
    return True


class Evaluator:
    """Computes a named metric from a dict of arrays and returns a dict of floats, as OGB does.

    Names: "acc", "rocauc", "ap", "mrr" (also reports hits@1/3/10), "hits@K", "recall@K" and
    "ndcg@K" for any integer K >= 1; "ogbn-*" and "ogbl-*" dataset names use OGB's own evaluator, so
    leaderboard numbers are computed by the leaderboard's code. Values may be torch tensors or
    numpy arrays; see ``expected_input_format`` for the keys and shapes of each name.

    Example:
        >>> Evaluator("acc").eval({"y_true": torch.tensor([0, 1]), "y_pred": torch.tensor([0, 0])})
        {'acc': 0.5}
    """

    higher_is_better = True

    def __init__(self, name: str) -> None:
        self.name = name
        self._ogb = None
        if name.startswith(("ogbn-", "ogbl-")):
            self._ogb = _load_ogb_evaluator(name)
            self.metric: str = self._ogb.eval_metric
            self.expected_input_format: str = self._ogb.expected_input_format
            self.expected_output_format: str = self._ogb.expected_output_format
            return
        self._kind, self._k = _parse_name(name)
        self.metric = name
        layouts = " | ".join(
            "{" + ", ".join(f"'{key}': {_shape_str(shape)}" for key, shape in layout.items()) + "}"
            for layout in _LAYOUTS[self._kind]
        )
        optional = [key for key in _LAYOUTS[self._kind][0] if key in _OPTIONAL]
        self.expected_input_format = (
            f"==== Expected input format of Evaluator({name!r})\n"
            f"a dict of torch tensors or numpy arrays, one of: {layouts}"
            + (f"\noptional keys: {', '.join(optional)}" if optional else "")
        )
        keys = [f"hits@{k}" for k in _MRR_HITS] if self._kind == "mrr" else []
        self.expected_output_format = (
            f"==== Expected output format of Evaluator({name!r})\n"
            "{" + ", ".join(f"'{key}': float" for key in [name, *keys]) + "}"
        )

    def __repr__(self) -> str:
        return f"Evaluator({self.name!r})"

    def eval(self, input_dict: Mapping[str, Any]) -> dict[str, Any]:
        """Metric values for ``input_dict``, keyed as in ``expected_output_format``."""
        if self._ogb is not None:
            return self._ogb.eval(input_dict)
        x = self._check_input(input_dict)
        kind, k = self._kind, self._k
        if kind == "acc":
            return {"acc": accuracy(x["y_true"], x["y_pred"])}
        if kind == "rocauc":
            return {"rocauc": rocauc(x["y_true"], x["y_pred"])}
        if kind == "ap":
            return {"ap": average_precision(x["y_true"], x["y_pred"])}
        if kind == "hits":
            return {self.name: hits_at_k(x["y_pred_pos"], x["y_pred_neg"], k)}
        if kind == "mrr":
            r = ranks(x["y_pred_pos"], x["y_pred_neg"])
            hits = {f"hits@{h}": (r <= h).float().mean().item() for h in _MRR_HITS}
            return {"mrr": r.reciprocal().mean().item(), **hits}
        metric = recall_at_k if kind == "recall" else ndcg_at_k
        return {self.name: metric(x["scores"], x["targets"], k, exclude=x.get("exclude"))}

    def _check_input(self, input_dict: Mapping[str, Any]) -> dict[str, torch.Tensor]:
        """Tensors for the expected keys; raises ValueError on a missing key, a shape mismatch or NaN."""
        if not isinstance(input_dict, Mapping):
            raise ValueError(
                f"{self!r}.eval needs a dict, got {type(input_dict).__name__}\n{self.expected_input_format}"
            )
        x = {}
        for key in _LAYOUTS[self._kind][0]:
            if key not in input_dict:
                if key in _OPTIONAL:
                    continue
                raise ValueError(f"{self!r}: missing key {key!r}\n{self.expected_input_format}")
            x[key] = as_tensor(input_dict[key])
            if key in _PREDICTIONS and x[key].is_floating_point() and torch.isnan(x[key]).any():
                raise ValueError(f"{self!r}: {key!r} contains NaN\n{self.expected_input_format}")
        shapes = {key: value.shape for key, value in x.items()}
        if not any(_fits(shapes, layout) for layout in _LAYOUTS[self._kind]):
            got = ", ".join(f"{key!r}: {_shape_str(tuple(shape))}" for key, shape in shapes.items())
            raise ValueError(f"{self!r}: shape mismatch, got {{{got}}}\n{self.expected_input_format}")
        return x
