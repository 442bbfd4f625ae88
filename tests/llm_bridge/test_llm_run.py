"""``lm_decode`` and ``taro`` end to end through the runner with a minute tiny setup: summary.json contract,
the α curve, trained artifacts reused across evaluation seeds, every shipped YAML validates, config errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from graphlab.cli import load_experiment_config
from graphlab.errors import ConfigError
from graphlab.experiment import run_experiment
from llm_bridge.decode.stack import reward_examples, reward_spec, task_data

REPO = Path(__file__).resolve().parents[2]
TINY = {"dataset": {"name": "arith-traces", "params": {"depth": 1}},
        "model": {"path": "tiny", "tiny": {"hidden": 32, "layers": 1, "heads": 2, "steps": 3, "examples": 40,
                                          "batch_size": 4}},
        "reward": {"pairs": 16, "steps": 2, "batch_size": 4, "data_params": {"depth": 1}},
        "eval": {"limit": 4, "valid_limit": 2, "max_new_tokens": 6, "batch_size": 4},
        "trainer": {"device": "cpu"}}


def run(tmp_path, name, cfg, overrides=()):
    summary = run_experiment(load_experiment_config(cfg, list(overrides)), out=tmp_path / name, verbose=False)
    assert json.loads((tmp_path / name / "summary.json").read_text()) == summary
    assert summary["metric"] == "acc" and 0 <= summary["test"]["mean"] <= 1
    lo, hi = summary["extra"]["ci95"]
    assert lo <= summary["test"]["mean"] <= hi and summary["extra"]["tokens_per_s"] > 0
    # per-example predictions: one line per test example, their accuracy is the reported one
    preds = [json.loads(line) for line in (tmp_path / name / "predictions" / "seed0.jsonl").read_text().splitlines()]
    assert len(preds) == summary["extra"]["n_test"] and len({p["id"] for p in preds}) == len(preds)
    assert sum(p["correct"] for p in preds) / len(preds) == pytest.approx(summary["test"]["mean"])
    assert all(isinstance(p["output"], str) and p["answer"] is not None for p in preds)
    return summary


def test_lm_decode_combiners(tmp_path):
    cfg = {**TINY, "method": "lm_decode"}
    run(tmp_path, "base", cfg)
    s = run(tmp_path, "genarm", cfg, ["combiner=genarm", "alphas=[0.0,1.0]"])
    assert set(s["extra"]["alpha_curve"]) == {"0.0", "1.0"} and s["extra"]["alpha"] in (0.0, 1.0)
    run(tmp_path, "args", cfg, ["combiner=args", "args_k=3"])
    run(tmp_path, "bon", cfg, ["combiner=best_of_n", "best_of_n=2"])


def test_taro_reuses_trained_models_across_evaluation_seeds(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GRAPHLAB_LM_CACHE", str(cache))
    cfg = {**TINY, "method": "taro", "router": {"traces": 8, "steps": 5, "batch_size": 16}}
    s = run(tmp_path, "taro0", cfg)
    assert s["extra"]["alpha_mean"] >= 0 and s["extra"]["router_inputs"] == "base+rm"
    folders = sorted(p.name for p in cache.iterdir())
    assert [f.split("-")[0] for f in folders] == ["reward", "router", "tiny"]
    run(tmp_path, "taro1", cfg, ["dataset.seed=1", "trainer.seeds=2"])
    assert sorted(p.name for p in cache.iterdir()) == folders  # nothing retrained
    # the backbone-agnostic router (the transfer setting) reads only the RM's hidden state
    t = run(tmp_path, "rm-only", cfg, ["router.inputs=rm", "reward.backbone=tiny", "router.train_base=tiny"])
    assert t["extra"]["router_inputs"] == "rm"


@pytest.mark.parametrize("path", sorted((REPO / "configs" / "llm_bridge").rglob("*.yaml")), ids=lambda p: p.name)
def test_shipped_configs_validate(path):
    cfg = load_experiment_config(path, [])
    assert cfg.method in ("lm_decode", "taro")


def test_config_errors_name_the_key():
    with pytest.raises(ConfigError, match="combiner"):
        load_experiment_config({**TINY, "method": "lm_decode"}, ["combiner=nope"])
    with pytest.raises(ConfigError, match="router.inputs"):
        load_experiment_config({**TINY, "method": "taro"}, ["router.inputs=x"])
    with pytest.raises(ConfigError, match="unknown key"):
        load_experiment_config({**TINY, "method": "taro"}, ["eval.limt=3"])
    with pytest.raises(ConfigError, match="shot_order"):
        load_experiment_config({**TINY, "method": "taro"}, ["reward.data=gsm8k", "reward.shot_order=depth_covering"])


def test_arith_prompts_show_exemplars_of_every_depth():
    cfg = load_experiment_config({**TINY, "method": "lm_decode", "dataset": {"name": "arith-traces",
                                                                            "params": {"depth": [1, 2]}}}, [])
    assert [len(x["steps"]) for x in task_data(cfg).shots] == [1, 2]
    # the RM's and router's prompts: the pool's first examples, or the same depth-covering choice
    reward = load_experiment_config({**TINY, "method": "taro"}, ["reward.data_params.depth=[1,2]"]).reward
    first = reward_examples(reward, None)[0]
    covering = reward_examples(dataclasses.replace(reward, shot_order="depth_covering"), None)[0]
    assert sorted(x["id"] for x in first) == sorted(x["id"] for x in covering)
    assert [len(x["steps"]) for x in covering[:2]] == [1, 2]
    # the setting names the RM's cache folder only when it is not the default (older RMs keep theirs)
    assert "shot_order" not in reward_spec(reward)
    assert reward_spec(dataclasses.replace(reward, shot_order="depth_covering"))["shot_order"] == "depth_covering"
