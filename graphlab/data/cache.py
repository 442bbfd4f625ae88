"""Processed-dataset cache: a loader's output saved once, keyed by what produced it (dataset name, loader
parameters, the raw files' sha256 and the source of the data package's code), under ``$GRAPHLAB_CACHE`` or
``~/.cache/graphlab/processed``. Written atomically: never a partial entry."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import torch

from graphlab.io import atomic_torch_save

T = TypeVar("T")


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 over the data package's source files: editing a loader invalidates what it produced."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def cache_dir() -> Path:
    env = os.environ.get("GRAPHLAB_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "graphlab" / "processed"


def cache_key(name: str, params: dict[str, Any], digests: dict[str, str]) -> str:
    blob = json.dumps({"name": name, "params": params, "files": digests, "code": code_digest()},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def cached(name: str, params: dict[str, Any], digests: dict[str, str], build: Callable[[], T]) -> T:
    """``build()`` once per key; later calls load the saved object. A cache that cannot be written or read
    is bypassed (the data are rebuilt), never an error."""
    path = cache_dir() / f"{name}-{cache_key(name, params, digests)}.pt"
    if path.is_file():
        try:
            return torch.load(path, weights_only=False)
        except Exception:  # a stale or unreadable entry is rebuilt below and overwritten
            path.unlink(missing_ok=True)
    obj = build()
    try:
        atomic_torch_save(path, obj)
    except OSError:
        pass
    return obj
