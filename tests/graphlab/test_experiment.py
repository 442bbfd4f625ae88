"""The runner: summary.json shape, per-seed records, determinism on CPU, the Python API, early stopping."""

from __future__ import annotations

import json

import pytest
import yaml

import graphlab
from graphlab.cli import load_experiment_config
from graphlab.experiment import run_experiment

TINY = {"method": "gnn", "dataset": {"name": "csbm", "params": {"nodes": 300, "features": 16, "valid": 80}},
        "model": {"name": "gcn", "hidden": 16}, "trainer": {"epochs": 30, "patience": 30, "device": "cpu"}}


def test_summary_has_exactly_the_contract_shape(tmp_path):
    summary = graphlab.run(TINY, ["trainer.seeds=2"], out=tmp_path / "run")
    assert set(summary) == {"method", "dataset", "metric", "seeds", "valid", "test", "extra", "wall_time_s",
                            "versions"}
    assert (summary["method"], summary["dataset"], summary["metric"], summary["seeds"]) == ("gnn", "csbm", "acc", 2)
    for part in ("valid", "test"):
        assert set(summary[part]) == {"mean", "std"} and 0.0 <= summary[part]["mean"] <= 1.0
    assert summary["extra"]["model"] == "gcn" and summary["extra"]["params"] > 0
    assert {"torch", "dgl", "graphlab", "python"} <= set(summary["versions"])
    on_disk = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert on_disk == summary
    records = [json.loads(x) for x in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert [r["seed"] for r in records] == [0, 1]
    assert all({"valid", "test", "epochs", "time_s", "peak_mem_mb"} <= set(r) for r in records)
    assert summary["test"]["mean"] == pytest.approx(sum(r["test"] for r in records) / 2)
    resolved = yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())
    assert resolved["model"]["hidden"] == 16 and resolved["trainer"]["seeds"] == 2


def test_cpu_runs_are_deterministic(tmp_path):
    a = graphlab.run(TINY, ["model.name=gat"], out=tmp_path / "a")
    b = graphlab.run(TINY, ["model.name=gat"], out=tmp_path / "b")
    assert a["valid"] == b["valid"] and a["test"] == b["test"]
    c = graphlab.run(TINY, ["model.name=gat", "trainer.seed=5"], out=tmp_path / "c")
    assert c["valid"] != a["valid"] or c["test"] != a["test"]


def test_seeds_cycle_through_the_split_family(tmp_path):
    graphlab.run(TINY, ["trainer.seeds=2", "trainer.epochs=2", "dataset.params.splits=2"], out=tmp_path / "r")
    from graphlab.data import csbm

    data = csbm(nodes=300, features=16, valid=80, splits=2)
    assert not (data.split("default", 0).train.equal(data.split("default", 1).train))
    assert data.split("default", 2).train.equal(data.split("default", 0).train)


def test_early_stopping_stops_before_the_budget(tmp_path):
    cfg = load_experiment_config(TINY, ["trainer.epochs=400", "trainer.patience=5"])
    summary = run_experiment(cfg, out=tmp_path / "r", verbose=False)
    assert summary["extra"]["epochs"] < 400


def test_gnn_beats_mlp_on_a_homophilous_csbm(tmp_path):
    params = ["dataset.params.nodes=600", "dataset.params.snr=0.7", "dataset.params.homophily=0.9",
              "trainer.epochs=60"]
    gcn = graphlab.run(TINY, [*params, "model.name=gcn"], out=tmp_path / "gcn")
    mlp = graphlab.run(TINY, [*params, "model.name=mlp"], out=tmp_path / "mlp")
    assert gcn["test"]["mean"] > mlp["test"]["mean"] + 0.1


def test_neighbor_sampled_training_runs(tmp_path):
    summary = graphlab.run(TINY, ["sampler.kind=neighbor", "sampler.fanouts=[5,5]", "sampler.batch_size=64"],
                           out=tmp_path / "r")
    assert summary["test"]["mean"] > 0.5
