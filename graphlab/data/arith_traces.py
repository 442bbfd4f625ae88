"""``arith-traces``: multi-step arithmetic problems with step-wise solutions and controllable depth.

A problem starts from an operand and applies ``depth`` operations left to right, one solution step each:
``What is 12 + 7 - 5?`` → steps ``["12 + 7 = 19", "19 - 5 = 14"]``, answer ``"14"``. Operands are drawn
uniformly from [low, high]; ops from ``ops`` (``*`` puts the running expression in parentheses:
``(12 + 7) * 3``). Unless ``negative`` is set, a subtraction never goes below zero: it subtracts at most the
running value, and is not drawn while that value is below ``low`` (with ``ops="-"`` alone it then subtracts
the whole value). Examples follow the ``math`` schema of :mod:`graphlab.data.text_tasks` (``id, question,
steps, answer``) plus ``expression`` and ``depth``.

Deterministic: split s of seed k draws from ``random.Random("arith-traces:k:s")``; ``test`` is drawn first,
then ``valid``, then ``train``, each skipping expressions already drawn, so the splits are disjoint and the
test set does not depend on the train/valid sizes.

:func:`corrupt_trace` turns any step-wise example (arith-traces or gsm8k) into its trace up to a first wrong
step, for preference pairs (correct continuation vs first wrong step).
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from typing import Any

from graphlab.data.params import check_params, check_rules
from graphlab.data.text_tasks import TaskDataset
from graphlab.errors import ConfigError, DataError

DEFAULTS: dict[str, Any] = {"depth": 3, "low": 1, "high": 20, "ops": "+-", "negative": False,
                            "train": 2000, "valid": 200, "test": 500, "seed": 0}
SPLITS = ("test", "valid", "train")  # drawing order


def _params(params: dict[str, Any]) -> dict[str, Any]:
    p = check_params("arith-traces", params, DEFAULTS, untyped=("depth",))
    depth = p["depth"]
    bounds = [depth, depth] if isinstance(depth, int) else list(depth) if isinstance(depth, (list, tuple)) else []
    if len(bounds) != 2 or not all(isinstance(b, int) for b in bounds) or not 1 <= bounds[0] <= bounds[1]:
        raise ConfigError(f"dataset.params.depth must be an integer ≥ 1 or a [min, max] pair (got {depth!r})")
    check_rules(p, [("low", p["low"] >= 0, "≥ 0"), ("high", p["high"] >= p["low"], f"≥ low = {p['low']}"),
                    ("ops", bool(p["ops"]) and not set(p["ops"]) - set("+-*"), "a string of + - *"),
                    *((k, p[k] >= 0, "≥ 0") for k in ("train", "valid", "test", "seed"))])
    return {**p, "depth": bounds}


def _problem(rng: random.Random, p: dict[str, Any]) -> dict[str, Any]:
    value = rng.randint(p["low"], p["high"])
    expression, steps = str(value), []
    for _ in range(rng.randint(*p["depth"])):
        ops = p["ops"] if p["negative"] or value >= p["low"] else p["ops"].replace("-", "") or "-"
        op, b = rng.choice(ops), rng.randint(p["low"], p["high"])
        if op == "-" and not p["negative"] and b > value:
            b = rng.randint(min(p["low"], value), value)
        result = value + b if op == "+" else value - b if op == "-" else value * b
        left = f"({expression})" if op == "*" and ("+" in expression or "-" in expression) else expression
        expression = f"{left} {op} {b}"
        steps.append(f"{value} {op} {b} = {result}")
        value = result
    return {"question": f"What is {expression}?", "steps": steps, "answer": str(value),
            "expression": expression, "depth": len(steps)}


def arith_traces(**params: Any) -> TaskDataset:
    """Generate train/valid/test splits of arithmetic traces (parameters: see ``DEFAULTS`` and the module
    docstring); a range too small for the requested number of distinct problems is a ConfigError."""
    p = _params(params)
    seen: set[str] = set()
    examples: dict[str, list[dict[str, Any]]] = {}
    for split in SPLITS:
        rng, rows = random.Random(f"arith-traces:{p['seed']}:{split}"), []
        for _ in range(50 * p[split] + 1000):
            if len(rows) == p[split]:
                break
            x = _problem(rng, p)
            if x["expression"] not in seen:
                seen.add(x["expression"])
                rows.append({"id": f"{split}-{len(rows)}", **x})
        if len(rows) < p[split]:
            raise ConfigError(f"arith-traces: only {len(rows)} distinct {split} problems exist for depth "
                              f"{p['depth']}, operands {p['low']}..{p['high']}; widen the range or ask for fewer")
        examples[split] = rows
    ordered = {s: examples[s] for s in ("train", "valid", "test")}
    return TaskDataset(name="arith-traces", kind="math", examples=ordered, meta={"params": p})


def depth_covering(examples: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """``n`` exemplars from ``examples`` that cover their depths: round after round, the first unused example of
    each depth in ascending order (``[d1, d2, d1, d2, …]`` for depths 1–2), so a few-shot prompt does not show
    only one solution length (SmolLM2 copies the exemplars' number of steps). Fewer if ``examples`` run out."""
    by_depth: dict[int, list[dict[str, Any]]] = {}
    for x in examples:
        by_depth.setdefault(int(x.get("depth", len(x["steps"]))), []).append(x)
    queues = [by_depth[d] for d in sorted(by_depth)]
    chosen: list[dict[str, Any]] = []
    for i in range(max((len(q) for q in queues), default=0)):
        chosen += [q[i] for q in queues if i < len(q)]
    return chosen[:n]


def load_arith_traces(entry: Any, root: Any = None, **params: Any) -> TaskDataset:
    """Catalog loader of ``arith-traces`` (no files): the generator with the config's ``dataset.params``."""
    return arith_traces(**params)


_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


def _result_span(step: str) -> re.Match[str] | None:
    """The step's result: the first number after its last ``=``, else its last number."""
    after = step.rfind("=")
    found = _NUMBER.search(step, after + 1) if after >= 0 else None
    return found or (list(_NUMBER.finditer(step)) or [None])[-1]


def corrupt_trace(example: dict[str, Any], seed: int = 0, step: int | None = None) -> dict[str, Any]:
    """The trace of ``example`` up to its first wrong step: ``steps[:k]`` correct, then step k with its result
    r replaced by r ± d (d ∈ 1…10, kept ≥ 0 when r ≥ 0). k is ``step`` or drawn among the steps holding a
    number; the draw depends only on ``seed`` and the example's id and question.

    Returns ``{"id", "question", "steps", "wrong_step": k, "correct_step": steps[k]}``: the preference pair is
    (``steps[:k+1]`` of the example, ``steps`` returned here).
    """
    steps = list(example["steps"])
    candidates = [i for i, s in enumerate(steps) if _result_span(s)]
    if not candidates:
        raise DataError(f"example {example.get('id')!r}: no solution step holds a number to corrupt")
    rng = random.Random(f"corrupt:{seed}:{example.get('id')}:{example['question']}")
    k = rng.choice(candidates) if step is None else step
    if k not in candidates:
        raise ConfigError(f"step {k} of example {example.get('id')!r} holds no number; choose one of {candidates}")
    span = _result_span(steps[k])
    text = span.group().replace(",", "")
    value, d = Decimal(text), rng.randint(1, 10) * rng.choice((-1, 1))
    wrong = value + d if value + d >= 0 or value < 0 else value - d
    wrong_step = steps[k][:span.start()] + str(wrong) + steps[k][span.end():]
    return {"id": example.get("id"), "question": example["question"], "steps": steps[:k] + [wrong_step],
            "wrong_step": k, "correct_step": steps[k]}
