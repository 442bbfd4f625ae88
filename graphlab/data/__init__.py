"""graphlab.data: the data root, the catalog, and one loader per dataset family."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphlab.data.catalog import CatalogEntry, catalog, entry, require_files, sha256
from graphlab.data.node import NodeDataset, Split, edge_homophily, per_class_split, symmetric_graph
from graphlab.data.planetoid import load_planetoid
from graphlab.data.root import resolve_root
from graphlab.data.synthetic import csbm

# dataset name → loader(root, **params); the catalog holds the files, checksums and provenance
LOADERS: dict[str, Callable[..., Any]] = {
    "cora": lambda root, **_: load_planetoid("cora", root),
    "citeseer": lambda root, **_: load_planetoid("citeseer", root),
    "csbm": lambda root, **params: csbm(**params),
}


def load_dataset(name: str, root: str | Path | None = None, **params: Any) -> Any:
    """Load dataset ``name`` from the data root (or generate it); errors name the dataset and the fix."""
    entry(name)  # unknown names fail here with the closest match
    if name not in LOADERS:
        from graphlab.errors import DataError

        raise DataError(f"dataset '{name}' is in the catalog but has no loader yet")
    return LOADERS[name](root, **params)


__all__ = ["CatalogEntry", "LOADERS", "NodeDataset", "Split", "catalog", "csbm", "edge_homophily", "entry",
           "load_dataset", "load_planetoid", "per_class_split", "require_files", "resolve_root", "sha256",
           "symmetric_graph"]
