"""Where Mowst routes nodes and how each expert does there: the gate histogram, and accuracy by node degree
and by local homophily (the paper's §5 analysis), as a JSON-able dict and a plot.

Local homophily of node i: h_i = |{j ∈ N(i), j ≠ i : y_j = y_i}| / |{j ∈ N(i), j ≠ i}| over in-neighbours
(undefined, and left out of that panel, for isolated nodes). Routing follows the deterministic gate
(MLP iff C ≥ 0.5), so ``mowst_acc`` is what the threshold variant scores in each bin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dgl
import torch
from torch import Tensor

from graphlab.io import atomic_write_json
from graphlab.mowst.inference import THRESHOLD
from graphlab.mowst.model import ExpertOutputs

GATE_BINS = 20
DEGREE_BINS = 5
HOMOPHILY_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0 + 1e-9)


def local_homophily(graph: dgl.DGLGraph, labels: Tensor) -> Tensor:
    """(N,) h_i, the share of node i's in-neighbours (self-loops excluded) with i's label; NaN when isolated."""
    u, v = graph.edges()
    keep = u != v
    u, v = u[keep], v[keep]
    n = graph.num_nodes()
    same = torch.zeros(n).index_add_(0, v, (labels[u] == labels[v]).float())
    deg = torch.zeros(n).index_add_(0, v, torch.ones(len(v)))
    return torch.where(deg > 0, same / deg.clamp(min=1), torch.full_like(deg, float("nan")))


def in_degree(graph: dgl.DGLGraph) -> Tensor:
    """(N,) in-degree without self-loops."""
    u, v = graph.edges()
    v = v[u != v]
    return torch.zeros(graph.num_nodes()).index_add_(0, v, torch.ones(len(v)))


def _bin_stats(bins: Tensor, edges: list[float], right: dict[str, Tensor], to_gnn: Tensor) -> list[dict[str, Any]]:
    rows = []
    for b in range(len(edges) - 1):
        m = bins == b
        count = int(m.sum())
        row: dict[str, Any] = {"low": float(edges[b]), "high": float(edges[b + 1]), "count": count}
        if count:
            row.update({k: float(r[m].float().mean()) for k, r in right.items()})
            row["gnn_fraction"] = float(to_gnn[m].float().mean())
        rows.append(row)
    return rows


def routing_analysis(out: ExpertOutputs, labels: Tensor, graph: dgl.DGLGraph, nodes: Tensor) -> dict[str, Any]:
    """Gate histogram and per-bin accuracy of the MLP, the GNN and routed Mowst on ``nodes``.

    ``out`` and ``labels`` cover all N nodes (neighbours' labels define local homophily). Degree bins are the
    quantiles of the nodes' degrees (ties merged); homophily bins are fixed fifths of [0, 1].
    """
    graph, labels, nodes = graph.cpu(), labels.cpu(), nodes.cpu()
    part = ExpertOutputs(out.weak.cpu(), out.strong.cpu(), out.gate.cpu())[nodes]
    y = labels[nodes]
    to_gnn = part.gate < THRESHOLD
    mlp_right = part.weak.argmax(1) == y
    gnn_right = part.strong.argmax(1) == y
    right = {"mlp_acc": mlp_right, "gnn_acc": gnn_right, "mowst_acc": torch.where(to_gnn, gnn_right, mlp_right)}
    counts = torch.histc(part.gate.float(), bins=GATE_BINS, min=0.0, max=1.0)

    deg = in_degree(graph)[nodes]
    deg_edges = sorted(set(torch.quantile(deg, torch.linspace(0, 1, DEGREE_BINS + 1)).tolist()))
    if len(deg_edges) == 1:
        deg_edges.append(deg_edges[0])
    deg_edges[-1] += 1e-9
    deg_bins = torch.bucketize(deg, torch.tensor(deg_edges[1:-1]), right=True)
    h = local_homophily(graph, labels)[nodes]
    h_bins = torch.bucketize(h.nan_to_num(-1.0), torch.tensor(HOMOPHILY_EDGES[1:-1]), right=True)
    h_bins[torch.isnan(h)] = -1
    return {"nodes": len(nodes),
            "gate_histogram": {"edges": torch.linspace(0, 1, GATE_BINS + 1).tolist(), "counts": counts.tolist()},
            "by_degree": _bin_stats(deg_bins, deg_edges, right, to_gnn),
            "by_homophily": _bin_stats(h_bins, list(HOMOPHILY_EDGES), right, to_gnn)}


def plot_routing_analysis(analysis: dict[str, Any], path: Path, title: str = "") -> None:
    """Three panels: gate histogram; accuracy of MLP / GNN / Mowst by degree bin; the same by homophily bin."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    hist = analysis["gate_histogram"]
    edges = hist["edges"]
    axes[0].bar(edges[:-1], hist["counts"], width=edges[1] - edges[0], align="edge")
    axes[0].axvline(THRESHOLD, color="k", ls="--", lw=0.8)
    axes[0].set(xlabel="confidence C (≥ 0.5 → MLP)", ylabel="test nodes", title="gate")
    for ax, key, xlabel in ((axes[1], "by_degree", "degree bin"), (axes[2], "by_homophily", "local homophily")):
        rows = [r for r in analysis[key] if r["count"]]
        ticks = [f"{r['low']:.3g}–{r['high']:.3g}\n(n={r['count']})" for r in rows]
        for name in ("mlp_acc", "gnn_acc", "mowst_acc"):
            ax.plot(range(len(rows)), [100 * r[name] for r in rows], marker="o", label=name.split("_")[0])
        ax.set_xticks(range(len(rows)), ticks, fontsize=6)
        ax.set(xlabel=xlabel, ylabel="accuracy (%)")
    axes[1].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_routing_analysis(analysis: dict[str, Any], folder: Path, seed: int, title: str = "") -> None:
    """``folder/analysis/seed{seed}.json`` (atomic) and ``seed{seed}.png``."""
    target = folder / "analysis"
    target.mkdir(parents=True, exist_ok=True)
    atomic_write_json(target / f"seed{seed}.json", analysis)
    plot_routing_analysis(analysis, target / f"seed{seed}.png", title)
