"""graphlab.data: the data root, the catalog, the processed cache, and one loader module per family; the
dataset classes and the embedded generators of every family are exported here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphlab.data.arith_traces import arith_traces, depth_covering
from graphlab.data.cache import cache_dir, cached
from graphlab.data.catalog import CatalogEntry, catalog, entry, normalise_stem, require_files, sha256
from graphlab.data.interactions import InteractionDataset
from graphlab.data.interest_synthetic import interest_clusters
from graphlab.data.node import NodeDataset, Split, edge_homophily, per_class_split, symmetric_graph
from graphlab.data.root import resolve_root
from graphlab.data.synthetic import csbm
from graphlab.data.temporal import TemporalDataset
from graphlab.data.temporal_synthetic import temporal_sbm
from graphlab.data.text_graph import TextGraphDataset
from graphlab.data.text_tasks import TaskDataset


def load_dataset(name: str, root: str | Path | None = None, verify: bool = True, cache: bool = True,
                 **params: Any) -> Any:
    """Load dataset ``name`` from the data root (or generate it); the result of a file-backed loader is cached
    under the raw files' sha256. Missing, corrupt or malformed data is a DataError naming file and fix."""
    e = entry(name, root)
    load = e.load_function()
    if e.generator:
        return load(e, root, **params)
    digests = require_files(e, root, verify=verify)

    def build() -> Any:
        return load(e, root, **{**e.options, **params})

    return cached(e.alias_of or e.name, params, digests, build) if cache and e.cache else build()


__all__ = ["CatalogEntry", "InteractionDataset", "NodeDataset", "Split", "TaskDataset", "TemporalDataset",
           "TextGraphDataset", "arith_traces", "cache_dir", "cached", "catalog", "csbm", "depth_covering",
           "edge_homophily", "entry",
           "interest_clusters", "load_dataset", "normalise_stem", "per_class_split", "require_files",
           "resolve_root", "sha256", "symmetric_graph", "temporal_sbm"]
