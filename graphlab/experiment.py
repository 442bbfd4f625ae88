"""One config × N seeds: seeding, device, progress, timing, checkpoint/resume and the results records."""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from tqdm.auto import tqdm

from graphlab.config import ExperimentConfig, to_dict, to_yaml
from graphlab.errors import ConfigError
from graphlab.io import atomic_torch_save
from graphlab.registry import get_method
from graphlab.results import RunDir, summarize


@dataclass
class SeedResult:
    """What a method returns for one seed: model-selection metric on valid, the same metric on test."""

    metric: str
    valid: float
    test: float
    epochs: int = 0
    best_epoch: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # numbers are averaged over seeds in summary.json
    curves: dict[str, list[float]] = field(default_factory=dict)  # per-epoch train_loss / valid
    info: dict[str, Any] = field(default_factory=dict)  # run-level facts (model name, #params)


class Checkpointer:
    """Atomic save/load of one seed's training state; removed once the seed's record is written.

    A multi-phase run keeps one checkpoint per phase beside the seed's: ``child("phase3")`` saves to
    ``seed0.phase3.pt`` next to ``seed0.pt``, and :meth:`clear` removes the children too.
    """

    def __init__(self, path: Path):
        self.path = path

    def save(self, state: dict[str, Any]) -> None:
        atomic_torch_save(self.path, state)

    def load(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        return torch.load(self.path, map_location="cpu", weights_only=False)

    def child(self, tag: str) -> Checkpointer:
        """The checkpoint of a part of this one (``seed0.pt`` → ``seed0.<tag>.pt``)."""
        return Checkpointer(self.path.with_name(f"{self.path.stem}.{tag}{self.path.suffix}"))

    def clear(self) -> None:
        for child in self.path.parent.glob(f"{self.path.stem}.*{self.path.suffix}"):
            child.unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)


@dataclass
class SeedContext:
    """Everything a method's run function needs besides its config."""

    seed: int
    index: int  # 0-based position of the seed in the loop (selects the data split)
    device: torch.device
    checkpoint: Checkpointer
    progress: Callable[..., Any]  # tqdm factory: progress(iterable=None, total=…, desc=…)
    checkpoint_every: int = 10
    run_dir: Path | None = None  # the experiment's output folder, for per-seed artifacts (plots); None in tests


def set_seed(seed: int) -> None:
    """Seed python, numpy, torch and DGL; CPU runs are then deterministic."""
    import dgl

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    dgl.seed(seed)
    dgl.random.seed(seed)


def resolve_device(name: str) -> torch.device:
    """``auto`` → CUDA when torch sees it, else CPU; asking for CUDA without one is a ConfigError."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"trainer.device={name} but torch sees no CUDA device; use trainer.device=auto")
    return torch.device(name)


def peak_memory_mb(device: torch.device) -> float:
    """Peak memory so far: CUDA allocator peak on GPU, the process's max RSS on CPU."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def progress_enabled() -> bool:
    """Progress bars on a terminal, or when GRAPHLAB_PROGRESS=1; never when GRAPHLAB_PROGRESS=0."""
    env = os.environ.get("GRAPHLAB_PROGRESS")
    return env == "1" if env in ("0", "1") else sys.stderr.isatty()


def default_out_dir(cfg: ExperimentConfig) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{cfg.method}-{cfg.dataset.name}-{stamp}"


def _comparable(d: dict[str, Any]) -> dict[str, Any]:
    """A config without the keys that may change on resume (number of seeds, device, data root, sparse storage of
    the features: execution choices that leave the math unchanged)."""
    d = {k: dict(v) if isinstance(v, dict) else v for k, v in d.items()}
    d.get("trainer", {}).pop("seeds", None)
    d.get("trainer", {}).pop("device", None)
    d.get("dataset", {}).pop("root", None)
    d.get("dataset", {}).pop("sparse_below", None)
    return d


def run_experiment(cfg: ExperimentConfig, out: str | Path | None = None, resume: bool = False,
                   verbose: bool = True) -> dict[str, Any]:
    """Run ``cfg.trainer.seeds`` seeds of ``cfg.method``; write config, records and summary; return the summary.

    With ``resume`` the seeds already in ``results.jsonl`` are skipped and a seed interrupted mid-training
    continues from its last checkpoint; the stored config must match (except seeds/device/root).
    """
    method = get_method(cfg.method)
    if not isinstance(cfg, method.config):
        raise ConfigError(f"config is a {type(cfg).__name__}, method {cfg.method} expects {method.config.__name__}")
    run_dir = RunDir(out or default_out_dir(cfg))
    if run_dir.config_path.exists() and (run_dir.records() or run_dir.has_checkpoints()):
        if not resume:
            raise ConfigError(f"{run_dir.path} already holds a run; pass --resume to continue it or choose another --out")
        stored = yaml.safe_load(run_dir.config_path.read_text())
        if _comparable(stored) != _comparable(to_dict(cfg)):
            raise ConfigError(f"{run_dir.config_path} differs from this config; --resume needs the same config")
    run_dir.prepare()
    run_dir.write_config(to_yaml(cfg))
    device = resolve_device(cfg.trainer.device)
    show = verbose and progress_enabled()

    def progress(iterable: Any = None, **kw: Any) -> Any:
        return tqdm(iterable, disable=not show, leave=False, dynamic_ncols=True, **kw)

    seeds = [cfg.trainer.seed + i for i in range(cfg.trainer.seeds)]
    done = {r["seed"] for r in run_dir.records()} if resume else set()
    started = time.perf_counter()
    info: dict[str, Any] = {}
    metric = None
    for index, seed in enumerate(tqdm(seeds, desc=f"{cfg.method}/{cfg.dataset.name} seeds", disable=not show)):
        if seed in done:
            continue
        set_seed(seed)
        ctx = SeedContext(seed=seed, index=index, device=device, checkpoint=Checkpointer(run_dir.checkpoint_path(seed)),
                          progress=progress, checkpoint_every=cfg.trainer.checkpoint_every,
                          run_dir=run_dir.path)
        t0 = time.perf_counter()
        res: SeedResult = method.run(cfg, ctx)
        metric, info = res.metric, res.info
        run_dir.add_record({"seed": seed, "metric": res.metric, "valid": res.valid, "test": res.test,
                            "epochs": res.epochs, "best_epoch": res.best_epoch,
                            "time_s": time.perf_counter() - t0, "peak_mem_mb": peak_memory_mb(device),
                            "extra": res.extra, "curves": res.curves})
        ctx.checkpoint.clear()
    records = [r for r in run_dir.records() if r["seed"] in set(seeds)]
    metric = metric or (records[0]["metric"] if records else "")
    previous = run_dir.summary() or {}
    wall = time.perf_counter() - started + (previous.get("wall_time_s", 0.0) if resume else 0.0)
    summary = summarize(cfg.method, cfg.dataset.name, metric, records, wall,
                        extra={**previous.get("extra", {}), **info} if resume else info)
    run_dir.write_summary(summary)
    if verbose:
        from graphlab.report import leaderboard_markdown

        print(leaderboard_markdown([summary]))
        print(f"results: {run_dir.path}")
    return summary
