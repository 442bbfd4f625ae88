"""Text-attributed graph (citeseer-tag), text tasks (gsm8k, alpaca-eval, mmlu-medical, medqa, medxpertqa) and the
arith-traces generator: SOURCE.md statistics, splits, parsed fields, determinism, trace corruption."""

from __future__ import annotations

import io
import json
import operator
import re
import shutil
from collections import Counter

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlab.data import load_dataset
from graphlab.data.arith_traces import arith_traces, corrupt_trace, depth_covering
from graphlab.data.text_tasks import normalise_number
from graphlab.errors import ConfigError, DataError

realdata = pytest.mark.realdata
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul}
STEP = re.compile(r"(-?\d+) ([-+*]) (\d+) = (-?\d+)")


@pytest.fixture(scope="module")
def tag(data_root):
    return load_dataset("citeseer-tag", data_root, cache=False)


# ---------------------------------------------------------------- citeseer-tag

@realdata
def test_citeseer_tag_statistics_match_source_md(tag):
    s = tag.stats()
    assert (s["nodes"], s["edges"], s["features"], s["classes"]) == (3186, 4225, None, 6)
    counts = dict(zip(tag.class_names, tag.labels.bincount().tolist(), strict=True))
    assert counts == {"DB": 685, "IR": 641, "ML": 569, "Agents": 562, "HCI": 490, "AI": 239}
    assert len(tag.texts) == len(tag.ids) == len(set(tag.ids)) == 3186
    lengths = [len(t) for t in tag.texts]
    assert min(lengths) == 32 and max(lengths) == 2372 and round(sum(lengths) / len(lengths)) == 1022
    assert sum(t.endswith("...") for t in tag.texts) == 1640
    assert sum(not t.isascii() for t in tag.texts) == 133
    assert tag.ids[0] == "norman00argument" and tag.class_names[tag.labels[0]] == "Agents"
    assert int((tag.graph.in_degrees() == 0).sum()) == 86  # isolated inside the text-only subgraph


@realdata
def test_citeseer_tag_keeping_textless_ids_gives_the_planetoid_graph(data_root):
    d = load_dataset("citeseer-tag", data_root, cache=False, textless="keep")
    assert (d.num_nodes, d.graph.num_edges() // 2) == (3327, 4552)
    assert int((d.labels < 0).sum()) == 141 and sum(t == "" for t in d.texts) == 141
    s = d.split("random")
    assert (d.labels[s.train] >= 0).all() and (d.labels[s.test] >= 0).all()


@realdata
def test_citeseer_tag_graph_is_symmetric_simple(tag):
    u, v = tag.graph.edges()
    assert (u != v).all()
    pairs = set(zip(u.tolist(), v.tolist(), strict=True))
    assert len(pairs) == len(u) and all((b, a) in pairs for a, b in pairs)


@realdata
def test_citeseer_tag_has_no_features(tag):
    with pytest.raises(ConfigError, match="no node features.*gcn"):
        tag.require_features("gcn")


@realdata
def test_citeseer_tag_random_splits_are_stratified_60_20_20(tag):
    assert len(tag.splits["random"]) == 10 and tag.split() is tag.split("random")
    firsts = set()
    for i in range(10):
        s = tag.split("random", i)
        sets = [set(x.tolist()) for x in (s.train, s.valid, s.test)]
        assert not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])
        assert set.union(*sets) == set(range(3186))
        for c, n in enumerate(tag.labels.bincount().tolist()):
            got = [int((tag.labels[x] == c).sum()) for x in (s.train, s.valid, s.test)]
            assert got[0] == int(0.6 * n + 0.5) and got[1] == int(0.2 * n + 0.5) and sum(got) == n
        firsts.add(tuple(s.train[:20].tolist()))
    assert len(firsts) == 10  # ten different seeds


@realdata
def test_citeseer_tag_per_class_splits(tag):
    assert len(tag.splits["per-class"]) == 10
    for i in (0, 9):
        s = tag.split("per-class", i)
        assert tag.labels[s.train].bincount().tolist() == [20] * 6
        assert (len(s.valid), len(s.test)) == (500, 1000)
        assert not set(s.train.tolist()) & (set(s.valid.tolist()) | set(s.test.tolist()))
        assert not set(s.valid.tolist()) & set(s.test.tolist())


@realdata
def test_citeseer_tag_splits_are_deterministic_and_survive_the_cache(data_root, tag, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHLAB_CACHE", str(tmp_path))
    first = load_dataset("citeseer-tag", data_root)
    again = load_dataset("citeseer-tag", data_root)
    assert len(list(tmp_path.glob("citeseer-tag-*.pt"))) == 1
    for d in (first, again):
        assert d.texts == tag.texts and d.class_names == tag.class_names
        for family in ("random", "per-class"):
            for a, b in zip(d.splits[family], tag.splits[family], strict=True):
                assert a.train.equal(b.train) and a.valid.equal(b.valid) and a.test.equal(b.test)


@realdata
def test_citeseer_tag_params_are_checked(data_root):
    with pytest.raises(ConfigError, match="dataset.params.textles .*textless"):
        load_dataset("citeseer-tag", data_root, cache=False, textles="keep")
    with pytest.raises(ConfigError, match="'drop' or 'keep'"):
        load_dataset("citeseer-tag", data_root, cache=False, textless="maybe")


# ---------------------------------------------------------------- text tasks

@realdata
def test_gsm8k_counts_and_parsed_answers(data_root):
    d = load_dataset("gsm8k", data_root, cache=False)
    assert d.stats()["splits"] == {"train": 7473, "test": 1319} and d.stats()["examples"] == 8792
    first = d.examples["train"][0]
    assert first["answer"] == "72" and first["steps"] == [
        "Natalia sold 48/2 = 24 clips in May.", "Natalia sold 48+24 = 72 clips altogether in April and May."]
    for x in d.examples["train"] + d.examples["test"]:
        assert re.fullmatch(r"-?\d+", x["answer"]) and x["steps"] and x["question"]
        assert x["answer"] == x["solution"].split("####")[-1].strip().replace(",", "")
        assert not any("<<" in s or s.startswith("####") for s in x["steps"])


def test_normalise_number():
    assert normalise_number(" 1,080 ") == "1080" and normalise_number("$2.50") == "2.5"
    assert normalise_number("3.0") == "3" and normalise_number("-0") == "0" and normalise_number("7.") == "7"
    assert normalise_number("seven") is None and normalise_number("1 2") is None and normalise_number("") is None


@realdata
def test_alpaca_eval_counts(data_root):
    d = load_dataset("alpaca-eval", data_root, cache=False)
    s = d.stats()
    assert s["examples"] == 805 and s["splits"] == {"test": 805}
    assert s["by_dataset"] == {"selfinstruct": 252, "oasst": 188, "koala": 156, "helpful_base": 129, "vicuna": 80}
    assert {x["generator"] for x in d.examples["test"]} == {"text_davinci_003"}
    assert all(x["instruction"] and x["output"] for x in d.examples["test"])


MMLU = {"anatomy": (5, 14, 135), "clinical_knowledge": (5, 29, 265), "college_medicine": (5, 22, 173),
        "medical_genetics": (5, 11, 100), "professional_medicine": (5, 31, 272)}


@realdata
def test_mmlu_medical_counts_per_subject_and_split(data_root):
    d = load_dataset("mmlu-medical", data_root, cache=False)
    s = d.stats()
    assert s["splits"] == {"dev": 25, "val": 107, "test": 945} and s["choices"] == 4
    for i, split in enumerate(("dev", "val", "test")):
        assert Counter(x["subject"] for x in d.examples[split]) == {k: v[i] for k, v in MMLU.items()}
    first = d.examples["dev"][0]
    assert first["question"] == "What is the embryological origin of the hyoid bone?"
    assert first["options"]["D"] == "The second and third pharyngeal arches" and first["answer"] == "D"
    assert all(x["options"][x["answer"]] == list(x["options"].values())[x["answer_index"]]
               for xs in d.examples.values() for x in xs)


@realdata
def test_mmlu_medical_subject_filter(data_root):
    d = load_dataset("mmlu-medical", data_root, cache=False, subjects=["anatomy"])
    assert d.stats()["splits"] == {"dev": 5, "val": 14, "test": 135}
    with pytest.raises(ConfigError, match="dataset.params.subjects"):
        load_dataset("mmlu-medical", data_root, cache=False, subjects=["astrology"])


@realdata
def test_medqa_counts_and_options(data_root):
    d = load_dataset("medqa", data_root, cache=False)
    s = d.stats()
    assert s["examples"] == 1273 and s["choices"] == 4
    assert s["answers"] == {"A": 353, "B": 309, "C": 346, "D": 265}
    x = d.examples["test"][0]
    assert x["id"] == "test-00000" and x["answer"] == "B" and "Answer Choices" not in x["question"]
    assert x["options"]["D"] == "Refuse to dictate the operative report"


@realdata
def test_medxpertqa_counts_and_options(data_root):
    d = load_dataset("medxpertqa", data_root, cache=False)
    s = d.stats()
    assert s["examples"] == 244 and s["choices"] == 10
    assert s["by_medical_task"] == {"Diagnosis": 100, "Treatment": 81, "Basic Science": 63}
    assert Counter(x["question_type"] for x in d.examples["test"]) == {"Reasoning": 186, "Understanding": 58}
    x = d.examples["test"][0]
    assert x["answer"] == "J" and x["options"]["J"] == "Bacterial destruction"
    assert "Answer Choices" not in x["question"]


def _copy_folder(data_root, tmp_path, folder):
    shutil.copytree(data_root / folder, tmp_path / folder)
    for p in (tmp_path / folder).rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    return tmp_path / folder


@realdata
def test_malformed_records_name_file_and_line(data_root, tmp_path):
    gsm = _copy_folder(data_root, tmp_path, "gsm8k")
    lines = (gsm / "test.jsonl").read_text().split("\n")
    lines[2] = lines[2].replace("####", "answer:")
    (gsm / "test.jsonl").write_text("\n".join(lines))
    with pytest.raises(DataError, match=r"test\.jsonl:3: expected the solution to end in '#### <number>'"):
        load_dataset("gsm8k", tmp_path, verify=False, cache=False)
    mcqa = _copy_folder(data_root, tmp_path, "medical_mcqa")
    lines = (mcqa / "medqa_input.jsonl").read_text().split("\n")
    lines[4] = json.dumps({**json.loads(lines[4]), "label": ["E"]})
    (mcqa / "medqa_input.jsonl").write_text("\n".join(lines))
    with pytest.raises(DataError, match=r"medqa_input\.jsonl:5: answer 'E' is not one of the options A, B, C, D"):
        load_dataset("medqa", tmp_path, verify=False, cache=False)
    mmlu = _copy_folder(data_root, tmp_path, "mmlu_medical")
    (mmlu / "val" / "anatomy_val.csv").write_text('q1,"two\nlines",b,c,d,A\r\n\r\nq2,a,b,c,d,Z\r\n')
    with pytest.raises(DataError, match=r"anatomy_val\.csv:4: answer 'Z' is not one of the options"):
        load_dataset("mmlu-medical", tmp_path, verify=False, cache=False)
    (mcqa / "medxpertqa_sampled_text_input.jsonl").write_bytes(b'{"id": 1}\n\xff\xfe\n')
    with pytest.raises(DataError, match=r"medxpertqa_sampled_text_input\.jsonl:2: not valid UTF-8"):
        load_dataset("medxpertqa", tmp_path, verify=False, cache=False)


@realdata
def test_task_params_are_checked(data_root):
    with pytest.raises(ConfigError, match="dataset.params.limit"):
        load_dataset("gsm8k", data_root, cache=False, limit=3)


# ---------------------------------------------------------------- arith-traces

def _check_trace(x):
    value = None
    for step in x["steps"]:
        a, op, b, r = STEP.fullmatch(step).groups()
        assert value is None or int(a) == value
        assert OPS[op](int(a), int(b)) == int(r)
        value = int(r)
    assert str(value) == x["answer"]


def test_arith_traces_are_correct_and_deterministic():
    d = load_dataset("arith-traces", depth=4, train=300, valid=50, test=100, seed=7)
    assert d.stats()["splits"] == {"train": 300, "valid": 50, "test": 100} and d.kind == "math"
    for x in d.examples["train"] + d.examples["test"]:
        _check_trace(x)
        assert len(x["steps"]) == x["depth"] == 4 and x["question"] == f"What is {x['expression']}?"
        assert all(1 <= int(n) <= 20 for n in re.findall(r"\d+", x["expression"]))
        assert int(x["answer"]) >= 0
    assert arith_traces(depth=4, train=300, valid=50, test=100, seed=7).examples == d.examples
    buffer = io.BytesIO()
    torch.save(d, buffer)  # the processed-cache format
    assert torch.load(io.BytesIO(buffer.getvalue()), weights_only=False).examples == d.examples
    assert d.split("valid") is d.examples["valid"]
    with pytest.raises(ConfigError, match="no split 'dev'; available: train, valid, test"):
        d.split("dev")
    assert arith_traces(depth=4, train=300, valid=50, test=100, seed=8).examples["test"] != d.examples["test"]


def test_arith_traces_splits_are_disjoint_and_test_ignores_train_size():
    d = arith_traces(depth=2, low=1, high=9, train=400, valid=50, test=100)
    expressions = [{x["expression"] for x in d.examples[s]} for s in ("train", "valid", "test")]
    assert sum(map(len, expressions)) == 550 and not set.intersection(*expressions[::2])
    assert arith_traces(depth=2, low=1, high=9, train=10, valid=5, test=100).examples["test"] == d.examples["test"]


@given(depth=st.integers(1, 6), high=st.integers(12, 60), ops=st.sampled_from(["+", "-", "+-", "+-*", "*"]),
       negative=st.booleans(), seed=st.integers(0, 10**6))
@settings(max_examples=60, deadline=None)
def test_arith_traces_follow_their_parameters(depth, high, ops, negative, seed):
    d = arith_traces(depth=[1, depth], low=2, high=high, ops=ops, negative=negative, train=10, valid=0,
                     test=10, seed=seed)
    for x in d.examples["train"] + d.examples["test"]:
        _check_trace(x)
        assert 1 <= len(x["steps"]) <= depth and set(re.findall(r"[-+*]", x["expression"])) <= set(ops)
        assert eval(x["expression"]) == int(x["answer"])  # noqa: S307  (our own generated arithmetic)
        if not negative:
            assert all(int(v) >= 0 for v in re.findall(r"-?\d+", " ".join(x["steps"])))
        if ops != "-":
            assert all(2 <= int(n) <= high for n in re.findall(r"\d+", x["expression"]))


def test_depth_covering_exemplars_alternate_depths_in_pool_order():
    pool = [{"id": i, "steps": ["x"] * d, "depth": d} for i, d in enumerate([2, 2, 3, 1, 2, 1])]
    assert [x["id"] for x in depth_covering(pool, 4)] == [3, 0, 2, 5]  # depth 1, 2, 3, then 1 again
    assert [x["id"] for x in depth_covering(pool, 10)] == [3, 0, 2, 5, 1, 4]  # all of them, no repeats
    assert depth_covering(pool[:2], 1) == pool[:1] and depth_covering([], 2) == []
    shots = depth_covering(arith_traces(depth=[1, 3], train=8, valid=0, test=0).examples["train"], 3)
    assert [x["depth"] for x in shots] == [1, 2, 3]


def test_arith_traces_bad_parameters_are_config_errors():
    for bad in ({"depth": 0}, {"depth": [3, 2]}, {"ops": "/"}, {"low": 5, "high": 2}, {"train": -1}):
        with pytest.raises(ConfigError, match="dataset.params"):
            arith_traces(**bad)
    with pytest.raises(ConfigError, match="dataset.params.dept"):
        load_dataset("arith-traces", dept=3)
    with pytest.raises(ConfigError, match="only .* distinct"):
        arith_traces(depth=1, low=1, high=2, train=100, valid=0, test=0)


# ---------------------------------------------------------------- trace corruption (preference pairs)

@given(seed=st.integers(0, 10**6), depth=st.integers(1, 5))
@settings(max_examples=60, deadline=None)
def test_corrupt_trace_stops_at_the_first_wrong_step(seed, depth):
    x = arith_traces(depth=depth, train=0, valid=0, test=3, seed=seed).examples["test"][seed % 3]
    c = corrupt_trace(x, seed=seed)
    k = c["wrong_step"]
    assert c["steps"][:k] == x["steps"][:k] and len(c["steps"]) == k + 1 and c["correct_step"] == x["steps"][k]
    a, op, b, r = STEP.fullmatch(c["steps"][k]).groups()
    assert OPS[op](int(a), int(b)) != int(r) and 1 <= abs(int(r) - OPS[op](int(a), int(b))) <= 10
    assert int(r) >= 0 or OPS[op](int(a), int(b)) < 0
    assert corrupt_trace(x, seed=seed) == c


def test_corrupt_trace_chosen_step_and_errors():
    x = arith_traces(depth=3, train=0, valid=0, test=1).examples["test"][0]
    c = corrupt_trace(x, step=0)
    assert c["wrong_step"] == 0 and c["steps"][0] != x["steps"][0]
    assert c["steps"][0].rpartition("= ")[0] == x["steps"][0].rpartition("= ")[0]
    with pytest.raises(ConfigError, match="step 5"):
        corrupt_trace(x, step=5)
    with pytest.raises(DataError, match="no solution step holds a number"):
        corrupt_trace({"id": "q", "question": "?", "steps": ["think hard"]})


def test_corrupt_trace_on_gsm8k_style_steps_changes_the_result_only():
    x = {"id": "train-0", "question": "…", "steps": ["Natalia sold 48/2 = 24 clips in May.",
                                                     "She earned 0.2 x 50 = $10, and 1,080 in total = 1,090."]}
    c = corrupt_trace(x, step=0)
    assert re.fullmatch(r"Natalia sold 48/2 = \d+ clips in May\.", c["steps"][0]) and c["steps"][0] != x["steps"][0]
    c = corrupt_trace(x, step=1)
    assert c["steps"][1].startswith("She earned 0.2 x 50 = $10, and 1,080 in total = ")
    assert c["steps"][1] != x["steps"][1] and c["steps"][0] == x["steps"][0]
