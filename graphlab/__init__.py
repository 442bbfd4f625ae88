"""graphlab: a graph-learning platform on DGL — one config system, one runner, shared data and evaluators."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

__version__ = "0.1.0"

# DGL imports ogb, whose import starts a thread asking the package index for a newer ogb (the process then
# waits on it at exit, and offline it warns). Without the `outdated` module ogb skips that check.
os.environ.setdefault("OUTDATED_IGNORE", "1")
sys.modules.setdefault("outdated", None)  # type: ignore[arg-type]


def run(config: str | Path | dict[str, Any], overrides: list[str] | None = None, out: str | Path | None = None,
        resume: bool = False, verbose: bool = False) -> dict[str, Any]:
    """Run an experiment from a YAML path or a dict (plus ``key=value`` overrides); return summary.json's dict."""
    from graphlab.cli import load_experiment_config
    from graphlab.experiment import run_experiment

    cfg = load_experiment_config(config, overrides or [])
    return run_experiment(cfg, out=out, resume=resume, verbose=verbose)


__all__ = ["__version__", "run"]
