"""Schema of the ``mowst`` method: a weak MLP expert, a strong GNN expert and a confidence gate."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from graphlab.config import ExperimentConfig, TrainerConfig
from graphlab.mowst.confidence import CONFIDENCES
from graphlab.mowst.inference import INFERENCES
from graphlab.mowst.model import build_mowst
from graphlab.mowst.schedule import OPTIMIZERS, PRETRAIN, VARIANTS
from graphlab.nn import MODELS

#: Graph models that can be the strong expert.
STRONG_EXPERTS = tuple(name for name, cls in MODELS.items() if cls.uses_graph)


def _check_choice(key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        near = difflib.get_close_matches(str(value), choices, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise ValueError(f"{key} '{value}' is not one of {', '.join(choices)}{hint}")


@dataclass
class MowstModelConfig:
    """Both experts share hidden/layers/dropout/norm (the paper's BatchNorm → ReLU → dropout by default)."""

    variant: str = "mowst"  # mowst: separate losses, alternating turns | mowst_star: CE of C·z_MLP + (1−C)·z_GNN
    strong: str = "gcn"  # the strong expert: gcn | sage | gat | gin (the weak one is an MLP)
    hidden: int = 64
    layers: int = 2
    dropout: float = 0.5
    norm: str | None = "batch"  # None | batch | layer
    heads: int = 8  # gat: heads of the hidden layers
    attn_dropout: float = 0.0  # gat: dropout on attention coefficients
    aggregator: str = "mean"  # sage: mean | gcn | pool | lstm
    confidence: str = "learned"  # learned: C = σ(GateMLP(dispersion)) | variance: var_conf^τ | entropy: ent_conf^τ
    tau: float = 1.0  # exponent τ of the fixed confidence functions
    gate_uses_features: bool = False  # learned gate reads [var_conf, ent_conf] ‖ x instead of the dispersion alone
    inference: str = "auto"  # expected | threshold (MLP iff C ≥ 0.5) | mixture (argmax C·z_MLP + (1−C)·z_GNN);
    #                          auto: expected for mowst, mixture for mowst_star
    pretrain: str = "auto"  # train an expert alone first: none | mlp | gnn | both; auto: gnn for mowst (a first MLP
    #                         turn against an untrained GNN saturates the gate at C = 1 and the GNN never learns),
    #                         none for mowst_star (trained jointly; a pre-trained GNN crowds out the MLP)

    def __post_init__(self) -> None:
        for key, choices in (("variant", VARIANTS), ("strong", STRONG_EXPERTS), ("confidence", CONFIDENCES),
                             ("inference", ("auto", *INFERENCES)), ("pretrain", ("auto", *PRETRAIN))):
            _check_choice(f"model.{key}", getattr(self, key), tuple(choices))
        if not self.tau > 0:
            raise ValueError(f"model.tau must be > 0 (got {self.tau!r})")
        try:  # the model classes own their argument checks: build a 1-feature instance to run them now
            build_mowst(1, 2, self.strong, hidden=self.hidden, layers=self.layers, dropout=self.dropout,
                        norm=self.norm, confidence=self.confidence, tau=self.tau,
                        gate_uses_features=self.gate_uses_features, heads=self.heads,
                        attn_dropout=self.attn_dropout, aggregator=self.aggregator)
        except ValueError as e:
            raise ValueError(f"model: {e}") from None


@dataclass
class MowstTrainerConfig(TrainerConfig):
    """``epochs``/``patience`` bound each phase (a pre-training run, a turn, the joint run); the big-epoch
    budget bounds Mowst's alternation."""

    big_epochs: int = 10  # mowst: at most this many (MLP turn, GNN turn) rounds
    big_patience: int = 2  # mowst: stop after this many rounds without a better validation score
    optimizer: str = "adamw"  # adamw (the paper's; decoupled weight decay) | adam (L2, as the gnn baselines)

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_choice("trainer.optimizer", self.optimizer, tuple(OPTIMIZERS))
        for key in ("big_epochs", "big_patience"):
            if getattr(self, key) < 1:
                raise ValueError(f"trainer.{key} must be ≥ 1 (got {getattr(self, key)!r})")


@dataclass
class MowstConfig(ExperimentConfig):
    method: str = "mowst"
    model: MowstModelConfig = field(default_factory=MowstModelConfig)
    trainer: MowstTrainerConfig = field(default_factory=MowstTrainerConfig)
