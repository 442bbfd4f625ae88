#!/usr/bin/env bash
# The runs behind benchmarks/results/llm_taro.md, in priority order for a 2-core CPU budget (eval sizes below;
# each run is skipped when its summary.json exists, so the script resumes).
# Datasets other than arith come from $GRAPHLAB_DATA (e.g. GRAPHLAB_DATA=../shared/datasets bash benchmarks/llm_taro_runs.sh).
# Then: python benchmarks/llm_taro_report.py runs/llm
set -u
OUT=${OUT:-runs/llm}
G=${GRAPHLAB:-.venv/bin/graphlab}
run() { name=$1; shift; [ -f "$OUT/$name/summary.json" ] && return 0; rm -rf "$OUT/$name"
        echo "== $name $(date -u +%H:%M:%S)"; "$G" run "$@" --out "$OUT/$name" || echo "FAILED $name"; }
C=configs/llm_bridge
# arith-traces on 500 test problems (CIs of about ±4 points)
run arith500-taro          $C/taro/arith.yaml eval.limit=500
run arith500-base          $C/decode/arith.yaml eval.limit=500
run arith500-genarm        $C/decode/arith.yaml eval.limit=500 combiner=genarm
run arith500-taro-transfer $C/taro/arith-transfer.yaml eval.limit=500
run arith500-args          $C/decode/arith.yaml eval.limit=500 combiner=args
run arith500-bon           $C/decode/arith.yaml eval.limit=500 combiner=best_of_n
[ -f benchmarks/results/llm_taro_speed.json ] || .venv/bin/python benchmarks/llm_taro_speed.py --rounds 2
run mmlu-base           $C/decode/mmlu-medical.yaml eval.limit=100 eval.valid_limit=20
run mmlu-taro           $C/taro/mmlu-medical.yaml eval.limit=100 eval.valid_limit=20
run medqa-base          $C/decode/medqa.yaml eval.limit=60 eval.valid_limit=20
run medqa-taro          $C/taro/medqa.yaml eval.limit=60 eval.valid_limit=20
run mmlu-genarm         $C/decode/mmlu-medical.yaml eval.limit=100 eval.valid_limit=20 combiner=genarm
run medqa-genarm        $C/decode/medqa.yaml eval.limit=60 eval.valid_limit=20 combiner=genarm
# gsm8k on its first 300 test problems (the config's eval.limit, 160 new tokens); GenARM at the α chosen on the
# arith-traces validation set (same RM): SmolLM2-135M's validation accuracy on gsm8k is ~0 for every α
run gsm8k300-base          $C/decode/gsm8k.yaml
run gsm8k300-taro          $C/taro/gsm8k.yaml
run gsm8k300-genarm        $C/decode/gsm8k.yaml combiner=genarm alpha=0.1
run gsm8k300-args          $C/decode/gsm8k.yaml combiner=args
