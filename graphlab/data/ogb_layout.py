"""OGB node-property datasets (Hu et al., NeurIPS 2020) from a local folder in OGB's own layout, read by
``ogb``'s ``DglNodePropPredDataset``; nothing is ever downloaded.

Expected layout (as OGB's zip unpacks; ``<dir>`` = the name with ``-`` → ``_``, e.g. ``ogb/ogbn_arxiv``)::

    <root>/ogb/<dir>/RELEASE_v<version>.txt      version from ogb's master.csv
    <root>/ogb/<dir>/raw/edge.csv.gz, num-node-list.csv.gz, num-edge-list.csv.gz, node-label.csv.gz,
                         node-feat.csv.gz (if the dataset has node features), <additional node/edge files>
    <root>/ogb/<dir>/split/<split>/train.csv.gz, valid.csv.gz, test.csv.gz

Single-task homogeneous CSV datasets are supported (ogbn-arxiv, ogbn-products); heterogeneous (mag),
multi-task (proteins) and binary-format (papers100M) ones are refused. ogb reads a private copy made of
links to exactly these files in a temporary folder, so it never writes into the data root, never prompts
(its RELEASE check passes) and never downloads (its raw files exist); a ``processed/`` or ``split_dict.pt``
in the data folder is ignored. The graph is made symmetric (directed citations included).
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import zlib
from pathlib import Path
from typing import Any

import dgl
import pandas as pd
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.node import NodeDataset, Split, symmetric_graph
from graphlab.data.params import check_params
from graphlab.errors import DataError


def ogb_meta(name: str) -> pd.Series:
    """The row of ogb's node-property ``master.csv`` for ``name`` (version, split, metric, file layout)."""
    import ogb.nodeproppred

    master = pd.read_csv(Path(ogb.nodeproppred.__file__).parent / "master.csv", index_col=0, keep_default_na=False)
    if name not in master:
        raise DataError(f"'{name}' is not an OGB node-property dataset known to ogb {ogb.__version__}")
    return master[name]


def required_files(meta: pd.Series) -> list[str]:
    """The files (relative to the dataset folder) ogb reads for a homogeneous CSV dataset."""
    raw = ["edge", "num-node-list", "num-edge-list", "node-label"]
    raw += ["node-feat"] if meta["has_node_attr"] == "True" else []
    raw += ["edge-feat"] if meta["has_edge_attr"] == "True" else []
    for key in ("additional node files", "additional edge files"):
        raw += [] if meta[key] == "None" else meta[key].split(",")
    return ([f"RELEASE_v{meta['version']}.txt"] + [f"raw/{f}.csv.gz" for f in raw]
            + [f"split/{meta['split']}/{part}.csv.gz" for part in ("train", "valid", "test")])


def _check_supported(name: str, meta: pd.Series) -> None:
    why = ("heterogeneous" if meta["is hetero"] == "True" else "binary-format" if meta["binary"] == "True"
           else f"{meta['num tasks']}-task" if int(meta["num tasks"]) != 1 else None)
    if why:
        raise DataError(f"'{name}' is a {why} OGB dataset; graphlab's NodeDataset loads single-task homogeneous "
                        f"CSV datasets only (e.g. ogbn-arxiv, ogbn-products)")


def _read_with_ogb(name: str, folder: Path, files: list[str]) -> tuple[dgl.DGLGraph, torch.Tensor, dict[str, Any]]:
    """Run ogb on a temporary folder of links to ``files``; its prints go nowhere."""
    from ogb.nodeproppred.dataset_dgl import DglNodePropPredDataset

    with tempfile.TemporaryDirectory(prefix="graphlab-ogb-") as tmp:
        copy = Path(tmp) / name.replace("-", "_")
        for f in files:
            (copy / f).parent.mkdir(parents=True, exist_ok=True)
            (copy / f).symlink_to((folder / f).resolve())
        quiet = io.StringIO()
        try:
            with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                dataset = DglNodePropPredDataset(name, root=tmp)
                graph, labels = dataset[0]
                split = dataset.get_idx_split()
        except (OSError, ValueError, RuntimeError, KeyError, IndexError, EOFError, TypeError, zlib.error,
                dgl.DGLError) as err:
            raise DataError(f"{folder}: ogb cannot read this OGB-layout folder ({type(err).__name__}: {err})") \
                from None
    return graph, labels, split


def load_ogb(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> NodeDataset:
    """Load ``ogbn-<name>`` from ``<root>/<folder>`` (OGB layout above) with its official split (``ogb``)."""
    check_params(entry.name, params, {})
    name, folder = entry.name, entry.path(root)
    meta = ogb_meta(name)
    _check_supported(name, meta)
    files = required_files(meta)
    missing = [f for f in files if not (folder / f).is_file()]
    if missing:
        raise DataError(f"dataset '{name}': {folder / missing[0]} is missing (ogb {meta['version']}-release layout, "
                        f"see graphlab/data/ogb_layout.py); nothing is downloaded — unpack OGB's "
                        f"{meta['url'].rsplit('/', 1)[-1]} there or run `graphlab data fetch {name}`")
    graph, labels, split = _read_with_ogb(name, folder, files)
    n, num_classes = graph.num_nodes(), int(meta["num classes"])
    y = labels.reshape(-1).double() if labels.numel() == n else None
    if y is None or torch.isinf(y).any():
        raise DataError(f"{folder / 'raw/node-label.csv.gz'}: expected one label per node ({n}), got shape "
                        f"{tuple(labels.shape)}")
    y = torch.where(torch.isnan(y), -1.0, y).long()  # NaN = unlabelled (OGB convention)
    if ((y < -1) | (y >= num_classes)).any():
        raise DataError(f"{folder / 'raw/node-label.csv.gz'}: labels must lie in 0..{num_classes - 1}")
    parts = [split[p].long() for p in ("train", "valid", "test")]
    for file, ids in zip(files[-3:], parts, strict=True):
        if ids.numel() and (ids.min() < 0 or ids.max() >= n):
            raise DataError(f"{folder / file}: node ids outside 0..{n - 1}")
    u, v = graph.edges()
    features = graph.ndata["feat"].float() if "feat" in graph.ndata else None
    if features is not None and not torch.isfinite(features).all():
        raise DataError(f"{folder / 'raw/node-feat.csv.gz'}: contains NaN or infinite values")
    split0 = Split(*(ids.sort().values for ids in parts))
    return NodeDataset(name=name, graph=symmetric_graph(u.numpy(), v.numpy(), n), features=features, labels=y,
                       num_classes=num_classes, splits={"default": [split0], "ogb": [split0]},
                       metric=str(meta["eval metric"]), meta={"source": str(folder), "ogb_split": meta["split"]})
