"""Schema of the ``taro`` method: the shared LLM decoding settings plus the router."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_bridge.decode.config import LMExperimentConfig, check_choice

ROUTER_INPUTS = ("base+rm", "base", "rm")


@dataclass
class RouterConfig:
    """The token-level router α_t = softplus(MLP(h_t)) ≥ 0, trained with base and RM frozen on the NLL of
    correct traces under the mixed distribution."""

    inputs: str = "base+rm"  # base+rm | base | rm (rm only: backbone-agnostic, transfers to another base)
    hidden: int = 64
    init_alpha: float = 1.0  # α at initialisation (output bias)
    traces: int = 512  # correct traces (from reward.data's training pool)
    steps: int = 600
    batch_size: int = 256  # token positions per step
    lr: float = 3e-3
    topk: int = 64  # normaliser over the union of both models' top-k tokens and the target (precomputed)
    train_base: str = ""  # base the router is trained with ("" = model.path); e.g. tiny → applied to smollm2
    seed: int = 0

    def __post_init__(self) -> None:
        check_choice("router.inputs", self.inputs, ROUTER_INPUTS)
        if min(self.hidden, self.traces, self.steps, self.batch_size, self.topk) < 1 or self.init_alpha <= 0:
            raise ValueError("router: hidden, traces, steps, batch_size, topk must be ≥ 1 and init_alpha > 0")


@dataclass
class TaroConfig(LMExperimentConfig):
    method: str = "taro"
    router: RouterConfig = field(default_factory=RouterConfig)
