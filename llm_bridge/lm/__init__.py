"""``llm_bridge.lm``: offline model loading, the tiny-LLaMA factory, logit combiners, the batched decoding
engine and the token-level reward model — the base every LLM method builds on."""

from llm_bridge.lm.combiners import (
                                     ARGSCombiner,
                                     BaseCombiner,
                                     Combiner,
                                     ExpertSelectCombiner,
                                     GenARMCombiner,
                                     StepInputs,
                                     TaroCombiner,
                                     mix,
)
from llm_bridge.lm.decoding import Generation, Runners, generate, next_token_logprobs, sample_next
from llm_bridge.lm.loading import (
                                     load_lm,
                                     load_tokenizer,
                                     models_dir,
                                     resolve_model_path,
                                     smollm2_folder,
                                     smollm2_gguf,
)
from llm_bridge.lm.tiny import encode_pairs, target_logits, tiny_llama, train_lm
from llm_bridge.lm.trunk import shared_layers, tail_model
from llm_bridge.tasks import chat_prompt

__all__ = ["ARGSCombiner", "BaseCombiner", "Combiner", "ExpertSelectCombiner", "GenARMCombiner", "StepInputs",
           "TaroCombiner", "mix", "Generation", "Runners", "generate", "next_token_logprobs", "sample_next", "load_lm",
           "load_tokenizer", "models_dir", "resolve_model_path", "smollm2_folder", "smollm2_gguf", "encode_pairs",
           "target_logits", "tiny_llama", "train_lm", "chat_prompt", "shared_layers", "tail_model"]
