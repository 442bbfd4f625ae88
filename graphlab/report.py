"""OGB-style leaderboards over run directories: a markdown table and matplotlib plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphlab.errors import ConfigError
from graphlab.io import atomic_write_text


def find_runs(root: str | Path) -> list[Path]:
    """Run directories (folders holding a summary.json) under ``root``, sorted."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"no such directory: {root}")
    return sorted(p.parent for p in root.rglob("summary.json"))


def label(summary: dict[str, Any]) -> str:
    """Method name, with the backbone when the method has one (``gnn[gat]``); a model name that already
    starts with the method's (``mowst_star[gcn]`` of method ``mowst``) is the label itself."""
    model = summary.get("extra", {}).get("model")
    if model and str(model).startswith(summary["method"]):
        return str(model)
    return f"{summary['method']}[{model}]" if model else summary["method"]


def _pm(stat: dict[str, float], scale: float) -> str:
    return f"{stat['mean'] * scale:.2f} ± {stat['std'] * scale:.2f}"


def leaderboard_markdown(summaries: list[dict[str, Any]]) -> str:
    """One row per run: method, dataset, metric, valid and test as mean ± std (×100 for bounded metrics)."""
    lines = ["| method | dataset | metric | seeds | valid | test | #params | time (s) |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for s in sorted(summaries, key=lambda s: (s["dataset"], -s["test"]["mean"])):
        scale = 100.0
        params = s.get("extra", {}).get("params")
        lines.append(f"| {label(s)} | {s['dataset']} | {s['metric']} | {s['seeds']} | {_pm(s['valid'], scale)} | "
                     f"{_pm(s['test'], scale)} | {params if params is not None else '–'} | {s['wall_time_s']:.1f} |")
    return "\n".join(lines)


def _bar_chart(summaries: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = sorted({s["dataset"] for s in summaries})
    labels = sorted({label(s) for s in summaries})
    fig, ax = plt.subplots(figsize=(max(4, 1.5 * len(datasets) * max(1, len(labels)) / 3), 3.5))
    width = 0.8 / max(len(labels), 1)
    for j, lab in enumerate(labels):
        xs, means, stds = [], [], []
        for i, d in enumerate(datasets):
            for s in summaries:
                if s["dataset"] == d and label(s) == lab:
                    xs.append(i + j * width)
                    means.append(100 * s["test"]["mean"])
                    stds.append(100 * s["test"]["std"])
        ax.bar(xs, means, width, yerr=stds, capsize=3, label=lab)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(datasets))], datasets)
    ax.set_ylabel("test (mean ± std)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _learning_curves(runs: list[Path], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_valid) = plt.subplots(1, 2, figsize=(9, 3.5))
    for run in runs:
        summary = json.loads((run / "summary.json").read_text())
        records = [json.loads(line) for line in (run / "results.jsonl").read_text().splitlines() if line.strip()]
        if not records or not records[0].get("curves"):
            continue
        curves = records[0]["curves"]
        name = f"{label(summary)}/{summary['dataset']}"
        ax_loss.plot(curves.get("train_loss", []), label=name, lw=1)
        ax_valid.plot(curves.get("valid", []), label=name, lw=1)
    ax_loss.set(xlabel="epoch", ylabel="train loss", yscale="log")
    ax_valid.set(xlabel="evaluation", ylabel="valid metric (first seed)")
    ax_valid.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(root: str | Path) -> str:
    """Write ``leaderboard.md``, ``leaderboard.png`` and ``curves.png`` under ``root``; return the table."""
    root = Path(root)
    runs = find_runs(root)
    if not runs:
        raise ConfigError(f"no runs (summary.json files) under {root}")
    summaries = [json.loads((r / "summary.json").read_text()) for r in runs]
    table = leaderboard_markdown(summaries)
    rows = "\n".join(f"- `{r.relative_to(root) if r != root else '.'}`" for r in runs)
    atomic_write_text(root / "leaderboard.md", f"# Leaderboard\n\n{table}\n\nRuns:\n{rows}\n")
    _bar_chart(summaries, root / "leaderboard.png")
    _learning_curves(runs, root / "curves.png")
    return table
