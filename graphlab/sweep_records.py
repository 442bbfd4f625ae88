"""A sweep's finished records kept in a committed folder, so that a long sweep resumes on another machine.

A run folder resumes from ``config.yaml`` + ``results.jsonl`` alone (finished seeds are skipped), so those two
files and ``summary.json`` are all a later session needs. ``save_records`` copies them from a run folder into the
store with the per-epoch learning curves dropped (the bulk of a record; tables need only the per-seed metrics);
``restore_records`` copies them back before the run resumes. Neither ever replaces a folder that holds as many
seeds or more, so a store is never rolled back and a fuller local run is never overwritten.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from graphlab.io import atomic_write_text

_COPIED = ("config.yaml", "summary.json")


def _records(folder: Path) -> list[dict[str, Any]]:
    path = folder / "results.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _copy(src: Path, dst: Path, strip_curves: bool) -> bool:
    records = _records(src)
    if not records or len(_records(dst)) >= len(records):
        return False
    if strip_curves:
        records = [{k: v for k, v in r.items() if k != "curves"} for r in records]
    dst.mkdir(parents=True, exist_ok=True)
    for name in _COPIED:
        if (src / name).exists():
            atomic_write_text(dst / name, (src / name).read_text())
    atomic_write_text(dst / "results.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    return True


def save_records(run: Path, store: Path) -> bool:
    """Copy ``run``'s records (without curves) to ``store/<run name>``; True if the store gained seeds."""
    return _copy(run, store / run.name, strip_curves=True)


def restore_records(run: Path, store: Path) -> bool:
    """Seed ``run`` from ``store/<run name>`` when the store holds more finished seeds; True if copied.

    A local run with fewer seeds is replaced whole (its in-progress checkpoints are dropped with it)."""
    kept = store / run.name
    if len(_records(kept)) <= len(_records(run)):
        return False
    if run.exists():
        shutil.rmtree(run)
    return _copy(kept, run, strip_curves=False)
