"""Schemas of the baseline recommenders: pop, mf (BPR), lightgcn, item_attention (DIN-style), sasrec."""

from __future__ import annotations

from dataclasses import dataclass, field

from recsys.config import RecConfig, check_positive


@dataclass
class PopConfig(RecConfig):
    """Popularity: score(u, i) = number of training interactions of i (no training)."""

    method: str = "pop"


@dataclass
class EmbeddingConfig:
    """``dim``-dimensional embeddings; ``reg`` · mean squared norm of the batch's embeddings is added to the loss."""

    dim: int = 64
    reg: float = 1e-4

    def __post_init__(self) -> None:
        check_positive("model", self, ("dim",))
        check_positive("model", self, ("reg",), strict=False)


@dataclass
class MFConfig(RecConfig):
    method: str = "mf"
    model: EmbeddingConfig = field(default_factory=EmbeddingConfig)


@dataclass
class LightGCNModelConfig(EmbeddingConfig):
    layers: int = 3  # propagation layers; the output is the mean of layers 0..L

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("model", self, ("layers",), strict=False)


@dataclass
class LightGCNConfig(RecConfig):
    method: str = "lightgcn"
    model: LightGCNModelConfig = field(default_factory=LightGCNModelConfig)


@dataclass
class AttentionModelConfig(EmbeddingConfig):
    """History models read the user's last ``max_history`` items."""

    max_history: int = 50
    dropout: float = 0.1

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("model", self, ("max_history",))
        if not 0 <= self.dropout < 1:
            raise ValueError(f"model.dropout must be in [0, 1) (got {self.dropout!r})")


@dataclass
class ItemAttentionConfig(RecConfig):
    method: str = "item_attention"
    model: AttentionModelConfig = field(default_factory=AttentionModelConfig)


@dataclass
class SASRecModelConfig(AttentionModelConfig):
    layers: int = 2  # transformer blocks
    heads: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("model", self, ("layers", "heads"))
        if self.dim % self.heads:
            raise ValueError(f"model.dim ({self.dim}) must be divisible by model.heads ({self.heads})")


@dataclass
class SASRecConfig(RecConfig):
    method: str = "sasrec"
    model: SASRecModelConfig = field(default_factory=SASRecModelConfig)
