"""Cluster-restricted vs full retrieval for UIC, side by side in one process (issue 6, acceptance point 3).

For each dataset: train UIC once (its config under configs/recsys/uic/, one seed), then for the test users time
exact faiss search over the whole catalogue against search inside each user's top-c interest clusters (one faiss
index per cluster), for several c and sizes of a popular head (the items with the largest learned bias b_i,
scanned for every user), and compare Recall@20 (same masking as the evaluator). Writes
benchmarks/results/recsys_retrieval.json and .md.

    OMP_NUM_THREADS=1 python benchmarks/recsys_retrieval.py --data-root ../shared/datasets [--datasets ml100k beauty]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import torch
from tqdm import tqdm

from graphlab.io import atomic_write_json, atomic_write_text

REPO = Path(__file__).resolve().parents[1]


def measure(dataset: str, data_root: str, top_cs: list[int], heads: list[int], repeats: int) -> dict:
    from graphlab.cli import load_experiment_config
    from graphlab.experiment import Checkpointer, SeedContext, set_seed
    from recsys.engine import rec_data, run_recommender
    from recsys.interest import compare_retrieval
    from recsys.interest.train import build_uic, interest_layer

    cfg = load_experiment_config(REPO / "configs/recsys/uic" / f"{dataset}.yaml",
                                 [f"dataset.root={data_root}", "trainer.device=cpu", "retrieval.enabled=false"])
    set_seed(0)
    data = rec_data(cfg)
    layer = interest_layer(data, cfg.interest)
    model = build_uic(data, layer, cfg.model)
    ctx = SeedContext(seed=0, index=0, device=torch.device("cpu"),
                      checkpoint=Checkpointer(Path("/tmp") / f"recsys-retrieval-{os.getpid()}.pt"),
                      progress=lambda iterable=None, **kw: tqdm(iterable, disable=True, **kw),
                      checkpoint_every=0, run_dir=Path("/tmp"))
    t0 = time.perf_counter()
    result = run_recommender(cfg, ctx, data, model)
    train_s = time.perf_counter() - t0
    st = data.stage("test")
    model.eval()
    with torch.no_grad():
        z, a = model.user_vectors(torch.from_numpy(st.users), "test")
        items = model.item_vectors()
    rows = []
    for head, c in ((h, c) for h in heads for c in top_cs):
        r = compare_retrieval(z.numpy(), a.numpy(), items.numpy(), layer.labels, st.users, st.targets, st.exclude,
                              top_c=c, k=20, repeats=repeats, head=model.head_items(head))
        rows.append({"top_c": c, "head": head, "clusters": int(layer.labels.max()) + 1, "speedup": r.speedup,
                     "recall_loss": r.recall_loss, "recall_full": r.recall_full, "recall_cluster": r.recall_cluster,
                     "full_ms_per_1k_users": r.full_ms_per_1k_users,
                     "cluster_ms_per_1k_users": r.cluster_ms_per_1k_users, "candidate_share": r.candidate_share})
        print(f"{dataset} c={c} head={head}: speedup {r.speedup:.2f}x, recall loss {100 * r.recall_loss:.2f}% "
              f"(full {r.recall_full:.4f}, cluster {r.recall_cluster:.4f}, share {r.candidate_share:.3f})", flush=True)
    return {"dataset": dataset, "users": int(len(st.users)), "items": data.num_items,
            "test_recall@20_model": result.test, "train_s": train_s, "configured_top_c": cfg.retrieval.top_c,
            "configured_head": cfg.retrieval.head,
            "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", default=os.environ.get("GRAPHLAB_DATA", str(REPO.parent / "shared/datasets")))
    parser.add_argument("--datasets", nargs="+", default=["ml100k", "beauty"])
    parser.add_argument("--top-c", nargs="+", type=int, default=[1, 2, 3, 4, 6, 8])
    parser.add_argument("--head", nargs="+", type=int, default=[0, 100],
                        help="sizes of the popular head (items with the largest bias b_i) every user also scans")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default=str(REPO / "benchmarks/results/recsys_retrieval"))
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    results = [measure(d, args.data_root, args.top_c, args.head, args.repeats) for d in args.datasets]
    out = Path(args.out)
    atomic_write_json(out.with_suffix(".json"), results)
    lines = ["# UIC cluster-restricted retrieval vs full search", "",
             "Same user and item vectors, faiss IndexFlatIP on one thread, best of "
             f"{args.repeats} runs; Recall@20 on the test users with train/valid items masked; "
             "speed-up = full time / cluster time per 1,000 users (cluster time includes routing).", "",
             "| dataset | K | top-c | head | catalogue share | full ms/1k users | cluster ms/1k users | speed-up | "
             "Recall@20 full | Recall@20 cluster | relative loss |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for res in results:
        for r in res["rows"]:
            lines.append(f"| {res['dataset']} | {r['clusters']} | {r['top_c']} | {r['head']} | {r['candidate_share']:.3f} | "
                         f"{r['full_ms_per_1k_users']:.1f} | {r['cluster_ms_per_1k_users']:.1f} | "
                         f"{r['speedup']:.2f}× | {r['recall_full']:.4f} | {r['recall_cluster']:.4f} | "
                         f"{100 * r['recall_loss']:.2f}% |")
    lines += ["", "Command: `OMP_NUM_THREADS=1 .venv/bin/python benchmarks/recsys_retrieval.py "
              f"{' '.join(sys.argv[1:])}`"]
    atomic_write_text(out.with_suffix(".md"), "\n".join(lines) + "\n")
    print(out.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
