"""graphlab report: one markdown leaderboard and plots over every run under a folder."""

from __future__ import annotations

import graphlab
from graphlab.report import find_runs, leaderboard_markdown, write_report

TINY = {"method": "gnn", "dataset": {"name": "csbm", "params": {"nodes": 300, "features": 16, "valid": 80}},
        "trainer": {"epochs": 10, "device": "cpu"}}


def test_report_aggregates_all_runs(tmp_path):
    for model in ("mlp", "gcn"):
        graphlab.run(TINY, [f"model.name={model}", "trainer.seeds=2"], out=tmp_path / "runs" / model)
    table = write_report(tmp_path / "runs")
    assert len(find_runs(tmp_path / "runs")) == 2
    rows = [line for line in table.splitlines() if line.startswith("| gnn[")]
    assert {r.split("|")[1].strip() for r in rows} == {"gnn[mlp]", "gnn[gcn]"}
    assert " ± " in rows[0]
    for name in ("leaderboard.md", "leaderboard.png", "curves.png"):
        assert (tmp_path / "runs" / name).stat().st_size > 0


def test_leaderboard_formats_mean_and_std():
    s = {"method": "gnn", "dataset": "d", "metric": "acc", "seeds": 3, "valid": {"mean": 0.8, "std": 0.01},
         "test": {"mean": 0.815, "std": 0.005}, "extra": {"model": "gcn", "params": 10}, "wall_time_s": 1.0}
    assert "| gnn[gcn] | d | acc | 3 | 80.00 ± 1.00 | 81.50 ± 0.50 | 10 | 1.0 |" in leaderboard_markdown([s])
