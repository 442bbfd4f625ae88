"""``lm_decode``: decoding baselines (base, GenARM, ARGS, best-of-N) and the pieces every LLM method shares."""

from llm_bridge.decode.config import (
                                      DecodeConfig,
                                      LMDatasetConfig,
                                      LMEvalConfig,
                                      LMExperimentConfig,
                                      LMModelConfig,
                                      RewardConfig,
                                      TinyLMConfig,
)
from llm_bridge.decode.train import run_lm_decode

__all__ = ["DecodeConfig", "LMDatasetConfig", "LMEvalConfig", "LMExperimentConfig", "LMModelConfig", "RewardConfig",
           "TinyLMConfig", "run_lm_decode"]
