"""The ``mowst`` run function: one seed of Mowst / Mowst* node classification on a full graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dgl
import torch

from graphlab.data import NodeDataset
from graphlab.eval import Evaluator
from graphlab.experiment import SeedContext, SeedResult
from graphlab.gnn.train import node_dataset, node_split, prepare_inputs
from graphlab.io import atomic_torch_save
from graphlab.mowst.analysis import routing_analysis, write_routing_analysis
from graphlab.mowst.config import MowstConfig
from graphlab.mowst.inference import INFERENCES, routing_report
from graphlab.mowst.model import Mowst, build_mowst
from graphlab.mowst.routed import inference_cost
from graphlab.mowst.schedule import PRETRAIN, VARIANTS, MowstPhases, schedule
from graphlab.nn import count_parameters
from graphlab.registry import register_method
from graphlab.training import fit_phases


@dataclass
class MowstSetup:
    """One seed's inputs and untrained model, built identically by the run and by the inference benchmark."""

    data: NodeDataset
    graph: dgl.DGLGraph
    x: torch.Tensor
    y: torch.Tensor
    ids: dict[str, torch.Tensor]
    model: Mowst
    label: str


def mowst_setup(cfg: MowstConfig, device: torch.device, index: int) -> MowstSetup:
    """Dataset, message-passing graph and features, split ``index`` and the model of ``cfg`` on ``device``."""
    m = cfg.model
    label = f"{m.variant}[{m.strong}]"
    data = node_dataset(cfg)
    graph, x = prepare_inputs(cfg, data, device, label)
    split = node_split(cfg, data, index)
    ids = {part: getattr(split, part).to(device) for part in ("train", "valid", "test")}
    model = build_mowst(x.shape[1], data.num_classes, m.strong, hidden=m.hidden, layers=m.layers,
                        dropout=m.dropout, norm=m.norm, confidence=m.confidence, tau=m.tau,
                        gate_uses_features=m.gate_uses_features, heads=m.heads, attn_dropout=m.attn_dropout,
                        aggregator=m.aggregator).to(device)
    return MowstSetup(data, graph, x, data.labels.to(device), ids, model, label)


def weights_path(run_dir: Path, seed: int) -> Path:
    """Where a run keeps seed ``seed``'s trained weights (for re-timing inference and analysis later)."""
    return run_dir / "models" / f"seed{seed}.pt"


@register_method("mowst", config=MowstConfig)
def run_mowst(cfg: MowstConfig, ctx: SeedContext) -> SeedResult:
    """Mowst: a weak MLP and a strong GNN expert mixed by the MLP's confidence (Zeng et al., ICLR 2024)."""
    m, t = cfg.model, cfg.trainer
    setup = mowst_setup(cfg, ctx.device, ctx.index)
    data, graph, x, y, ids, model, label = (setup.data, setup.graph, setup.x, setup.y, setup.ids, setup.model,
                                            setup.label)
    variant = VARIANTS[m.variant](t.big_epochs, t.big_patience)
    inference = variant.default_inference if m.inference == "auto" else m.inference
    pretrain = variant.default_pretrain if m.pretrain == "auto" else m.pretrain
    evaluator = Evaluator(data.metric)
    phases = MowstPhases(model, graph, x, y, ids, evaluator, INFERENCES[variant.steering or inference](),
                         seed=ctx.seed, lr=t.lr, weight_decay=t.weight_decay, epochs=t.epochs, patience=t.patience,
                         optimizer=t.optimizer)
    result = fit_phases(ctx, model, phases.optimizers, schedule(phases, variant, PRETRAIN[pretrain]),
                        eval_every=t.eval_every)

    model.eval()
    with torch.no_grad():
        out = model(graph, x)
    valid, test_score = phases.scores(out, INFERENCES[inference]())  # the selected model under model.inference
    test = ids["test"]
    if ctx.run_dir is not None:  # accuracy by bin, also for ROC-AUC datasets
        atomic_torch_save(weights_path(ctx.run_dir, ctx.seed), model.state_dict())
        analysis = routing_analysis(out, y, graph, test)
        write_routing_analysis(analysis, ctx.run_dir, ctx.seed, title=f"{label} on {data.name}, seed {ctx.seed}")
    return SeedResult(metric=evaluator.metric, valid=valid, test=test_score,
                      epochs=result.epochs, best_epoch=result.best_epoch, curves=result.curves,
                      extra={**routing_report(out[test], y[test]), **inference_cost(model, graph, x, test)},
                      info={"model": label, "params": count_parameters(model), "inference": inference,
                            "pretrain": pretrain})
