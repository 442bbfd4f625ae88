"""The ``mowst`` method end to end on a tiny embedded graph: every variant, confidence and inference through the
runner, the summary's extras, config errors, and a killed run resuming onto the uninterrupted result."""

from __future__ import annotations

import json

import pytest
import torch

import graphlab
import graphlab.training
from graphlab.cli import load_experiment_config
from graphlab.errors import ConfigError
from graphlab.experiment import run_experiment
from graphlab.report import label
from graphlab.results import RunDir

TINY = {"method": "mowst",
        "dataset": {"name": "csbm", "params": {"nodes": 300, "features": 16, "valid": 80}},
        "model": {"hidden": 16},
        "trainer": {"epochs": 10, "patience": 1000, "checkpoint_every": 4, "big_epochs": 2, "big_patience": 5,
                    "device": "cpu"}}
EXTRAS = {"gnn_fraction", "gnn_fraction_expected", "gate_mean", "mlp_acc", "gnn_acc", "inference_time_s",
          "gnn_inference_time_s", "inference_time_ratio"}


@pytest.fixture
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("overrides", [
    [],
    ["model.variant=mowst_star"],
    ["model.confidence=variance", "model.tau=2", "model.inference=threshold", "model.pretrain=both"],
    ["model.confidence=entropy", "model.strong=gat", "model.heads=4", "model.pretrain=gnn"],
    ["model.gate_uses_features=true", "model.strong=gin", "model.variant=mowst_star", "model.inference=expected"],
    ["model.strong=sage", "model.norm=null", "model.inference=mixture", "model.pretrain=both"],
])
def test_variants_run_and_report_routing(tmp_path, overrides):
    overrides = ["trainer.epochs=30", *overrides]
    summary = graphlab.run(TINY, overrides, out=tmp_path / "run")
    extra = summary["extra"]
    cfg = load_experiment_config(TINY, overrides)
    assert extra["model"] == f"{cfg.model.variant}[{cfg.model.strong}]" == label(summary)
    assert EXTRAS <= set(extra) and {"mlp_routed_acc", "gnn_routed_acc"} & set(extra)
    assert 0.0 <= extra["gnn_fraction"] <= 1.0 and extra["params"] > 0
    assert extra["inference"] in ("expected", "threshold", "mixture")
    assert summary["test"]["mean"] > 0.5  # the MLP alone reaches ~0.35 here, the GNN ~0.9
    record = json.loads((tmp_path / "run" / "results.jsonl").read_text().splitlines()[0])
    assert record["epochs"] >= 30 and len(record["curves"]["train_loss"]) == record["epochs"]
    assert not list((tmp_path / "run").glob("checkpoints/*.pt"))


def test_auto_resolves_per_variant(tmp_path):
    mowst = graphlab.run(TINY, ["trainer.big_epochs=1"], out=tmp_path / "a")["extra"]
    star = graphlab.run(TINY, ["model.variant=mowst_star"], out=tmp_path / "b")["extra"]
    assert (mowst["inference"], mowst["pretrain"]) == ("expected", "gnn")
    assert (star["inference"], star["pretrain"]) == ("mixture", "none")
    # pre-training (10 epochs) + one round (2 × 10) for mowst; a single joint phase for mowst_star
    assert (mowst["epochs"], star["epochs"]) == (30, 10)


@pytest.mark.parametrize(("override", "needle"), [
    ("model.strong=mlp", "model.strong 'mlp'"),
    ("model.variant=mowst*", "model.variant"),
    ("model.confidence=variances", "did you mean 'variance'"),
    ("model.inference=sampled", "model.inference"),
    ("model.pretrain=gcn", "model.pretrain"),
    ("model.tau=0", "model.tau"),
    ("trainer.big_patience=0", "trainer.big_patience"),
    ("trainer.optimizer=sgd", "trainer.optimizer"),
    ("model.hidden=30", "heads"),  # with model.strong=gat below
])
def test_config_errors_name_the_key(override, needle):
    with pytest.raises(ConfigError, match=needle.replace("*", r"\*")):
        load_experiment_config(TINY, ["model.strong=gat", override] if override == "model.hidden=30" else [override])


def test_a_killed_run_resumes_onto_the_same_result(tmp_path, monkeypatch, one_thread):
    cfg = load_experiment_config(TINY, ["trainer.seeds=2"])
    reference = run_experiment(cfg, out=tmp_path / "ref", verbose=False)

    real_check = graphlab.training.check_finite
    calls: list[int] = []
    stop = {"seed": 1, "call": 27}  # seed 1, phase 2 (the first GNN turn), epoch 6: resumes from epoch 4

    def interrupting_check(loss: float, seed: int, epoch: int, model=None) -> None:
        real_check(loss, seed, epoch, model)
        calls.append(seed)
        if stop and seed == stop["seed"] and calls.count(seed) == stop["call"]:
            raise KeyboardInterrupt

    monkeypatch.setattr(graphlab.training, "check_finite", interrupting_check)
    run = RunDir(tmp_path / "run")
    with pytest.raises(KeyboardInterrupt):
        run_experiment(cfg, out=run.path, verbose=False)
    assert [r["seed"] for r in run.records()] == [0]
    assert sorted(p.name for p in (run.path / "checkpoints").iterdir()) == ["seed1.phase2.pt", "seed1.pt"]

    stop.clear()
    calls.clear()
    resumed = run_experiment(cfg, out=run.path, resume=True, verbose=False)
    assert set(calls) == {1} and len(calls) == 50 - 24  # seed 0 not rerun; seed 1 from phase 2, epoch 4
    ref = {r["seed"]: r for r in RunDir(tmp_path / "ref").records()}
    got = {r["seed"]: r for r in run.records()}
    for seed in ref:
        for key in ("valid", "test", "epochs", "best_epoch", "curves"):
            assert got[seed][key] == ref[seed][key], f"seed {seed}: {key}"
        ref_extra = {k: v for k, v in ref[seed]["extra"].items() if "time" not in k}  # all but the timings
        assert {k: got[seed]["extra"][k] for k in ref_extra} == ref_extra
    assert (resumed["valid"], resumed["test"]) == (reference["valid"], reference["test"])
    assert not run.has_checkpoints()


@pytest.mark.slow  # three processes, each importing torch and DGL
def test_sigkilled_cli_run_resumes_with_resume_flag(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    import yaml

    config = tmp_path / "tiny.yaml"
    config.write_text(yaml.safe_dump({**TINY, "trainer": {**TINY["trainer"], "epochs": 30, "checkpoint_every": 2}}))
    env = {**os.environ, "GRAPHLAB_PROGRESS": "0", "OMP_NUM_THREADS": "1"}

    def cli(out: str, *extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "graphlab", "run", str(config), "--out", str(tmp_path / out),
                                 "--quiet", *extra], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)

    assert cli("ref").wait(timeout=300) == 0
    killed = cli("run")
    deadline = time.monotonic() + 240
    while not (tmp_path / "run" / "checkpoints" / "seed0.phase2.pt").exists():  # inside the first GNN turn
        assert killed.poll() is None and time.monotonic() < deadline, killed.stderr.read() if killed.stderr else ""
        time.sleep(0.005)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    assert not (tmp_path / "run" / "results.jsonl").exists()
    resumed = cli("run", "--resume")
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read() if resumed.stderr else ""
    ref, got = (json.loads((tmp_path / d / "results.jsonl").read_text()) for d in ("ref", "run"))
    for key in ("valid", "test", "epochs", "best_epoch", "curves"):
        assert got[key] == ref[key], key
