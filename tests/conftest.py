"""Shared fixtures: the real data root (../shared/datasets via GRAPHLAB_DATA) and quiet runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import graphlab  # noqa: F401  (before dgl: keeps ogb's online version check off)

REPO = Path(__file__).resolve().parents[1]

os.environ.setdefault("GRAPHLAB_PROGRESS", "0")
os.environ.setdefault("GRAPHLAB_CACHE", tempfile.mkdtemp(prefix="graphlab-test-cache-"))


def real_data_root() -> Path:
    env = os.environ.get("GRAPHLAB_DATA")
    return (Path(env) if env else REPO.parent / "shared" / "datasets").resolve()  # absolute: tests chdir, build file:// URLs


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The real data root; a missing one skips the test, or fails it when GRAPHLAB_REQUIRE_DATA=1 (CI)."""
    root = real_data_root()
    if not (root / "planetoid_cora").is_dir():
        message = f"real data not found at {root} (set GRAPHLAB_DATA)"
        if os.environ.get("GRAPHLAB_REQUIRE_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return root
