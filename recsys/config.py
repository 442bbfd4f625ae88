"""Config pieces shared by every recommendation method: the trainer with its batch / negative-sampling budget
and the base experiment schema (the dataset defaults to the embedded ``interest-clusters`` generator)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from graphlab.config import DatasetConfig, ExperimentConfig, TrainerConfig

LOSSES = ("bpr", "softmax", "bce")


def check_choice(key: str, value: str, choices: tuple[str, ...]) -> None:
    """ValueError naming ``key`` (and the closest choice) when ``value`` is not one of ``choices``."""
    if value not in choices:
        near = difflib.get_close_matches(str(value), choices, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise ValueError(f"{key} '{value}' is not one of {', '.join(choices)}{hint}")


def check_positive(section: str, obj: object, keys: tuple[str, ...], strict: bool = True) -> None:
    """ValueError naming the first of ``keys`` whose value is not > 0 (or ≥ 0 when not ``strict``)."""
    for key in keys:
        value = getattr(obj, key)
        if not (value > 0 if strict else value >= 0):
            raise ValueError(f"{section}.{key} must be {'>' if strict else '≥'} 0 (got {value!r})")


@dataclass
class RecTrainerConfig(TrainerConfig):
    """Budget of a recommender: epochs over the training pairs in mini-batches; model selection on valid
    Recall@20 every ``eval_every`` epochs. ``loss``: bpr (−log σ(s⁺ − s⁻), first negative), softmax (sampled
    softmax over the positive and ``negatives`` uniform items) or bce (binary cross-entropy, same candidates)."""

    epochs: int = 30
    patience: int = 10
    lr: float = 0.001
    weight_decay: float = 0.0
    batch_size: int = 2048
    negatives: int = 1
    loss: str = "bpr"
    shared_negatives: bool = False  # one set of negatives per batch instead of per pair
    eval_batch_size: int = 1024
    eval_users: int = 0  # model selection during training on this many valid users (a fixed sample; 0 = all)
    test_users: int = 0  # final test metrics on this many test users (a sample fixed by the split, the same for
    #                      every method and seed; 0 = all)
    checkpoint_every: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("trainer", self, ("batch_size", "negatives", "eval_batch_size"))
        check_positive("trainer", self, ("eval_users", "test_users"), strict=False)
        check_choice("trainer.loss", self.loss, LOSSES)


@dataclass
class RecConfig(ExperimentConfig):
    """Base schema of the recsys methods."""

    dataset: DatasetConfig = field(default_factory=lambda: DatasetConfig(name="interest-clusters"))
    trainer: RecTrainerConfig = field(default_factory=RecTrainerConfig)
