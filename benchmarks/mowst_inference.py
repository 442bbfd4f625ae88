"""Mowst's routed mini-batch inference time against the GNN alone, per dataset (issue: ratio ≤ 1.2).

Each Mowst run times, on its test nodes and right after training, the routed inference (MLP + gate on every
node, the GNN with full neighbourhoods only on the nodes the gate sends to it) and the same GNN alone on all
test nodes, alternately three times (medians): the ratio is measured side by side in one process. This script
collects those per-seed ratios from a Mowst sweep folder (default ``runs/sweeps/mowst``); when the folder has no
Mowst runs it trains each ``configs/graphlab/mowst/*.yaml`` for one seed first.

    python benchmarks/mowst_inference.py [SWEEP_DIR] [--data-root DIR]

Writes ``benchmarks/results/mowst_inference.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import graphlab
from graphlab.io import atomic_write_json, atomic_write_text

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"


def mowst_runs(sweep: Path) -> list[Path]:
    """Run folders of the sweep whose method is mowst and that hold at least one seed."""
    runs = []
    for summary in sorted(sweep.glob("*/summary.json")):
        if json.loads(summary.read_text())["method"] == "mowst":
            runs.append(summary.parent)
    return runs


def train_one_seed_each(out: Path, data_root: str | None) -> None:
    for config in sorted((REPO / "configs" / "graphlab" / "mowst").glob("*.yaml")):
        overrides = ["trainer.seeds=1", *([f"dataset.root={data_root}"] if data_root else [])]
        print(f"training {config.stem} (1 seed)", flush=True)
        graphlab.run(str(config), overrides, out=out / config.stem, resume=True)


def collect(runs: list[Path]) -> list[dict]:
    rows = []
    for run in runs:
        summary = json.loads((run / "summary.json").read_text())
        records = [json.loads(line) for line in (run / "results.jsonl").read_text().splitlines() if line]
        ratios = [r["extra"]["inference_time_ratio"] for r in records]
        rows.append({"dataset": summary["dataset"], "model": summary["extra"]["model"], "seeds": len(ratios),
                     "gnn_fraction": statistics.mean(r["extra"]["gnn_fraction"] for r in records),
                     "mowst_s": statistics.mean(r["extra"]["inference_time_s"] for r in records),
                     "gnn_s": statistics.mean(r["extra"]["gnn_inference_time_s"] for r in records),
                     "ratio_mean": statistics.mean(ratios), "ratio_max": max(ratios)})
    return sorted(rows, key=lambda r: (r["dataset"], r["model"]))


def markdown(rows: list[dict]) -> str:
    lines = ["| dataset | model | seeds | GNN-routed share | Mowst (s) | GNN alone (s) | ratio mean | ratio max |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['dataset']} | {r['model']} | {r['seeds']} | {r['gnn_fraction']:.2f} | {r['mowst_s']:.4f} | "
              f"{r['gnn_s']:.4f} | {r['ratio_mean']:.2f} | {r['ratio_max']:.2f} |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", nargs="?", default=str(REPO / "runs" / "sweeps" / "mowst"))
    parser.add_argument("--data-root", default=None)
    args = parser.parse_args()
    sweep = Path(args.sweep)
    runs = mowst_runs(sweep)
    if not runs:
        sweep = REPO / "runs" / "bench" / "mowst-inference"
        train_one_seed_each(sweep, args.data_root)
        runs = mowst_runs(sweep)
    rows = collect(runs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_json(RESULTS / "mowst_inference.json", {"source": str(sweep), "rows": rows})
    table = markdown(rows)
    atomic_write_text(RESULTS / "mowst_inference.md",
                      "# Mowst routed mini-batch inference vs the GNN alone (test nodes, CPU)\n\n" + table + "\n")
    print(table)


if __name__ == "__main__":
    main()
