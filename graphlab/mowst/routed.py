"""Mowst's cheap inference: the MLP and the gate run on every query node, the GNN only on the nodes the threshold
gate sends to it, in mini-batches over their own neighbourhoods (Zeng et al., ICLR 2024, §"Cost")."""

from __future__ import annotations

import statistics
import time

import dgl
import torch
from torch import Tensor

from graphlab.mowst.inference import THRESHOLD
from graphlab.mowst.model import Mowst
from graphlab.nn import GCN, FrozenMLP, NodeModel, take_rows


@torch.no_grad()
def gnn_minibatch(gnn: NodeModel, graph: dgl.DGLGraph, x: Tensor, nodes: Tensor, batch_size: int) -> Tensor:
    """The GNN's logits for ``nodes`` from their full ``layers``-hop neighbourhoods (exact: equal to the full-graph
    forward pass), ``batch_size`` nodes at a time: ``(len(nodes), classes)``."""
    GCN.add_out_degrees(graph)  # blocks of a GCN need the full graph's degrees (see graphlab.nn.GCN)
    sampler = dgl.dataloading.MultiLayerFullNeighborSampler(gnn.num_layers)
    logits = []
    for start in range(0, len(nodes), batch_size):
        batch = nodes[start : start + batch_size]
        input_nodes, _, blocks = sampler.sample(graph, batch)
        logits.append(gnn(blocks, take_rows(x, input_nodes)))
    return torch.cat(logits)


class RoutedInference:
    """Mowst deployed with the threshold gate: ``predictor(graph, x, nodes)`` → the MLP's logits where C ≥ 0.5,
    else the GNN's, ``(len(nodes), classes)``, equal to routing the module's outputs.

    Built once from a trained model in eval mode. The MLP and the gate run on every query node, frozen
    (:class:`~graphlab.nn.FrozenMLP`: eval BatchNorm folded into the linear layers, no dropout); the GNN runs only
    on the nodes sent to it, in mini-batches over their own neighbourhoods. The frozen experts copy the weights:
    build a new predictor after they change.
    """

    def __init__(self, model: Mowst) -> None:
        if model.training:
            raise ValueError("RoutedInference: the model is in training mode; call model.eval() first")
        self.weak = FrozenMLP(model.weak)
        self.confidence = model.confidence.frozen()
        self.strong = model.strong

    @torch.no_grad()
    def __call__(self, graph: dgl.DGLGraph, x: Tensor, nodes: Tensor, batch_size: int = 1024) -> Tensor:
        rows = take_rows(x, nodes)
        weak = self.weak(rows)
        to_gnn = self.confidence(weak, rows) < THRESHOLD
        routed = int(to_gnn.sum())
        if routed == 0:
            return weak
        if routed == len(nodes):  # every node goes to the GNN: no scatter
            return gnn_minibatch(self.strong, graph, x, nodes, batch_size)
        sent = to_gnn.nonzero().squeeze(1)
        weak[sent] = gnn_minibatch(self.strong, graph, x, nodes[sent], batch_size)
        return weak


def inference_cost(model: Mowst, graph: dgl.DGLGraph, x: Tensor, nodes: Tensor,
                   batch_size: int = 1024, repeats: int = 3) -> dict[str, float]:
    """Wall-clock seconds of routed inference (:class:`RoutedInference`) on ``nodes`` and of the GNN alone on the
    same nodes (mini-batch both; one warm-up of each, then ``repeats`` timed pairs, medians), and their ratio.
    The pairs alternate which one runs first (A B, B A, …) so that neither gains from the caches the other warmed."""
    predictor = RoutedInference(model)
    runs = {"routed": lambda: predictor(graph, x, nodes, batch_size),
            "alone": lambda: gnn_minibatch(model.strong, graph, x, nodes, batch_size)}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for fn in runs.values():
        fn()
    for i in range(repeats):
        for name in (("routed", "alone") if i % 2 == 0 else ("alone", "routed")):
            t0 = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - t0)
    t_routed, t_gnn = statistics.median(times["routed"]), statistics.median(times["alone"])
    return {"inference_time_s": t_routed, "gnn_inference_time_s": t_gnn,
            "inference_time_ratio": t_routed / max(t_gnn, 1e-9)}
