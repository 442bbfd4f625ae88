"""Sweeps: a grid of overrides × seeds over one or more base configs, resumable after any kill.

Sweep YAML::

    grid:                              # every combination is one run (config × overrides)
      config: [configs/graphlab/gnn/cora.yaml, configs/graphlab/gnn/citeseer.yaml]
      model.name: [mlp, gcn, sage, gat]
    overrides: [trainer.epochs=200]    # applied to every run (optional)
    seeds: 10
    out: runs/sweeps/gnn-planetoid     # one folder per run below it
    records: benchmarks/results/sweeps/gnn-planetoid   # optional: committed copy of the finished records

With ``records`` a run is first seeded from that folder (if it holds more finished seeds than the local run) and
its records are copied back after every run, so a sweep that outlives one machine resumes on the next from what
was committed (see graphlab.sweep_records).

``grid`` may also be a list of such blocks, each expanded on its own — baselines from one config family and a
method's variants from another, say; a block without ``config`` uses the top-level ``config``::

    grid:
      - {config: [configs/graphlab/gnn/cora.yaml], model.name: [mlp, gcn]}
      - {config: [configs/graphlab/mowst/cora.yaml], model.variant: [mowst, mowst_star]}

A block may set its own ``seeds`` (a number, not a list), e.g. fewer seeds for the costly graphs; blocks run
in the order given, so cheap blocks first means a partial sweep already covers whole rows of the table.

Two runs that would share a folder (same config file name and override values) are an error.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphlab.config import read_yaml
from graphlab.errors import ConfigError

_KEYS = {"grid", "overrides", "seeds", "out", "config", "records"}


@dataclass(frozen=True)
class SweepRun:
    config: str
    overrides: tuple[str, ...]
    out: Path
    records: Path | None = None  # the sweep's committed store of finished records, if any


def _slug(config: str, overrides: dict[str, Any]) -> str:
    parts = [Path(config).stem] + [f"{k.split('.')[-1]}={v}" for k, v in overrides.items()]
    return re.sub(r"[^A-Za-z0-9_.=+-]", "_", "-".join(parts))


def plan_sweep(path: str | Path, out: str | Path | None = None) -> list[SweepRun]:
    """Expand a sweep file into its runs; a malformed file is a ConfigError naming the key."""
    spec = read_yaml(path)
    unknown = sorted(set(spec) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key '{unknown[0]}' (valid: {', '.join(sorted(_KEYS))})")
    blocks = spec.get("grid") or {}
    blocks = [dict(b) if isinstance(b, dict) else b for b in (blocks if isinstance(blocks, list) else [blocks])]
    block_seeds = [b.pop("seeds", None) if isinstance(b, dict) else None for b in blocks]
    if any(not isinstance(b, dict) or any(not isinstance(v, list) or not v for v in b.values()) for b in blocks):
        raise ConfigError(f"{path}: 'grid' must map keys to non-empty lists of values (or be a list of such maps)")
    default_seeds = spec.get("seeds", 1)
    for seeds in (default_seeds, *(s for s in block_seeds if s is not None)):
        if not isinstance(seeds, int) or isinstance(seeds, bool) or seeds < 1:
            raise ConfigError(f"{path}: 'seeds' must be a positive integer (got {seeds!r})")
    common = [str(o) for o in spec.get("overrides") or []]
    root = Path(out or spec.get("out") or Path("runs") / "sweeps" / Path(path).stem)
    records = spec.get("records")
    if records is not None and not isinstance(records, str):
        raise ConfigError(f"{path}: 'records' must be a folder path (got {records!r})")
    runs: list[SweepRun] = []
    for block, own_seeds in zip(blocks, block_seeds, strict=True):
        grid = dict(block)
        seeds = own_seeds or default_seeds
        configs = grid.pop("config", None) or ([spec["config"]] if "config" in spec else None)
        if not configs:
            raise ConfigError(f"{path}: name the base config(s) with 'config' or 'grid.config'")
        for config in configs:
            for values in itertools.product(*grid.values()):
                point = dict(zip(grid, values, strict=True))
                overrides = (*common, *(f"{k}={v}" for k, v in point.items()), f"trainer.seeds={seeds}")
                runs.append(SweepRun(str(config), overrides, root / _slug(str(config), point),
                                     Path(records) if records else None))
    seen: dict[Path, SweepRun] = {}
    for run in runs:
        if run.out in seen:
            raise ConfigError(f"{path}: runs {seen[run.out].config} {' '.join(seen[run.out].overrides)} and "
                              f"{run.config} {' '.join(run.overrides)} would share the folder {run.out}; "
                              f"give them different config file names or override values")
        seen[run.out] = run
    return runs


def run_sweep(path: str | Path, out: str | Path | None = None, data_root: str | None = None,
              verbose: bool = True, only: list[str] | None = None) -> tuple[Path, str]:
    """Run (or resume) every run of the sweep — or those whose folder name matches one of the ``only`` globs,
    so that separate processes or machines can share a sweep — then write the leaderboard over every run folder
    present; returns (out dir, table)."""
    from graphlab.cli import load_experiment_config
    from graphlab.experiment import run_experiment
    from graphlab.report import write_report
    from graphlab.sweep_records import restore_records, save_records

    runs = plan_sweep(path, out)
    if only:
        runs = [r for r in runs if any(fnmatch.fnmatchcase(r.out.name, pattern) for pattern in only)]
        if not runs:
            raise ConfigError(f"{path}: no run matches {' or '.join(only)}")
    extra = [f"dataset.root={data_root}"] if data_root else []
    configs = [load_experiment_config(r.config, [*r.overrides, *extra]) for r in runs]  # validate all first
    for i, (run, cfg) in enumerate(zip(runs, configs, strict=True), 1):
        if verbose:
            print(f"[{i}/{len(runs)}] {run.out.name}", flush=True)
        if run.records:
            restore_records(run.out, run.records)
        run_experiment(cfg, out=run.out, resume=True, verbose=False)
        if run.records:
            save_records(run.out, run.records)
    root = runs[0].out.parent
    return root, write_report(root)
