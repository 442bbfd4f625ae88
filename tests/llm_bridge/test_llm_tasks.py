"""Prompts, answer extraction, exact match, option tokens, bootstrap CIs and the task splits on real data."""

from __future__ import annotations

import pytest

from graphlab.cli import load_experiment_config
from llm_bridge.decode.stack import task_data
from llm_bridge.tasks import (
    bootstrap_ci,
    choice_prompt,
    extract_answer,
    math_correct,
    math_prompt,
    option_token_ids,
)

X = {"question": "What is 3 + 4 - 2?", "steps": ["3 + 4 = 7", "7 - 2 = 5"], "answer": "5"}


def test_math_prompt_and_extraction():
    p = math_prompt(X, [X])
    assert p.startswith("Question: What is 3 + 4 - 2?\nSolution:\n3 + 4 = 7\n7 - 2 = 5\nAnswer: 5\n\n")
    assert p.endswith("Question: What is 3 + 4 - 2?\nSolution:\n")
    assert extract_answer("3 + 4 = 7\nAnswer: 1,080.50") == "1080.5"
    assert extract_answer("so she pays 12 dollars") == "12"
    assert extract_answer("no number") is None
    assert math_correct("7 - 2 = 5\nAnswer: 5", "5") and not math_correct("Answer: 6", "5")
    assert math_correct("Answer: $18.00", "18")


def test_option_letters_are_single_distinct_tokens(tok):
    ids = option_token_ids(tok, "ABCDEFGHIJ")
    assert len(set(ids)) == 10
    x = {"question": "Q?", "options": {"A": "a", "B": "b"}, "answer": "B"}
    assert choice_prompt(x, [x]) == "Question: Q?\n(A) a\n(B) b\nAnswer: B\n\nQuestion: Q?\n(A) a\n(B) b\nAnswer:"


def test_bootstrap_ci_brackets_the_mean():
    lo, hi = bootstrap_ci([1] * 30 + [0] * 70, samples=500)
    assert lo < 0.3 < hi and hi - lo < 0.25
    assert bootstrap_ci([1, 1, 1]) == [1.0, 1.0]


@pytest.mark.parametrize("name,kind", [("gsm8k", "math"), ("mmlu-medical", "choice"), ("medqa", "choice"),
                                       ("medxpertqa", "choice")])
def test_task_splits_on_real_data(data_root, name, kind):
    cfg = load_experiment_config({"method": "lm_decode", "dataset": {"name": name, "root": str(data_root)},
                                  "eval": {"limit": 5, "valid_limit": 3, "shots": 1}}, [])
    data = task_data(cfg)
    assert data.kind == kind and len(data.test) == 5 and len(data.valid) == 3 and len(data.shots) == 1
    ids = {x["id"] for x in data.test}
    assert not ids & {x["id"] for x in data.valid} and not ids & {x["id"] for x in data.shots}
    assert data.prompt(data.test[0]).endswith("Solution:\n" if kind == "math" else "Answer:")


def test_arith_seed_draws_a_fresh_evaluation_set():
    def cfg(seed):
        return load_experiment_config("configs/llm_bridge/decode/arith.yaml",
                                      [f"dataset.seed={seed}", "eval.limit=20"])
    a, b = task_data(cfg(0)), task_data(cfg(1))
    assert [x["question"] for x in a.test] != [x["question"] for x in b.test]
    assert {x["depth"] for x in a.test} == {1, 2}
