"""The tgnn method through the runner: summary keys on a synthetic stream, the bitcoin-otc config on a
Bitcoin-Alpha-format file with CRLF line endings, and short real-data runs that beat a random scorer."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pytest

import graphlab
from graphlab.cli import main

REPO = Path(__file__).resolve().parents[3]
QUICK = ["trainer.epochs=1", "trainer.device=cpu", "model.dim=16", "model.time_dim=8", "model.node_dim=8"]


def test_summary_on_a_synthetic_stream(tmp_path):
    s = graphlab.run({"method": "tgnn", "dataset": {"name": "temporal-sbm", "params": {"nodes": 50, "events": 800}},
                      "model": {"backbone": "graphmixer"}}, [*QUICK, "trainer.epochs=2", "trainer.lr=0.003"],
                     out=tmp_path / "run")
    assert s["metric"] == "mrr" and s["method"] == "tgnn" and 0.0 < s["test"]["mean"] <= 1.0
    for key in ("ap", "valid_ap", "epoch_time_s", "cache_hit_rate", "cache_bytes_moved"):
        assert key in s["extra"], key
    assert s["extra"]["cache_hit_rate"] == 0.0 and s["extra"]["model"] == "graphmixer"  # no edge features
    record = json.loads((tmp_path / "run" / "results.jsonl").read_text().splitlines()[0])
    assert len(record["curves"]["valid"]) == 2


def write_alpha(root: Path, events: int = 600) -> None:
    """A Bitcoin-Alpha-format file (SOURCE,TARGET,RATING,TIME, CRLF, unsorted integer times)."""
    rng = np.random.default_rng(0)
    src = rng.integers(1, 40, events)
    dst = (src + rng.integers(1, 6, events)) % 45 + 1  # recurring neighbourhoods: something to learn
    rating, t = rng.integers(-10, 11, events), 1289000000 + rng.permutation(events) * 86400
    folder = root / "snap_bitcoin"
    folder.mkdir(parents=True)
    lines = [f"{a},{b},{r},{s}" for a, b, r, s in zip(src, dst, rating, t, strict=True)]
    (folder / "soc-sign-bitcoinalpha.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode())


@pytest.mark.parametrize("backbone", ["graphmixer", "tgat"])
def test_bitcoin_otc_config_runs_bitcoin_alpha(tmp_path, monkeypatch, backbone):
    write_alpha(tmp_path / "data")
    catalog = importlib.import_module("graphlab.data.catalog")  # (graphlab.data.catalog is also a function's name)
    monkeypatch.setattr(catalog, "digest_matches", lambda actual, pinned: True)  # our own file, not SNAP's
    monkeypatch.chdir(REPO)
    out = tmp_path / "run"
    code = main(["run", f"configs/graphlab/tgnn/{backbone}/bitcoin-otc.yaml", "dataset.name=bitcoin-alpha",
                 "sampler.fanouts=" + ("[4,4]" if backbone == "tgat" else "[10]"), *QUICK, "--quiet",
                 "--data-root", str(tmp_path / "data"), "--out", str(out)])
    assert code == 0
    s = json.loads((out / "summary.json").read_text())
    assert s["dataset"] == "bitcoin-alpha" and s["metric"] == "mrr" and s["extra"]["model"] == backbone
    assert s["extra"]["cache_hit_rate"] > 0 and s["extra"]["cache_bytes_moved"] > 0  # the rating feature is cached


@pytest.mark.realdata
def test_graphmixer_on_collegemsg_beats_random(data_root, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    out = tmp_path / "run"
    code = main(["run", "configs/graphlab/tgnn/graphmixer/collegemsg.yaml", "trainer.epochs=1",
                 "trainer.max_train_events=8000", "trainer.max_eval_events=1000", "trainer.device=cpu", "--quiet",
                 "--data-root", str(data_root), "--out", str(out)])
    assert code == 0
    s = json.loads((out / "summary.json").read_text())
    print(s["test"], s["extra"]["ap"])
    assert s["test"]["mean"] > 0.3, s  # a random scorer: MRR ≈ Σ_r 1/r / 50 ≈ 0.09 against 49 negatives
    assert s["extra"]["ap"] > 0.2 and s["extra"]["epoch_time_s"] > 0


@pytest.mark.realdata
@pytest.mark.slow
def test_tgat_on_bitcoin_otc_beats_random(data_root, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    s = graphlab.run("configs/graphlab/tgnn/tgat/bitcoin-otc.yaml",
                     ["trainer.epochs=1", "trainer.max_train_events=6000", "trainer.max_eval_events=800",
                      "trainer.device=cpu", f"dataset.root={data_root}"], out=tmp_path / "run")
    assert s["test"]["mean"] > 0.2, s
    assert s["extra"]["cache_hit_rate"] > 0
