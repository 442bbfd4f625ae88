"""Schema of the ``tgnn`` method: a temporal GNN backbone (TGAT or GraphMixer) with its standard sampler, trained
for temporal link prediction in chronological mini-batches."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from graphlab.config import DatasetConfig, ExperimentConfig, TrainerConfig
from graphlab.temporal.features import NODE_INPUTS

BACKBONE_NAMES = ("tgat", "graphmixer")
POLICIES = ("uniform", "recent")
#: each backbone's standard sampler (TGL / TASER): policy and fanouts (one per layer)
STANDARD_SAMPLERS = {"tgat": ("uniform", [10, 10]), "graphmixer": ("recent", [10])}


def check_choice(key: str, value: object, choices: tuple[str, ...]) -> None:
    """A ValueError naming ``key``, the value and the closest choice when ``value`` is not in ``choices``."""
    if value not in choices:
        near = difflib.get_close_matches(str(value), choices, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise ValueError(f"{key} '{value}' is not one of {', '.join(choices)}{hint}")


@dataclass
class TemporalModelConfig:
    """Backbone hyper-parameters (TASER's defaults: dim 100, 2 heads, dropout 0.1; TGAT's layers = number of
    sampler hops)."""

    backbone: str = "tgat"  # tgat | graphmixer
    dim: int = 100  # embedding width
    time_dim: int = 100  # width of the time encoding φ
    heads: int = 2  # tgat: attention heads (dim must be a multiple)
    dropout: float = 0.1
    node_features: str = "learned"  # the datasets have no node features: learned (an embedding per node) | zeros
    node_dim: int = 100  # width of the learned node input
    token_expansion: float = 0.5  # graphmixer: token-mixing MLP width / number of tokens
    channel_expansion: float = 4.0  # graphmixer: channel-mixing MLP width / dim

    def __post_init__(self) -> None:
        check_choice("model.backbone", self.backbone, BACKBONE_NAMES)
        check_choice("model.node_features", self.node_features, NODE_INPUTS)
        errors = [f"model.{k} must be ≥ 1 (got {getattr(self, k)!r})" for k in ("dim", "time_dim", "heads", "node_dim")
                  if getattr(self, k) < 1]
        if self.heads >= 1 and self.dim % self.heads:
            errors.append(f"model.dim ({self.dim}) must be a multiple of model.heads ({self.heads})")
        if not 0.0 <= self.dropout < 1.0:
            errors.append(f"model.dropout must be in [0, 1) (got {self.dropout!r})")
        if self.token_expansion <= 0 or self.channel_expansion <= 0:
            errors.append("model.token_expansion and model.channel_expansion must be > 0")
        if errors:
            raise ValueError("; ".join(errors))


@dataclass
class TemporalSamplerConfig:
    """Temporal neighbour sampling; ``policy``/``fanouts`` left empty take the backbone's standard sampler
    (TGAT: uniform [10, 10]; GraphMixer: recent [10])."""

    policy: str | None = None  # uniform | recent
    fanouts: list[int] | None = None  # neighbours per hop, one entry per TGAT layer; GraphMixer: one hop
    replace: bool = True  # uniform: draw with replacement (TGL/TGAT) or without


@dataclass
class CacheConfig:
    """Device feature cache of the edge-feature rows (graphlab.temporal.FeatureCache)."""

    ratio: float = 0.2  # fraction of rows resident on the compute device
    swap_overlap: float = 0.8  # swap the resident set at an epoch's end only when the overlap is below this

    def __post_init__(self) -> None:
        bad = [k for k in ("ratio", "swap_overlap") if not 0.0 <= getattr(self, k) <= 1.0]
        if bad:
            raise ValueError(f"cache.{bad[0]} must be in [0, 1] (got {getattr(self, bad[0])!r})")


@dataclass
class TemporalTrainerConfig(TrainerConfig):
    """Chronological mini-batches of ``batch_size`` training events (1 random negative each); evaluation in
    batches of about ``eval_roots`` embedded nodes (source, destination and the stored negatives)."""

    epochs: int = 10
    patience: int = 5
    lr: float = 1e-4
    weight_decay: float = 0.0
    checkpoint_every: int = 1
    batch_size: int = 600
    eval_roots: int = 4000
    max_train_events: int = 0  # > 0: train on the last this many training events only (quick runs)
    max_eval_events: int = 0  # > 0: evaluate the first this many validation/test events only (quick runs)

    def __post_init__(self) -> None:
        super().__post_init__()
        bad = [k for k in ("batch_size", "eval_roots") if getattr(self, k) < 1]
        bad += [k for k in ("max_train_events", "max_eval_events") if getattr(self, k) < 0]
        if bad:
            raise ValueError(f"trainer.{bad[0]} is out of range ({getattr(self, bad[0])!r})")


@dataclass
class TGNNConfig(ExperimentConfig):
    method: str = "tgnn"
    dataset: DatasetConfig = field(default_factory=lambda: DatasetConfig(name="temporal-sbm"))
    trainer: TemporalTrainerConfig = field(default_factory=TemporalTrainerConfig)
    model: TemporalModelConfig = field(default_factory=TemporalModelConfig)
    sampler: TemporalSamplerConfig = field(default_factory=TemporalSamplerConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)

    def __post_init__(self) -> None:
        policy, fanouts = STANDARD_SAMPLERS[self.model.backbone]
        self.sampler.policy = self.sampler.policy or policy
        self.sampler.fanouts = list(self.sampler.fanouts or fanouts)
        check_choice("sampler.policy", self.sampler.policy, POLICIES)
        if min(self.sampler.fanouts) < 1:
            raise ValueError(f"sampler.fanouts must all be ≥ 1 (got {self.sampler.fanouts})")
        if self.model.backbone == "graphmixer" and len(self.sampler.fanouts) != 1:
            raise ValueError(f"model.backbone=graphmixer has one layer: sampler.fanouts needs one entry "
                             f"(got {self.sampler.fanouts})")
        if self.sampler.policy == "recent" and not self.sampler.replace:
            raise ValueError("sampler.replace=false applies to sampler.policy=uniform only")
