"""Schema of the ``taser`` method: a tgnn backbone with TASER's adaptive neighbour sampler and adaptive
mini-batch selection, each switchable for ablation."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphlab.temporal.tgnn.config import POLICIES, STANDARD_SAMPLERS, TGNNConfig, check_choice


@dataclass
class TaserSection:
    """TASER (Deng et al., IPDPS 2024). Defaults follow the official configs (scope 25, sampler lr 1e-4,
    α = 2, β = 1, attention clamp 5, batch floor 0.1)."""

    adaptive_neighbors: bool = True  # learn which `sampler.fanouts` of `scope` candidates the backbone sees
    adaptive_batches: bool = True  # after epoch 0 draw training events with p(e) ∝ σ(last positive logit) + floor
    scope: int = 25  # candidates per root, drawn by `scope_policy`, among which the sampler picks
    scope_policy: str | None = None  # uniform | recent; empty: the backbone's standard policy
    sampler_lr: float = 1e-4  # Adam learning rate of the sampler's parameter group
    sampler_weight_decay: float = 0.0
    dim_feat: int = 100  # width of the sampler's edge-feature encoding
    dim_encode: int = 100  # width of its time and frequency encodings
    dim_embed: int = 100  # width of the GATv2 scoring space
    identity_encode: bool = False  # add each candidate's one-hot pattern of repeated neighbours (scope wide)
    mixer: bool = False  # an MLP-Mixer over the scope candidates before scoring
    alpha: float = 2.0  # TGAT co-training: exponent of the attention normaliser
    beta: float = 1.0  # TGAT co-training: weight of h_neigh in the surrogate
    att_clamp: float = 5.0  # TGAT co-training: clamp of the attention logits before exp
    batch_floor: float = 0.1  # adaptive batches: p(e) ∝ σ(logit) + batch_floor

    def __post_init__(self) -> None:
        if self.scope_policy is not None:
            check_choice("taser.scope_policy", self.scope_policy, POLICIES)
        bad = [k for k in ("scope", "dim_feat", "dim_encode", "dim_embed") if getattr(self, k) < 1]
        bad += [k for k in ("sampler_lr", "att_clamp", "batch_floor") if not getattr(self, k) > 0]
        bad += [k for k in ("sampler_weight_decay", "alpha", "beta") if getattr(self, k) < 0]
        if bad:
            raise ValueError(f"taser.{bad[0]} is out of range ({getattr(self, bad[0])!r})")


@dataclass
class TaserConfig(TGNNConfig):
    method: str = "taser"
    taser: TaserSection = field(default_factory=TaserSection)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.taser.scope_policy = self.taser.scope_policy or STANDARD_SAMPLERS[self.model.backbone][0]
        if self.taser.adaptive_neighbors and max(self.sampler.fanouts) > self.taser.scope:
            raise ValueError(f"taser.scope ({self.taser.scope}) must be ≥ every entry of sampler.fanouts "
                             f"{self.sampler.fanouts}: the sampler picks that many of the scope's candidates")
