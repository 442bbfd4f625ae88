"""The recsys results page: benchmarks/results/recsys.md (+ .png figures) from a finished sweep.

Reads every finished run of the sweep's committed records, ``benchmarks/results/sweeps/recsys`` (``graphlab sweep
configs/sweeps/recsys.yaml`` saves each run there; ``--runs runs/recsys`` reads the live folders instead), writes the
leaderboard with ``graphlab report`` and adds what the generic table has no room for: Recall@20 / NDCG@20 overall,
light and heavy users (mean ± std over seeds), UIC's cluster and retrieval figures, the acceptance checks of
issue 6, and two plots: Recall@20 by activity decile per method and UIC's cluster size distribution.

    .venv/bin/python benchmarks/recsys_report.py [--runs benchmarks/results/sweeps/recsys] [--out benchmarks/results/recsys]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np

from graphlab.io import atomic_write_text

REPO = Path(__file__).resolve().parents[1]
DATASETS = ("ml100k", "lastfm", "beauty")
METHODS = ("pop", "mf", "lightgcn", "item_attention", "sasrec", "uic")
COLUMNS = ("recall@20", "recall@20_light", "recall@20_heavy", "ndcg@20", "ndcg@20_light", "ndcg@20_heavy")


def load(runs: Path) -> dict[tuple[str, str], dict]:
    """(dataset, method) → {"summary": …, "records": […]} for every finished run."""
    out = {}
    for path in sorted(runs.rglob("summary.json")):
        summary = json.loads(path.read_text())
        records = [json.loads(line) for line in (path.parent / "results.jsonl").read_text().splitlines() if line]
        out[(summary["dataset"], summary["method"])] = {"summary": summary, "records": records}
    return out


def per_seed(run: dict, key: str) -> np.ndarray:
    if key == "recall@20":
        return np.array([r["test"] for r in run["records"]], float)
    return np.array([r["extra"].get(key, np.nan) for r in run["records"]], float)


def pm(values: np.ndarray, scale: float = 100.0) -> str:
    values = values[~np.isnan(values)]
    if not len(values):
        return "–"
    std = values.std(ddof=1) if len(values) > 1 else 0.0
    return f"{scale * values.mean():.2f} ± {scale * std:.2f}"


def mean(run: dict | None, key: str) -> float:
    return float(np.nanmean(per_seed(run, key))) if run else float("nan")


def acceptance(runs: dict) -> list[str]:
    lines = []
    uic_vs_ia, light, vs_lgcn = [], [], []
    for d in DATASETS:
        u, ia, lg = runs.get((d, "uic")), runs.get((d, "item_attention")), runs.get((d, "lightgcn"))
        if u and ia:
            uic_vs_ia.append((d, mean(u, "recall@20"), mean(ia, "recall@20")))
            light.append((d, mean(u, "recall@20_light"), mean(ia, "recall@20_light")))
        if u and lg:
            vs_lgcn.append((d, mean(u, "recall@20"), mean(lg, "recall@20")))

    def verdict(ok: bool) -> str:
        return "**pass**" if ok else "**fail**"

    if uic_vs_ia:
        ok = all(a >= b for _, a, b in uic_vs_ia) and len(uic_vs_ia) == len(DATASETS)
        lines.append(f"- UIC ≥ item attention overall (Recall@20) on every dataset: {verdict(ok)} — " + ", ".join(
            f"{d} {100 * a:.2f} vs {100 * b:.2f}" for d, a, b in uic_vs_ia))
        ok = all(a > b for _, a, b in light) and len(light) == len(DATASETS)
        lines.append(f"- UIC > item attention on light users on every dataset: {verdict(ok)} — " + ", ".join(
            f"{d} {100 * a:.2f} vs {100 * b:.2f}" for d, a, b in light))
    if vs_lgcn:
        wins = sum(a >= b for _, a, b in vs_lgcn)
        lines.append(f"- UIC ≥ LightGCN overall on at least 2 of 3 datasets: {verdict(wins >= 2)} ({wins} of "
                     f"{len(vs_lgcn)}) — " + ", ".join(f"{d} {100 * a:.2f} vs {100 * b:.2f}" for d, a, b in vs_lgcn))
    for d in ("ml100k", "beauty"):
        u = runs.get((d, "uic"))
        if u:
            s, loss = mean(u, "retrieval_speedup"), mean(u, "retrieval_recall_loss")
            lines.append(f"- Retrieval on {d} (in-run, configured top-c): ≥ 4× faster with ≤ 3% relative Recall@20 "
                         f"loss: {verdict(s >= 4 and loss <= 0.03)} — {s:.2f}×, {100 * loss:.2f}% loss")
    return lines


def plots(runs: dict, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    fig, axes = plt.subplots(1, len(DATASETS), figsize=(4.2 * len(DATASETS), 3.4), squeeze=False)
    for ax, d in zip(axes[0], DATASETS, strict=True):
        for m in METHODS:
            if (d, m) in runs:
                ys = [mean(runs[(d, m)], f"recall@20_decile{k}") for k in range(10)]
                ax.plot(range(1, 11), [100 * y for y in ys], marker="o", ms=3, label=m)
        ax.set(title=d, xlabel="activity decile (1 = lightest)", ylabel="test Recall@20 (%)")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    path = out.with_name(out.name + "_deciles.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    files.append(path.name)

    fig, axes = plt.subplots(1, len(DATASETS), figsize=(4.2 * len(DATASETS), 3.0), squeeze=False)
    for ax, d in zip(axes[0], DATASETS, strict=True):
        u = runs.get((d, "uic"))
        sizes = (u or {}).get("summary", {}).get("extra", {}).get("cluster_sizes")
        if sizes:
            ax.bar(range(len(sizes)), sizes)
            ax.set(title=f"{d}: {len(sizes)} clusters", xlabel="cluster (by size)", ylabel="items", yscale="log")
    fig.tight_layout()
    path = out.with_name(out.name + "_clusters.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    files.append(path.name)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default=str(REPO / "benchmarks/results/sweeps/recsys"))
    parser.add_argument("--out", default=str(REPO / "benchmarks/results/recsys"))
    args = parser.parse_args()
    from graphlab.report import write_report

    root, out = Path(args.runs), Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table = write_report(root)  # graphlab report: leaderboard.md/.png under the runs folder
    shutil.copyfile(root / "leaderboard.png", out.with_suffix(".png"))
    runs = load(root)
    seeds = sorted({len(r["records"]) for r in runs.values()})
    lines = ["# Interest-cluster recommendation (UIC) and its baselines", "",
             "Masked full ranking (every item scored; training items, and at test time valid items, never ranked). "
             "Light users: bottom 30% by training history length, heavy: top 10%. Values ×100, mean ± std over "
             f"{'/'.join(map(str, seeds))} seeds; model selection on valid Recall@20. Beauty: test metrics on a fixed "
             "sample of 5,000 test users, the same for every method and seed.", "",
             "| dataset | method | Recall@20 | R@20 light | R@20 heavy | NDCG@20 | N@20 light | N@20 heavy | "
             "time/seed (s) | ranking ms / 1k users |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for d in DATASETS:
        for m in METHODS:
            run = runs.get((d, m))
            if not run:
                continue
            ex = run["summary"]["extra"]
            lines.append(f"| {d} | {m} | " + " | ".join(pm(per_seed(run, c)) for c in COLUMNS)
                         + f" | {ex.get('time_per_seed_s', float('nan')):.0f} | "
                         f"{ex.get('inference_ms_per_1k_users', float('nan')):.0f} |")
    lines += ["", "## UIC: interests and retrieval", "",
              "| dataset | clusters | largest cluster share | interest entropy light | heavy | retrieval speed-up | "
              "relative Recall@20 loss | catalogue share searched |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for d in DATASETS:
        u = runs.get((d, "uic"))
        if u:
            lines.append(f"| {d} | {mean(u, 'clusters'):.0f} | {mean(u, 'cluster_largest_share'):.3f} | "
                         f"{mean(u, 'interest_entropy_light'):.2f} | {mean(u, 'interest_entropy_heavy'):.2f} | "
                         f"{pm(per_seed(u, 'retrieval_speedup'), 1.0)}× | {pm(per_seed(u, 'retrieval_recall_loss'))}% | "
                         f"{mean(u, 'retrieval_candidate_share'):.3f} |")
    lines += ["", "## Acceptance (issue 6)", "", *acceptance(runs), ""]
    files = plots(runs, out)
    lines += [f"![Recall@20 by activity decile]({files[0]})", "", f"![UIC cluster sizes]({files[1]})", "",
              "## Leaderboard (`graphlab report` over the runs)", "", table, "",
              "Commands: `OMP_NUM_THREADS=1 graphlab sweep configs/sweeps/recsys.yaml --data-root ../shared/datasets`, "
              "then `python benchmarks/recsys_report.py` (reads the sweep's records, benchmarks/results/sweeps/recsys)."]
    atomic_write_text(out.with_suffix(".md"), "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
