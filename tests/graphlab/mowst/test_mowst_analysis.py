"""Routing analysis: local homophily and degree against hand-computed values, bin bookkeeping, and the per-seed
files a run writes."""

from __future__ import annotations

import json
import math

import dgl
import torch

import graphlab
from graphlab.mowst.analysis import in_degree, local_homophily, routing_analysis
from graphlab.mowst.model import ExpertOutputs


def _path_graph():
    # 0-1-2-3 undirected, plus a self-loop on 1 and an isolated node 4; labels 0,0,1,1,0
    u = torch.tensor([0, 1, 1, 2, 2, 3, 1])
    v = torch.tensor([1, 0, 2, 1, 3, 2, 1])
    return dgl.graph((u, v), num_nodes=5), torch.tensor([0, 0, 1, 1, 0])


def test_local_homophily_and_degree_by_hand():
    g, y = _path_graph()
    h = local_homophily(g, y)
    # node 0: {1} same → 1; node 1: {0, 2} → 1/2 (self-loop ignored); node 2: {1, 3} → 1/2; node 3: {2} → 1
    assert h[:4].tolist() == [1.0, 0.5, 0.5, 1.0] and math.isnan(h[4])
    assert in_degree(g).tolist() == [1, 2, 2, 1, 0]


def test_bins_partition_the_nodes_and_routed_accuracy_follows_the_gate():
    g, y = _path_graph()
    weak = torch.nn.functional.one_hot(torch.tensor([0, 1, 1, 1, 0]), 2).float()  # wrong on node 1
    strong = torch.nn.functional.one_hot(torch.tensor([1, 0, 1, 1, 1]), 2).float()  # wrong on nodes 0 and 4
    gate = torch.tensor([0.9, 0.1, 0.6, 0.2, 0.7])  # MLP on 0, 2, 4; GNN on 1, 3 → all right
    a = routing_analysis(ExpertOutputs(weak, strong, gate), y, g, torch.arange(5))
    assert sum(a["gate_histogram"]["counts"]) == 5
    assert sum(r["count"] for r in a["by_degree"]) == 5
    assert sum(r["count"] for r in a["by_homophily"]) == 4  # the isolated node has no homophily
    for r in a["by_degree"]:
        if r["count"]:
            assert r["mowst_acc"] == 1.0
    top = [r for r in a["by_homophily"] if r["count"] and r["low"] == 0.8][0]
    assert top["count"] == 2 and top["mlp_acc"] == 1.0 and top["gnn_acc"] == 0.5 and top["gnn_fraction"] == 0.5


def test_run_writes_analysis_per_seed(tmp_path):
    cfg = {"method": "mowst", "dataset": {"name": "csbm", "params": {"nodes": 200, "features": 8, "valid": 50}},
           "model": {"hidden": 8},
           "trainer": {"epochs": 5, "big_epochs": 1, "seeds": 2, "device": "cpu"}}
    graphlab.run(cfg, out=tmp_path / "run")
    for seed in (0, 1):
        data = json.loads((tmp_path / "run" / "analysis" / f"seed{seed}.json").read_text())
        assert data["nodes"] == sum(r["count"] for r in data["by_degree"])
        assert (tmp_path / "run" / "analysis" / f"seed{seed}.png").stat().st_size > 1000


def test_saved_weights_rebuild_the_same_predictions(tmp_path):
    from graphlab.cli import load_experiment_config
    from graphlab.mowst import RoutedInference, mowst_setup, weights_path

    cfg = {"method": "mowst", "dataset": {"name": "csbm", "params": {"nodes": 200, "features": 8, "valid": 50}},
           "model": {"hidden": 8}, "trainer": {"epochs": 5, "big_epochs": 1, "seeds": 1, "device": "cpu"}}
    summary = graphlab.run(cfg, out=tmp_path / "run")
    loaded = load_experiment_config(str(tmp_path / "run" / "config.yaml"), [])
    setup = mowst_setup(loaded, torch.device("cpu"), 0)
    setup.model.load_state_dict(torch.load(weights_path(tmp_path / "run", 0)))
    setup.model.eval()
    test = setup.ids["test"]
    with torch.no_grad():
        logits = RoutedInference(setup.model)(setup.graph, setup.x, test)
        _, gate = setup.model.weak_outputs(setup.x[test])
    # the rebuilt model routes exactly as the run reported
    assert abs(float((gate < 0.5).float().mean()) - summary["extra"]["gnn_fraction"]) < 1e-9
    assert logits.shape == (len(test), setup.data.num_classes)
