"""A sweep with ``records:`` keeps its finished seeds in a committed store: a later sweep on a machine without the
run folders restores them instead of recomputing, computes only the seeds the store lacks, and the store never
holds learning curves nor loses seeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from graphlab.errors import ConfigError
from graphlab.sweep import plan_sweep, run_sweep
from graphlab.sweep_records import restore_records, save_records

BASE = {"method": "gnn",
        "dataset": {"name": "csbm", "params": {"nodes": 200, "features": 8, "valid": 50}},
        "model": {"name": "mlp", "hidden": 8},
        "trainer": {"epochs": 5, "patience": 100, "device": "cpu"}}


def _records(folder: Path) -> list[dict]:
    return [json.loads(x) for x in (folder / "results.jsonl").read_text().splitlines() if x.strip()]


def _sweep(tmp_path: Path, seeds: int) -> Path:
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(BASE, sort_keys=False))
    path = tmp_path / f"sweep{seeds}.yaml"
    path.write_text(yaml.safe_dump({"grid": {"config": [str(base)], "model.name": ["mlp", "gcn"]}, "seeds": seeds,
                                    "out": str(tmp_path / "runs"), "records": str(tmp_path / "store")}))
    return path


def test_a_sweep_on_a_new_machine_resumes_from_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHLAB_PROGRESS", "0")
    run_sweep(_sweep(tmp_path, 2), verbose=False)
    store, runs = tmp_path / "store", tmp_path / "runs"
    first = {p.name: _records(p) for p in runs.iterdir() if p.is_dir()}
    assert sorted(first) == ["base-name=gcn", "base-name=mlp"]
    for name, recs in first.items():
        kept = _records(store / name)
        assert len(kept) == 2 and all("curves" not in r for r in kept)
        assert [r["test"] for r in kept] == [r["test"] for r in recs]
        assert (store / name / "config.yaml").exists() and (store / name / "summary.json").exists()

    shutil.rmtree(runs)  # a fresh machine: only the committed store is left; one more seed is asked for
    run_sweep(_sweep(tmp_path, 3), verbose=False)
    for name, recs in first.items():
        now = _records(runs / name)
        assert len(now) == 3
        assert [r["time_s"] for r in now[:2]] == [r["time_s"] for r in recs]  # restored, not recomputed
        assert len(_records(store / name)) == 3


def test_the_store_is_never_rolled_back_and_a_fuller_run_is_kept(tmp_path):
    run, store = tmp_path / "runs" / "r", tmp_path / "store"
    run.mkdir(parents=True)
    (run / "config.yaml").write_text("method: gnn\n")
    (run / "results.jsonl").write_text("".join(json.dumps({"seed": s, "test": s, "curves": {"x": [1]}}) + "\n"
                                               for s in range(3)))
    assert save_records(run, store)
    assert not restore_records(run, store)  # same seeds: the local run stays as it is (curves included)
    assert "curves" in _records(run)[0]
    (run / "results.jsonl").write_text(json.dumps({"seed": 0, "test": 0}) + "\n")
    assert not save_records(run, store)  # fewer seeds never replace the store's
    assert len(_records(store / "r")) == 3
    assert restore_records(run, store) and len(_records(run)) == 3


def test_records_must_be_a_path(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"grid": {"config": ["a.yaml"], "model.name": ["mlp"]}, "records": [1]}))
    with pytest.raises(ConfigError, match="'records' must be a folder path"):
        plan_sweep(path)


def test_only_runs_the_matching_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHLAB_PROGRESS", "0")
    run_sweep(_sweep(tmp_path, 1), verbose=False, only=["*=gcn"])
    assert sorted(p.name for p in (tmp_path / "runs").iterdir() if p.is_dir()) == ["base-name=gcn"]
    with pytest.raises(ConfigError, match="no run matches nothing-\\*"):
        run_sweep(_sweep(tmp_path, 1), verbose=False, only=["nothing-*"])
