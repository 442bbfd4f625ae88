"""End to end on real MovieLens 100K through the runner: a short UIC run beats popularity, and summary.json
carries the contract's keys."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphlab

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.realdata


def test_short_uic_run_beats_popularity(data_root, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    common = [f"dataset.root={data_root}", "trainer.device=cpu"]
    pop = graphlab.run("configs/recsys/pop/ml100k.yaml", common, out=tmp_path / "pop")
    uic = graphlab.run("configs/recsys/uic/ml100k.yaml",
                       [*common, "trainer.epochs=4", "trainer.eval_every=4", "retrieval.repeats=1"],
                       out=tmp_path / "uic")
    assert pop["metric"] == uic["metric"] == "recall@20"
    for key in ("ndcg@20", "recall@20_light", "recall@20_heavy", "retrieval_speedup", "retrieval_recall_loss"):
        assert key in uic["extra"], key
    assert uic["test"]["mean"] > pop["test"]["mean"] + 0.02, (uic["test"], pop["test"])
    assert uic["extra"]["ndcg@20"] > pop["extra"]["ndcg@20"]


@pytest.mark.slow
@pytest.mark.parametrize("method", ["mf", "lightgcn", "item_attention"])
def test_baselines_beat_popularity(data_root, tmp_path, monkeypatch, method):
    monkeypatch.chdir(REPO)
    common = [f"dataset.root={data_root}", "trainer.device=cpu"]
    pop = graphlab.run("configs/recsys/pop/ml100k.yaml", common, out=tmp_path / "pop")
    s = graphlab.run(f"configs/recsys/{method}/ml100k.yaml", [*common, "trainer.epochs=10"], out=tmp_path / method)
    assert s["test"]["mean"] > pop["test"]["mean"]
