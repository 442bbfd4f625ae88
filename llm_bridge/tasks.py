"""Tasks for the LLM methods: prompts, answer extraction and scoring on graphlab.data's text tasks.

- ``math`` tasks (``arith-traces``, ``gsm8k``): a fixed few-shot format for every method::

      Question: What is 12 + 7 - 5?
      Solution:
      12 + 7 = 19
      19 - 5 = 14
      Answer: 14

  generation stops at a blank line or the next ``Question:``; the answer is the number after ``Answer:``
  (else the last number), compared with :func:`graphlab.data.text_tasks.normalise_number` exact match.
- ``choice`` tasks (``mmlu-medical``, ``medqa``, ``medxpertqa``): the question with lettered options and
  ``Answer:``; the prediction is the option letter with the highest combined next-token probability.
- ``instruction`` (``alpaca-eval``): the instruction in the model's chat template (exploratory).

Accuracy comes with a percentile bootstrap 95% CI over examples (:func:`bootstrap_ci`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from graphlab.data.text_tasks import normalise_number

STOP = ("\n\n", "\nQuestion:")
_ANSWER = re.compile(r"Answer:\s*\$?(-?[\d,]*\.?\d+)")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def math_block(example: dict[str, Any], with_solution: bool = True) -> str:
    """``Question: …\\nSolution:\\n`` plus, with the solution, its steps and ``Answer: N`` and a blank line."""
    question = example["question"]
    head = f"Question: {question}\nSolution:\n"
    if not with_solution:
        return head
    return head + solution_text(example) + "\n\n"


def solution_text(example: dict[str, Any]) -> str:
    """The steps, one a line, and ``Answer: N`` (no trailing newline)."""
    return "\n".join(example["steps"]) + f"\nAnswer: {example['answer']}"


def math_prompt(example: dict[str, Any], shots: Sequence[dict[str, Any]] = ()) -> str:
    """The fixed few-shot prompt: solved ``shots`` then the question."""
    return "".join(math_block(s) for s in shots) + math_block(example, with_solution=False)


def extract_answer(text: str) -> str | None:
    """The normalised number after ``Answer:``; else the last number in the text; None when there is none."""
    m = _ANSWER.search(text)
    if m:
        return normalise_number(m.group(1))
    numbers = _NUMBER.findall(text)
    return normalise_number(numbers[-1]) if numbers else None


def math_correct(text: str, answer: str) -> bool:
    """Exact match of the extracted final answer with the reference (both normalised)."""
    got = extract_answer(text)
    return got is not None and got == normalise_number(answer)


def choice_prompt(example: dict[str, Any], shots: Sequence[dict[str, Any]] = ()) -> str:
    """``Question: …`` with ``(A) …`` option lines and ``Answer:`` (solved shots first, answer letters given)."""
    def block(x: dict[str, Any], answer: str | None) -> str:
        options = "\n".join(f"({k}) {v}" for k, v in x["options"].items())
        tail = f" {answer}\n\n" if answer else ""
        return f"Question: {x['question']}\n{options}\nAnswer:{tail}"
    return "".join(block(s, s["answer"]) for s in shots) + block(example, None)


def option_token_ids(tokenizer: Any, letters: Sequence[str]) -> list[int]:
    """The token of `` A``, `` B`` … (a space then the letter, as after ``Answer:``); each must be one token."""
    ids = []
    for letter in letters:
        toks = tokenizer(f" {letter}", add_special_tokens=False).input_ids
        ids.append(toks[-1])
    return ids


def chat_prompt(tokenizer: Any, message: str, system: str | None = None) -> str:
    """``message`` in the tokenizer's chat template (a generation prompt appended); plain text without one."""
    if not getattr(tokenizer, "chat_template", None):
        return f"{message}\n"
    turns = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": message}]
    return tokenizer.apply_chat_template(turns, tokenize=False, add_generation_prompt=True)


def bootstrap_ci(correct: Sequence[float], samples: int = 1000, seed: int = 0,
                 level: float = 0.95) -> list[float]:
    """Percentile bootstrap CI of the mean of ``correct`` (0/1 per example): [low, high]."""
    x = np.asarray(correct, dtype=float)
    if x.size == 0:
        return [float("nan"), float("nan")]
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(samples, x.size))].mean(axis=1)
    tail = (1 - level) / 2
    return [float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))]
