"""TARo decoding speed vs base decoding at batch 16, side by side in one run (SmolLM2-135M-Instruct, CPU or GPU).

TARo runs two models per token (the base and the reward model) plus the router. The RM here is built as TARo's
is — LoRA on the last ``--lora-layers`` layers of the base, merged — with random adapter weights (weights do not
change speed), and the router an untrained :class:`llm_bridge.taro.Router`. The RM shares the base's first
layers, so decoding runs only its tail from the base's hidden state (``taro``); ``taro_whole`` runs the RM whole
(``share_trunk=False``), for reference. Rounds alternate the setups so that machine load hits all alike;
tokens/s = generated tokens / wall time (prefill included).

Writes ``benchmarks/results/llm_taro_speed.json``. ``--threads`` pins torch's CPU threads (default 1).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import torch

from graphlab.data import arith_traces
from llm_bridge.lm import BaseCombiner, GenARMCombiner, TaroCombiner, generate, load_lm
from llm_bridge.lm.reward import with_lora
from llm_bridge.taro import Router
from llm_bridge.tasks import math_prompt

OUT = Path(__file__).resolve().parent / "results" / "llm_taro_speed.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--tokens", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--lora-layers", type=int, default=8, help="as reward.lora_layers in the TARo configs")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    base, tok = load_lm(args.model, device=device)
    peft = with_lora(base, last_layers=args.lora_layers)
    with torch.no_grad():
        for name, p in peft.named_parameters():
            if "lora_B" in name:
                p.normal_(0.0, 0.01)
    rm = peft.merge_and_unload().eval()
    router = Router(base.config.hidden_size, rm.config.hidden_size).to(device).eval()
    ds = arith_traces(depth=[1, 2], train=2, valid=0, test=args.batch, seed=0)
    prompts = [math_prompt(x, ds.split("train")) for x in ds.split("test")]
    setups = {"base": ([base], BaseCombiner(), True), "genarm": ([base, rm], GenARMCombiner(1.0), True),
              "taro": ([base, rm], TaroCombiner(router), True), "taro_whole": ([base, rm], TaroCombiner(router), False)}
    generate([base], tok, prompts[:2], max_new_tokens=2)  # warm-up
    runs: dict[str, list[float]] = {k: [] for k in setups}
    for _ in range(args.rounds):
        for name, (models, combiner, share) in setups.items():
            g = generate(models, tok, prompts, combiner, max_new_tokens=args.tokens, batch_size=args.batch,
                         share_trunk=share)
            runs[name].append(g.tokens_per_s)
            print(f"{name:7s} {g.tokens_per_s:8.1f} tokens/s ({g.generated} tokens, {g.seconds:.1f} s)")
    best = {k: max(v) for k, v in runs.items()}
    result = {"model": args.model, "device": device, "threads": args.threads, "batch": args.batch,
              "new_tokens": args.tokens, "rounds": args.rounds, "tokens_per_s": best, "runs": runs,
              "lora_layers": args.lora_layers, "layers": base.config.num_hidden_layers,
              "taro_over_base": best["taro"] / best["base"], "genarm_over_base": best["genarm"] / best["base"],
              "taro_whole_over_base": best["taro_whole"] / best["base"],
              "cpu": platform.processor() or platform.machine(), "torch": torch.__version__,
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"TARo / base = {result['taro_over_base']:.2f}  → {OUT}")


if __name__ == "__main__":
    main()
