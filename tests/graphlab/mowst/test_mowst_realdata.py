"""Mowst on real data through the command line: Cora's public split above an accuracy floor (a fast budget of the
tuned config), and a config tuned for one FB100 school running on another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphlab.cli import main

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.realdata


def run(argv: list[str], capsys) -> tuple[dict, str]:
    assert main([str(a) for a in argv]) == 0
    out = capsys.readouterr().out
    return json.loads((Path(argv[argv.index("--out") + 1]) / "summary.json").read_text()), out


def test_cora_end_to_end(data_root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    summary, out = run(["run", "configs/graphlab/mowst/cora.yaml", "trainer.seeds=1", "trainer.epochs=150",
                        "trainer.patience=30", "trainer.big_epochs=1", "--data-root", data_root,
                        "--out", tmp_path / "cora"], capsys)
    assert "| mowst[gcn] | cora | acc | 1 |" in out
    assert summary["test"]["mean"] >= 0.80, summary
    extra = summary["extra"]
    assert (extra["inference"], extra["pretrain"]) == ("expected", "gnn")
    assert extra["gnn_fraction"] > 0.5  # on Cora the GCN is far better than the MLP (~82 vs ~57)


def test_fb100_config_runs_on_another_school(data_root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    summary, out = run(["run", "configs/graphlab/mowst/fb100-cornell5.yaml", "dataset.name=fb100-reed98",
                        "trainer.epochs=20", "trainer.big_epochs=1", "--data-root", data_root,
                        "--out", tmp_path / "reed"], capsys)
    assert "| mowst[gcn] | fb100-reed98 | acc | 1 |" in out
    assert summary["metric"] == "acc" and summary["test"]["mean"] > 0.5, summary
