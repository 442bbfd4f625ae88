"""The gnn method end to end on real Planetoid data, with accuracy floors (one seed; the 10-seed figures
are in benchmarks/results/gnn-planetoid.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphlab

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.realdata


@pytest.mark.parametrize(("config", "model", "floor"), [
    ("configs/graphlab/gnn/cora.yaml", "gcn", 0.79),
    ("configs/graphlab/gnn/cora.yaml", "mlp", 0.52),
    ("configs/graphlab/gnn/citeseer.yaml", "gcn", 0.68),
])
def test_public_split_accuracy_floor(data_root, tmp_path, monkeypatch, config, model, floor):
    monkeypatch.chdir(REPO)
    s = graphlab.run(config, [f"model.name={model}", f"dataset.root={data_root}", "trainer.device=cpu"],
                     out=tmp_path / "run")
    assert s["test"]["mean"] >= floor, s


def test_gat_through_the_cli(data_root, tmp_path, monkeypatch, capsys):
    from graphlab.cli import main
    monkeypatch.chdir(REPO)
    code = main(["run", "configs/graphlab/gnn/cora.yaml", "model.name=gat", "trainer.epochs=120",
                 "--data-root", str(data_root), "--out", str(tmp_path / "gat")])
    assert code == 0
    out = capsys.readouterr().out
    assert "| gnn[gat] | cora | acc | 1 |" in out
    import json

    assert json.loads((tmp_path / "gat" / "summary.json").read_text())["test"]["mean"] >= 0.79


def test_neighbor_sampled_gcn_on_cora(data_root, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    s = graphlab.run("configs/graphlab/gnn/cora.yaml",
                     ["sampler.kind=neighbor", "sampler.fanouts=[10,10]", "sampler.batch_size=70",
                      "trainer.epochs=60", f"dataset.root={data_root}"], out=tmp_path / "run")
    assert s["test"]["mean"] >= 0.75, s
