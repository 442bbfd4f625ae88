"""Collect the TARo / decoding-baseline runs into ``benchmarks/results/llm_taro.md`` (+ ``.json``).

Usage: ``python benchmarks/llm_taro_report.py RUNS_DIR`` where RUNS_DIR holds one run folder per
(task, method) made by ``graphlab run configs/llm_bridge/{decode,taro}/<task>.yaml … --out RUNS_DIR/<name>``
(``benchmarks/llm_taro_runs.sh`` makes them); the rows already in ``llm_taro.json`` of runs RUNS_DIR does not
hold (made on another machine) are kept. Accuracy is exact match (math) or option accuracy (choice) with
a 95% percentile-bootstrap CI over the evaluated examples; N is the number of test examples.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from graphlab.io import atomic_write_text

RESULTS = Path(__file__).resolve().parent / "results"
NOTE = ("arith-traces prompts show one depth-1 and one depth-2 solved example (`depth_covering`); the rows measured "
        "with the earlier prompt (two depth-2 examples, under which the base invented a second step on depth-1 "
        "problems) are in this file's git history before commit 3dd2a99.")
ORDER = ["arith-traces", "gsm8k", "medqa", "mmlu-medical"]


def row(name: str, s: dict, config: dict) -> dict:
    """One table row from a run's ``summary.json`` and its ``config.yaml`` (as a dict)."""
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
            "router_heldout_nll": e.get("router_heldout_nll"),
            "reward": Path(e["reward_folder"]).name if e.get("reward_folder") else None,
            "reward_shot_order": (config.get("reward") or {}).get("shot_order", "pool") if e.get("reward_folder") else None}


def short(reward: str | None) -> str:
    """An RM's cache folder (``reward-<hash>``) as its first 4 hex digits; — for none."""
    return reward.removeprefix("reward-")[:4] if reward else "—"


def largest_n(rows: list[dict], task: str) -> dict[str, dict]:
    """The rows of ``task`` at its largest N, by method."""
    n = max((r["n"] for r in rows if r["task"] == task), default=0)
    return {r["method"]: r for r in rows if r["task"] == task and r["n"] == n}


def acceptance(rows: list[dict]) -> list[str]:
    """The issue's accuracy criteria, checked on the rows (a missing run is reported as such)."""
    def pct(r: dict) -> str:
        return f"{100 * r['acc']:.1f}"

    def verdict(ok: bool) -> str:
        return "**pass**" if ok else "**fail**"

    lines = []
    arith = largest_n(rows, "arith-traces")
    genarm = max((r for m, r in arith.items() if m.startswith("genarm")), key=lambda r: r["valid"], default=None)
    if {"base", "taro"} <= arith.keys() and genarm:
        base, taro = arith["base"], arith["taro"]
        lo, hi = base["ci95"]
        lines.append(f"- arith-traces setting: base {pct(base)} (95% CI [{100 * lo:.1f}, {100 * hi:.1f}]) in the 15–50% "
                     f"band: {verdict(0.15 <= base['acc'] <= 0.5)}")
        lines.append(f"- arith-traces (N={base['n']}): TARo {pct(taro)} > GenARM (α on validation) {pct(genarm)} > "
                     f"base {pct(base)}: {verdict(taro['acc'] > genarm['acc'] > base['acc'])}; TARo − base "
                     f"{100 * (taro['acc'] - base['acc']):+.1f} ≥ +5: {verdict(taro['acc'] - base['acc'] >= 0.05)}")
        transfer = next((r for m, r in arith.items() if m.startswith("taro (router from")), None)
        if transfer:
            lines.append(f"- transfer: {transfer['method']} {pct(transfer)} > base {pct(base)}: "
                         f"{verdict(transfer['acc'] > base['acc'])}")
    gsm = largest_n(rows, "gsm8k")
    if {"base", "taro"} <= gsm.keys():
        lines.append(f"- gsm8k (N={gsm['base']['n']}): TARo {pct(gsm['taro'])} ≥ base {pct(gsm['base'])}: "
                     f"{verdict(gsm['taro']['acc'] >= gsm['base']['acc'])}")
    for task in ("medqa", "mmlu-medical"):
        runs = largest_n(rows, task)
        if {"base", "taro"} <= runs.keys():
            base, taro = runs["base"], runs["taro"]
            half_width = (base["ci95"][1] - base["ci95"][0]) / 2
            lines.append(f"- {task} (N={base['n']}, out of domain): TARo {pct(taro)} vs base {pct(base)} "
                         f"(CI half-width {100 * half_width:.1f}): {verdict(taro['acc'] >= base['acc'] - half_width)}")
    return lines or ["- no runs"]


def main(runs: Path) -> None:
    rows = [row(p.parent.name, json.loads(p.read_text()), yaml.safe_load((p.parent / "config.yaml").read_text()))
            for p in sorted(runs.glob("*/summary.json"))]
    if (RESULTS / "llm_taro.json").is_file():  # keep the committed rows of runs this folder does not hold
        fresh = {r["run"] for r in rows}
        rows += [r for r in json.loads((RESULTS / "llm_taro.json").read_text()) if r["run"] not in fresh]
    rows.sort(key=lambda r: (ORDER.index(r["task"]) if r["task"] in ORDER else 99, r["model"] or "", -r["n"],
                             r["method"]))
    lines = ["| task | base model | method | N | acc | 95% CI | valid acc | tokens/s | RM |",
             "| --- | --- | --- | ---: | ---: | --- | ---: | ---: | --- |"]
    for r in rows:
        lo, hi = r["ci95"] or (float("nan"), float("nan"))
        lines.append(f"| {r['task']} | {r['model']} | {r['method']} | {r['n']} | {100 * r['acc']:.1f} | "
                     f"[{100 * lo:.1f}, {100 * hi:.1f}] | {100 * r['valid']:.1f} | {r['tokens_per_s']:.1f} | "
                     f"{short(r.get('reward'))} |")
    curves = [f"- {r['task']} ({r['model']}, N={r['n']}): α → valid acc " +
              ", ".join(f"{a}: {100 * v:.1f}" for a, v in r["alpha_curve"].items()) for r in rows if r["alpha_curve"]]
    extras = [f"- {r['task']} {r['method']} (N={r['n']}): mean α_t {r['alpha_mean']:.2f}" for r in rows if r["alpha_mean"]]
    rms = {r["reward"]: r for r in rows if r.get("reward")}
    text = "\n".join(["# TARo and token-level decoding baselines (llm_bridge)", "", *lines, "", NOTE, "",
                      "GenARM α curves (validation):", *curves, "", "TARo router:", *extras,
                      "", "Reward models (RM column; the router of a TARo row is trained with its RM):",
                      *(f"- {short(k)}: on-policy prompts and router traces show the {r['reward_shot_order']} "
                        f"exemplars; held-out preference accuracy {100 * r['reward_pref_acc']:.1f}%"
                        for k, r in sorted(rms.items())), "",
                      "## Acceptance (issue 7; each task at its largest N)", "", *acceptance(rows), ""])
    RESULTS.mkdir(exist_ok=True)
    atomic_write_text(RESULTS / "llm_taro.md", text)
    atomic_write_text(RESULTS / "llm_taro.json", json.dumps(rows, indent=1) + "\n")
    print(text)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/llm"))
