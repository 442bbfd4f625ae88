"""Schema of the ``uic`` method: co-engagement graph, clustering back-end, interest vectors, two-tower model and
cluster-restricted retrieval."""

from __future__ import annotations

from dataclasses import dataclass, field

from recsys.config import RecConfig, RecTrainerConfig, check_choice, check_positive
from recsys.interest.clustering import CLUSTERINGS
from recsys.interest.coengagement import NORMALISATIONS
from recsys.interest.interests import INTERESTS


@dataclass
class InterestConfig:
    """How items are grouped into interests and how a user's interest vector η_u is built."""

    top_n: int = 20  # co-engagement edges kept per item
    normalise: str = "cosine"  # none (user counts) | cosine
    clustering: str = "spectral"  # spectral (K = clusters) | louvain (K from resolution)
    clusters: int = 32
    resolution: float = 1.0  # louvain
    cluster_seed: int = 0  # the clustering is fixed across training seeds (computed once per process)
    vector: str = "ppr"  # counts (normalised counts) | ppr (PPR-smoothed)
    ppr_alpha: float = 0.5
    ppr_steps: int = 3

    def __post_init__(self) -> None:
        check_choice("interest.normalise", self.normalise, NORMALISATIONS)
        check_choice("interest.clustering", self.clustering, tuple(CLUSTERINGS))
        check_choice("interest.vector", self.vector, INTERESTS)
        check_positive("interest", self, ("top_n", "clusters", "resolution", "ppr_steps"))
        if not 0 < self.ppr_alpha <= 1:
            raise ValueError(f"interest.ppr_alpha must be in (0, 1] (got {self.ppr_alpha!r})")


@dataclass
class UICModelConfig:
    dim: int = 64
    reg: float = 1e-4
    eps: float = 0.01  # ε of the log-interest prior log(η + ε)
    dropout: float = 0.1  # on the history mean
    max_history: int = 0  # the history mean reads the last this many items (0 = all); η_u always reads all
    user_id: bool = True  # a learned ID embedding p_u in the user tower (false: the user is its history alone)

    def __post_init__(self) -> None:
        check_positive("model", self, ("dim", "eps"))
        check_positive("model", self, ("reg", "max_history"), strict=False)
        if not 0 <= self.dropout < 1:
            raise ValueError(f"model.dropout must be in [0, 1) (got {self.dropout!r})")


@dataclass
class RetrievalConfig:
    """Cluster-restricted retrieval measured after training: a user's ``top_c`` clusters (plus a popular head of the
    ``head`` items with the largest learned bias b_i, scanned for every user) vs full search."""

    enabled: bool = True
    top_c: int = 4
    head: int = 0
    repeats: int = 3

    def __post_init__(self) -> None:
        check_positive("retrieval", self, ("top_c", "repeats"))
        check_positive("retrieval", self, ("head",), strict=False)


@dataclass
class UICTrainerConfig(RecTrainerConfig):
    loss: str = "softmax"
    negatives: int = 64


@dataclass
class UICConfig(RecConfig):
    method: str = "uic"
    interest: InterestConfig = field(default_factory=InterestConfig)
    model: UICModelConfig = field(default_factory=UICModelConfig)
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    trainer: UICTrainerConfig = field(default_factory=UICTrainerConfig)
