"""Schema of the ``gnn`` method: node classification with any ``graphlab.nn`` model."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphlab.config import ExperimentConfig
from graphlab.nn import MODEL_NAMES, build_model


@dataclass
class GNNModelConfig:
    name: str = "gcn"  # mlp | gcn | sage | gat | gin, or a graph model with a residual MLP branch: gcn+mlp | sage+mlp | …
    hidden: int = 64
    layers: int = 2
    dropout: float = 0.5
    norm: str | None = None  # None | batch | layer
    heads: int = 8  # gat: heads of the hidden layers (hidden // heads features each)
    attn_dropout: float = 0.0  # gat: dropout on attention coefficients
    aggregator: str = "mean"  # sage: mean | gcn | pool | lstm

    def __post_init__(self) -> None:
        if self.name not in MODEL_NAMES:
            import difflib

            near = difflib.get_close_matches(self.name, MODEL_NAMES, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise ValueError(f"model.name '{self.name}' is not one of {', '.join(MODEL_NAMES)}{hint}")
        try:  # the model classes own their argument checks: build a 1-feature instance to run them now
            build_model(self.name, 1, self.hidden, 2, layers=self.layers, dropout=self.dropout, norm=self.norm,
                        heads=self.heads, attn_dropout=self.attn_dropout, aggregator=self.aggregator)
        except ValueError as e:
            raise ValueError(f"model: {e}") from None


@dataclass
class SamplerConfig:
    kind: str = "full"  # full: whole-graph training; neighbor: sampled mini-batches (dgl NeighborSampler)
    fanouts: list[int] = field(default_factory=lambda: [10, 10])  # one per layer
    batch_size: int = 512

    def __post_init__(self) -> None:
        if self.kind not in ("full", "neighbor"):
            raise ValueError(f"sampler.kind must be 'full' or 'neighbor' (got {self.kind!r})")
        if self.batch_size < 1 or any(f < 1 and f != -1 for f in self.fanouts):
            raise ValueError("sampler.batch_size must be ≥ 1 and sampler.fanouts ≥ 1 (or -1 for all neighbours)")


@dataclass
class GNNConfig(ExperimentConfig):
    method: str = "gnn"
    model: GNNModelConfig = field(default_factory=GNNModelConfig)
    sampler: SamplerConfig = field(default_factory=SamplerConfig)

    def __post_init__(self) -> None:
        if self.sampler.kind == "neighbor" and len(self.sampler.fanouts) != self.model.layers:
            raise ValueError(f"sampler.fanouts has {len(self.sampler.fanouts)} entries but model.layers is "
                             f"{self.model.layers}: give one fanout per layer")
