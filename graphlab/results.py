"""A run directory: ``config.yaml`` (resolved), ``results.jsonl`` (one record per seed), ``summary.json``.

summary.json has exactly this shape (other tools read it)::

    {"method", "dataset", "metric", "seeds", "valid": {"mean", "std"}, "test": {"mean", "std"},
     "extra": {...}, "wall_time_s", "versions": {...}}
"""

from __future__ import annotations

import json
import math
import platform
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graphlab.errors import ConfigError
from graphlab.io import atomic_write_json, atomic_write_text


def mean_std(values: Iterable[float]) -> dict[str, float]:
    """Mean and sample standard deviation (ddof=1; 0 for one value), as OGB leaderboards report."""
    xs = [float(v) for v in values]
    if not xs:
        return {"mean": float("nan"), "std": float("nan")}
    m = sum(xs) / len(xs)
    var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1) if len(xs) > 1 else 0.0
    return {"mean": m, "std": math.sqrt(var)}


def versions() -> dict[str, str]:
    """Versions of the stack and the git commit of the working tree (when there is one)."""
    import dgl
    import torch

    import graphlab

    out = {"graphlab": graphlab.__version__, "python": platform.python_version(),
           "torch": torch.__version__, "dgl": dgl.__version__}
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, timeout=5)
        if commit.returncode == 0:
            out["git"] = commit.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return out


class RunDir:
    """The output folder of one experiment (one config × N seeds)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @property
    def config_path(self) -> Path:
        return self.path / "config.yaml"

    @property
    def records_path(self) -> Path:
        return self.path / "results.jsonl"

    @property
    def summary_path(self) -> Path:
        return self.path / "summary.json"

    def checkpoint_path(self, seed: int) -> Path:
        return self.path / "checkpoints" / f"seed{seed}.pt"

    def has_checkpoints(self) -> bool:
        return any((self.path / "checkpoints").glob("seed*.pt"))

    def prepare(self) -> None:
        """Create the folder; an unwritable location is a ConfigError naming it."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            probe = self.path / ".write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as e:
            raise ConfigError(f"cannot write to output directory {self.path}: {e.strerror or e}") from None

    def records(self) -> list[dict[str, Any]]:
        """Per-seed records written so far (a torn last line from a killed writer is impossible: writes are atomic)."""
        if not self.records_path.exists():
            return []
        rows = []
        for i, line in enumerate(self.records_path.read_text().splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    raise ConfigError(f"{self.records_path}:{i}: not a JSON record") from None
        return rows

    def add_record(self, record: dict[str, Any]) -> None:
        """Append one seed's record by rewriting the file atomically."""
        rows = [r for r in self.records() if r.get("seed") != record["seed"]] + [record]
        atomic_write_text(self.records_path, "".join(json.dumps(r) + "\n" for r in rows))

    def write_config(self, text: str) -> None:
        atomic_write_text(self.config_path, text)

    def write_summary(self, summary: dict[str, Any]) -> None:
        atomic_write_json(self.summary_path, summary)

    def summary(self) -> dict[str, Any] | None:
        return json.loads(self.summary_path.read_text()) if self.summary_path.exists() else None


def summarize(method: str, dataset: str, metric: str, records: list[dict[str, Any]],
              wall_time_s: float, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Aggregate per-seed records into the summary.json shape; numeric per-seed extras are averaged."""
    agg: dict[str, Any] = dict(extra or {})
    numeric_keys = sorted({k for r in records for k, v in r.get("extra", {}).items()
                           if isinstance(v, int | float) and not isinstance(v, bool)})
    for k in numeric_keys:
        agg[k] = mean_std(r["extra"][k] for r in records if k in r.get("extra", {}))["mean"]
    agg["epochs"] = mean_std(r.get("epochs", 0) for r in records)["mean"]
    agg["time_per_seed_s"] = mean_std(r.get("time_s", 0.0) for r in records)["mean"]
    agg["peak_mem_mb"] = max((r.get("peak_mem_mb", 0.0) for r in records), default=0.0)
    return {
        "method": method,
        "dataset": dataset,
        "metric": metric,
        "seeds": len(records),
        "valid": mean_std(r["valid"] for r in records),
        "test": mean_std(r["test"] for r in records),
        "extra": agg,
        "wall_time_s": float(wall_time_s),
        "versions": versions(),
    }
