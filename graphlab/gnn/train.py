"""The ``gnn`` run function: one seed of node classification, full-batch or neighbour-sampled."""

from __future__ import annotations

import functools
import time
from typing import Any

import dgl
import torch
import torch.nn.functional as F

from graphlab.config import ExperimentConfig
from graphlab.data import NodeDataset, Split, load_dataset
from graphlab.errors import ConfigError
from graphlab.eval import Evaluator
from graphlab.experiment import SeedContext, SeedResult
from graphlab.gnn.config import GNNConfig
from graphlab.nn import GCN, build_model, count_parameters, sparsify_features, take_rows
from graphlab.registry import register_method
from graphlab.training import check_finite_outputs, fit


@functools.lru_cache(maxsize=4)
def _cached_dataset(name: str, root: str | None, params: tuple[tuple[str, Any], ...]) -> NodeDataset:
    return load_dataset(name, root, **dict(params))


def node_dataset(cfg: ExperimentConfig) -> NodeDataset:
    """The config's dataset, loaded once per process (seeds share it)."""
    data = _cached_dataset(cfg.dataset.name, cfg.dataset.root, tuple(sorted(cfg.dataset.params.items())))
    if not isinstance(data, NodeDataset):
        raise ConfigError(f"dataset '{cfg.dataset.name}' is not a node-classification dataset")
    return data


def prepare_inputs(cfg: ExperimentConfig, data: NodeDataset, device: torch.device,
                   model: str) -> tuple[dgl.DGLGraph, torch.Tensor]:
    """The message-passing graph (self-loops added when configured) and the (row-normalised) features that
    ``model`` (named in the error when the dataset has none) reads, sparse when ``dataset.sparse_below`` says so."""
    x = data.require_features(model)
    if cfg.dataset.normalize_features:
        x = x / x.sum(1, keepdim=True).clamp(min=1e-12)
    graph = dgl.add_self_loop(data.graph) if cfg.dataset.self_loops else data.graph
    return graph.to(device), sparsify_features(x, cfg.dataset.sparse_below).to(device)


def node_split(cfg: ExperimentConfig, data: NodeDataset, index: int) -> Split:
    """Member ``index`` of the configured split family; an empty train/valid/test set is a ConfigError."""
    split = data.split(cfg.dataset.split, index)
    for part in ("train", "valid", "test"):
        if len(getattr(split, part)) == 0:
            raise ConfigError(f"dataset '{data.name}' split '{cfg.dataset.split}' has an empty {part} set")
    return split


@register_method("gnn", config=GNNConfig)
def run_gnn(cfg: GNNConfig, ctx: SeedContext) -> SeedResult:
    """Node classification with any graphlab.nn model (MLP, GCN, GraphSAGE, GAT, GIN, GNN+MLP residual)."""
    data = node_dataset(cfg)
    graph, x = prepare_inputs(cfg, data, ctx.device, cfg.model.name)
    split = node_split(cfg, data, ctx.index)
    y = data.labels.to(ctx.device)
    m = cfg.model
    model = build_model(m.name, x.shape[1], m.hidden, data.num_classes, layers=m.layers, dropout=m.dropout,
                        norm=m.norm, heads=m.heads, attn_dropout=m.attn_dropout, aggregator=m.aggregator).to(ctx.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.trainer.lr, weight_decay=cfg.trainer.weight_decay)
    evaluator = Evaluator(data.metric)
    train_ids, valid_ids, test_ids = (s.to(ctx.device) for s in (split.train, split.valid, split.test))

    if cfg.sampler.kind == "full":
        def train_epoch(epoch: int) -> float:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(graph, x)[train_ids], y[train_ids])
            loss.backward()
            optimizer.step()
            return loss.item()
    else:
        GCN.add_out_degrees(graph)  # sampled GCN normalises by full-graph degrees (see graphlab.nn.GCN)
        sampler = dgl.dataloading.NeighborSampler(list(cfg.sampler.fanouts))
        def train_epoch(epoch: int) -> float:
            # the batch order depends only on (seed, epoch), so a resumed run sees the same batches
            rng = torch.Generator().manual_seed(ctx.seed * 1_000_003 + epoch)
            order = torch.randperm(len(train_ids), generator=rng)
            loader = dgl.dataloading.DataLoader(graph, train_ids[order.to(ctx.device)], sampler,
                                                batch_size=cfg.sampler.batch_size, shuffle=False, device=ctx.device)
            total, count = 0.0, 0
            for input_nodes, output_nodes, blocks in loader:
                optimizer.zero_grad()
                loss = F.cross_entropy(model(blocks, take_rows(x, input_nodes)), y[output_nodes])
                loss.backward()
                optimizer.step()
                total, count = total + loss.item() * len(output_nodes), count + len(output_nodes)
            return total / max(count, 1)

    def score(logits: torch.Tensor, ids: torch.Tensor) -> float:
        return evaluator.eval({"y_true": y[ids], "y_pred": logits[ids]})[evaluator.metric]

    def evaluate() -> tuple[float, float]:
        logits = model(graph, x)
        check_finite_outputs(logits, ctx.seed)
        return score(logits, valid_ids), score(logits, test_ids)

    result = fit(ctx, model, optimizer, train_epoch, evaluate, epochs=cfg.trainer.epochs,
                 patience=cfg.trainer.patience, eval_every=cfg.trainer.eval_every, desc=f"seed {ctx.seed}")
    model.eval()
    t0 = time.perf_counter()
    with torch.no_grad():
        model(graph, x)
    return SeedResult(metric=evaluator.metric, valid=result.best_valid, test=result.best_test,
                      epochs=result.epochs, best_epoch=result.best_epoch, curves=result.curves,
                      extra={"inference_time_s": time.perf_counter() - t0},
                      info={"model": m.name, "params": count_parameters(model)})
