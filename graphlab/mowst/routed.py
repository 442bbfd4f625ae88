"""Mowst's cheap inference: the MLP and the gate run on every query node, the GNN only on the nodes the threshold
gate sends to it, in mini-batches over their own neighbourhoods (Zeng et al., ICLR 2024, §"Cost")."""

from __future__ import annotations

import time

import dgl
import torch
from torch import Tensor

from graphlab.mowst.inference import THRESHOLD
from graphlab.mowst.model import Mowst
from graphlab.nn import GCN, NodeModel


@torch.no_grad()
def gnn_minibatch(gnn: NodeModel, graph: dgl.DGLGraph, x: Tensor, nodes: Tensor, batch_size: int) -> Tensor:
    """The GNN's logits for ``nodes`` from their full ``layers``-hop neighbourhoods (exact: equal to the full-graph
    forward pass), ``batch_size`` nodes at a time: ``(len(nodes), classes)``."""
    GCN.add_out_degrees(graph)  # blocks of a GCN need the full graph's degrees (see graphlab.nn.GCN)
    sampler = dgl.dataloading.MultiLayerFullNeighborSampler(gnn.num_layers)
    logits = []
    for batch in nodes.split(batch_size):
        input_nodes, _, blocks = sampler.sample(graph, batch)
        logits.append(gnn(blocks, x[input_nodes]))
    return torch.cat(logits)


@torch.no_grad()
def routed_logits(model: Mowst, graph: dgl.DGLGraph, x: Tensor, nodes: Tensor, batch_size: int = 1024) -> Tensor:
    """Threshold-gate predictions for ``nodes``: the MLP's logits where C ≥ 0.5, else the GNN's, the GNN run only
    on the nodes sent to it. ``(len(nodes), classes)``; the model must be in eval mode."""
    weak, gate = model.weak_outputs(x[nodes])
    to_gnn = gate < THRESHOLD
    logits = weak.clone()
    if bool(to_gnn.any()):
        logits[to_gnn] = gnn_minibatch(model.strong, graph, x, nodes[to_gnn], batch_size)
    return logits


def inference_cost(model: Mowst, graph: dgl.DGLGraph, x: Tensor, nodes: Tensor,
                   batch_size: int = 1024) -> dict[str, float]:
    """Wall-clock seconds of routed inference on ``nodes`` and of the GNN alone on the same nodes (mini-batch
    both), and their ratio."""
    t0 = time.perf_counter()
    routed_logits(model, graph, x, nodes, batch_size)
    t1 = time.perf_counter()
    gnn_minibatch(model.strong, graph, x, nodes, batch_size)
    t2 = time.perf_counter()
    return {"inference_time_s": t1 - t0, "gnn_inference_time_s": t2 - t1,
            "inference_time_ratio": (t1 - t0) / max(t2 - t1, 1e-9)}
