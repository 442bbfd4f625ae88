"""Collect the TARo / decoding-baseline runs into ``benchmarks/results/llm_taro.md`` (+ ``.json``).

Usage: ``python benchmarks/llm_taro_report.py RUNS_DIR`` where RUNS_DIR holds one run folder per
(task, method) made by ``graphlab run configs/llm_bridge/{decode,taro}/<task>.yaml … --out RUNS_DIR/<name>``
(``benchmarks/llm_taro_runs.sh`` makes them). Accuracy is exact match (math) or option accuracy (choice) with
a 95% percentile-bootstrap CI over the evaluated examples; N is the number of test examples.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from graphlab.io import atomic_write_text

RESULTS = Path(__file__).resolve().parent / "results"
ORDER = ["arith-traces", "gsm8k", "medqa", "mmlu-medical"]


def row(name: str, s: dict) -> dict:
    e = s["extra"]
    method = s["method"] if s["method"] == "taro" else e.get("combiner", s["method"])
    if s["method"] == "taro" and e.get("router_trained_with", e.get("model")) != e.get("model"):
        method = f"taro (router from {e['router_trained_with']})"
    if method == "genarm":
        method = f"genarm (α={e.get('alpha')})"
    return {"run": name, "task": s["dataset"], "model": e.get("model"), "method": method,
            "n": int(e.get("n_test", 0)), "acc": s["test"]["mean"], "ci95": e.get("ci95"),
            "valid": s["valid"]["mean"], "tokens_per_s": e.get("tokens_per_s"), "alpha_curve": e.get("alpha_curve"),
            "alpha_mean": e.get("alpha_mean"), "reward_pref_acc": e.get("reward_pref_acc"),
            "router_heldout_nll": e.get("router_heldout_nll")}


def main(runs: Path) -> None:
    rows = [row(p.parent.name, json.loads(p.read_text())) for p in sorted(runs.glob("*/summary.json"))]
    rows.sort(key=lambda r: (ORDER.index(r["task"]) if r["task"] in ORDER else 99, r["model"] or "", r["method"]))
    lines = ["| task | base model | method | N | acc | 95% CI | valid acc | tokens/s |",
             "| --- | --- | --- | ---: | ---: | --- | ---: | ---: |"]
    for r in rows:
        lo, hi = r["ci95"] or (float("nan"), float("nan"))
        lines.append(f"| {r['task']} | {r['model']} | {r['method']} | {r['n']} | {100 * r['acc']:.1f} | "
                     f"[{100 * lo:.1f}, {100 * hi:.1f}] | {100 * r['valid']:.1f} | {r['tokens_per_s']:.1f} |")
    curves = [f"- {r['task']} ({r['model']}): α → valid acc " +
              ", ".join(f"{a}: {100 * v:.1f}" for a, v in r["alpha_curve"].items()) for r in rows if r["alpha_curve"]]
    extras = [f"- {r['task']} {r['method']}: mean α_t {r['alpha_mean']:.2f}" for r in rows if r["alpha_mean"]]
    rm = sorted({(r["reward_pref_acc"],) for r in rows if r["reward_pref_acc"] is not None})
    text = "\n".join(["# TARo and token-level decoding baselines (llm_bridge)", "", *lines, "",
                      "GenARM α curves (validation):", *curves, "", "TARo router:", *extras,
                      *(f"- reward model held-out preference accuracy: {100 * a[0]:.1f}%" for a in rm), ""])
    RESULTS.mkdir(exist_ok=True)
    atomic_write_text(RESULTS / "llm_taro.md", text)
    atomic_write_text(RESULTS / "llm_taro.json", json.dumps(rows, indent=1) + "\n")
    print(text)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/llm"))
