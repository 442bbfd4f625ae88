"""Temporal training time, side by side in one process: (a) a TGAT epoch with and without the edge-feature
cache; (b) TASER (full, and each part alone) against its backbone with the standard sampler.

(a) runs on the ``temporal-sbm`` generator with 172-wide edge features (wikipedia's original width; the stored
wikipedia here has none, and bitcoin/ml100k carry a single column, so the cache would move almost nothing);
``cache.ratio=0`` serves every row from host memory, ``0.2`` keeps the most-accessed fifth resident on the
compute device. On a CPU-only machine both copies live in the same RAM: the figure there measures the cache's
bookkeeping overhead; its benefit needs a GPU (``--device cuda``).
(b) runs ``configs/graphlab/{tgnn,taser}/<backbone>/<dataset>.yaml`` for one epoch each on the last
``--train-events`` training events. ``epoch_time_s`` is the training epoch alone (evaluation excluded).

    python benchmarks/temporal_training.py [--data-root DIR] [--dataset collegemsg] [--device cpu]

Writes ``benchmarks/results/temporal_training.{json,md}``.
"""

from __future__ import annotations

import argparse
import platform
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import torch

import graphlab
from graphlab.io import atomic_write_json, atomic_write_text

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"


def one_epoch(config: str | dict[str, Any], overrides: list[str], tmp: Path, name: str) -> dict[str, float]:
    summary = graphlab.run(config, [*overrides, "trainer.seeds=1", "trainer.epochs=1"], out=tmp / name)
    extra = summary["extra"]
    return {"epoch_time_s": extra["epoch_time_s"], "cache_hit_rate": extra["cache_hit_rate"],
            "cache_bytes_moved": extra["cache_bytes_moved"], "peak_mem_mb": extra["peak_mem_mb"]}


def cache_rows(args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    stream = {"name": "temporal-sbm", "params": {"nodes": 2000, "events": args.sbm_events, "edge_dim": 172}}
    cfg = {"method": "tgnn", "dataset": stream, "model": {"backbone": "tgat"},
           "sampler": {"policy": "uniform", "fanouts": [10, 10]},
           "trainer": {"device": args.device, "max_eval_events": 200}}
    rows = []
    for ratio in (0.0, 0.2):
        row = one_epoch(cfg, [f"cache.ratio={ratio}"], tmp, f"cache{ratio}")
        rows.append({"setting": f"TGAT, temporal-sbm (172-d edge features), cache.ratio={ratio}", **row})
        print(rows[-1], flush=True)
    return rows


def taser_rows(args: argparse.Namespace, tmp: Path) -> list[dict[str, Any]]:
    rows = []
    common = [f"trainer.max_train_events={args.train_events}", "trainer.max_eval_events=200",
              f"trainer.device={args.device}", *([f"dataset.root={args.data_root}"] if args.data_root else [])]
    for backbone in ("tgat", "graphmixer"):
        runs = {"backbone sampler": (f"configs/graphlab/tgnn/{backbone}/{args.dataset}.yaml", []),
                "TASER": (f"configs/graphlab/taser/{backbone}/{args.dataset}.yaml", []),
                "TASER, adaptive neighbours only": (f"configs/graphlab/taser/{backbone}/{args.dataset}.yaml",
                                                    ["taser.adaptive_batches=false"]),
                "TASER, adaptive batches only": (f"configs/graphlab/taser/{backbone}/{args.dataset}.yaml",
                                                 ["taser.adaptive_neighbors=false"])}
        base = None
        for name, (config, extra) in runs.items():
            row = one_epoch(str(REPO / config), [*common, *extra], tmp, f"{backbone}-{len(rows)}")
            base = base or row["epoch_time_s"]
            rows.append({"setting": f"{backbone} on {args.dataset}: {name}", **row,
                         "vs_backbone": row["epoch_time_s"] / base})
            print(rows[-1], flush=True)
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| setting | epoch time (s) | × backbone | cache hit rate | peak memory (MB) |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        ratio = f"{r['vs_backbone']:.2f}" if "vs_backbone" in r else "–"
        lines.append(f"| {r['setting']} | {r['epoch_time_s']:.2f} | {ratio} | {r['cache_hit_rate']:.3f} | "
                     f"{r['peak_mem_mb']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", default=None)
    parser.add_argument("--dataset", default="collegemsg")
    parser.add_argument("--train-events", type=int, default=6000)
    parser.add_argument("--sbm-events", type=int, default=30000)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    with TemporaryDirectory() as tmp:
        rows = cache_rows(args, Path(tmp)) + taser_rows(args, Path(tmp))
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {"device": args.device, "threads": torch.get_num_threads(), "machine": platform.processor()}
    atomic_write_json(RESULTS / "temporal_training.json", {"meta": meta, "rows": rows})
    table = markdown(rows)
    atomic_write_text(RESULTS / "temporal_training.md",
                      f"# Temporal training epoch time ({args.device}, {meta['threads']} threads)\n\n{table}\n")
    print(table)


if __name__ == "__main__":
    main()
