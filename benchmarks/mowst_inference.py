"""Mowst's routed mini-batch inference time against the GNN alone, per dataset (issue: ratio ≤ 1.2).

For every Mowst run of a sweep folder (default ``runs/sweeps/mowst``) and every seed whose trained weights the
run kept (``models/seed<N>.pt``; a run restored from the sweep's records keeps none, so its first seed is trained
again under ``runs/bench/mowst-inference/``), this rebuilds the model and its split, then times on the test nodes, in one
process and alternately ``--repeats`` times: routed inference (the MLP and the gate on every node, the GNN with
full neighbourhoods only on the nodes the threshold gate sends to it) and the same GNN alone on all test nodes,
both in mini-batches of 1024. Ratio = median routed time ÷ median GNN time. When the folder holds no Mowst
run, each ``configs/graphlab/mowst/*.yaml`` is trained for one seed first.

    python benchmarks/mowst_inference.py [SWEEP_DIR] [--data-root DIR] [--repeats 15] [--max-seeds 3] [--only GLOB]

Writes ``benchmarks/results/mowst_inference.{json,md}``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import statistics
from pathlib import Path

import torch

import graphlab
from graphlab.cli import load_experiment_config
from graphlab.io import atomic_write_json, atomic_write_text
from graphlab.mowst import inference_cost, mowst_setup, weights_path
from graphlab.nn import take_rows

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
BENCH = REPO / "runs" / "bench" / "mowst-inference"


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


def with_weights(run: Path, data_root: str | None) -> Path:
    """``run`` if it kept the weights of a seed, else a one-seed rerun of its config (same seed 0 split)."""
    cfg = load_experiment_config(str(run / "config.yaml"), [])
    if any(weights_path(run, cfg.trainer.seed + i).is_file() for i in range(cfg.trainer.seeds)):
        return run
    out = BENCH / run.name
    overrides = ["trainer.seeds=1", *([f"dataset.root={data_root}"] if data_root else [])]
    print(f"training {run.name} (1 seed: the sweep record kept no weights)", flush=True)
    graphlab.run(str(run / "config.yaml"), overrides, out=out, resume=True)
    return out


def collect(runs: list[Path], repeats: int, data_root: str | None, max_seeds: int, only: list[str]) -> list[dict]:
    rows = []
    for run in runs:
        if only and not any(fnmatch.fnmatch(run.name, pattern) for pattern in only):
            continue
        run = with_weights(run, data_root)
        overrides = [f"dataset.root={data_root}"] if data_root else []
        cfg = load_experiment_config(str(run / "config.yaml"), overrides)
        seeds = [cfg.trainer.seed + i for i in range(cfg.trainer.seeds)]
        per_seed = []
        for index, seed in enumerate(seeds):
            path = weights_path(run, seed)
            if not path.is_file() or len(per_seed) == max_seeds:
                continue
            setup = mowst_setup(cfg, torch.device("cpu"), index)
            setup.model.load_state_dict(torch.load(path, map_location="cpu"))
            setup.model.eval()
            test = setup.ids["test"]
            with torch.no_grad():
                _, gate = setup.model.weak_outputs(take_rows(setup.x, test))
            cost = inference_cost(setup.model, setup.graph, setup.x, test, repeats=repeats)
            per_seed.append({"gnn_fraction": float((gate < 0.5).float().mean()), "routed_s": cost["inference_time_s"],
                             "gnn_s": cost["gnn_inference_time_s"], "ratio": cost["inference_time_ratio"]})
        if per_seed:
            ratios = [p["ratio"] for p in per_seed]
            rows.append({"dataset": cfg.dataset.name, "model": f"{cfg.model.variant}[{cfg.model.strong}]",
                         "seeds": len(per_seed), "test_nodes": int(len(test)),
                         "gnn_fraction": statistics.mean(p["gnn_fraction"] for p in per_seed),
                         "mowst_s": statistics.mean(p["routed_s"] for p in per_seed),
                         "gnn_s": statistics.mean(p["gnn_s"] for p in per_seed),
                         "ratio_mean": statistics.mean(ratios), "ratio_max": max(ratios)})
            print(rows[-1], flush=True)
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
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--max-seeds", type=int, default=3, help="time at most this many trained seeds per run")
    parser.add_argument("--only", action="append", default=[], metavar="GLOB",
                        help="time only the runs whose folder name matches (repeatable); the others keep their rows")
    args = parser.parse_args()
    sweep = Path(args.sweep)
    runs = mowst_runs(sweep)
    if not runs:
        sweep = BENCH
        train_one_seed_each(sweep, args.data_root)
        runs = mowst_runs(sweep)
    rows = collect(runs, args.repeats, args.data_root, args.max_seeds, args.only)
    if args.only and (RESULTS / "mowst_inference.json").is_file():  # keep the rows of the runs not re-timed
        fresh = {(r["dataset"], r["model"]) for r in rows}
        old = json.loads((RESULTS / "mowst_inference.json").read_text())["rows"]
        rows = sorted(rows + [r for r in old if (r["dataset"], r["model"]) not in fresh],
                      key=lambda r: (r["dataset"], r["model"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_json(RESULTS / "mowst_inference.json", {"source": str(sweep), "repeats": args.repeats,
                                                         "threads": torch.get_num_threads(), "rows": rows})
    table = markdown(rows)
    atomic_write_text(RESULTS / "mowst_inference.md",
                      f"# Mowst routed mini-batch inference vs the GNN alone (test nodes, CPU, {torch.get_num_threads()} "
                      f"threads, medians of {args.repeats} alternating timings)\n\n" + table + "\n")
    print(table)


if __name__ == "__main__":
    main()
