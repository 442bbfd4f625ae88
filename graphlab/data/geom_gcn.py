"""The Geom-GCN 60/20/20 splits (Pei et al., ICLR 2020): ``<root>/geom_gcn/splits/<name>_split_0.6_0.2_<k>.npz``,
k = 0..9, each with masks ``train_mask``, ``val_mask``, ``test_mask`` (bool or 0/1, length N).

For Cora and CiteSeer the masks cover only part of the graph (2485 of Cora's 2708 nodes); CiteSeer's masks
also hold some of its 15 unlabelled nodes, which are dropped here (Geom-GCN scored them as class 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from graphlab.data.node import Split, masks_to_splits, read_npz
from graphlab.errors import DataError

FOLDER = "geom_gcn"
NUM_SPLITS = 10


def split_files(root: Path, name: str) -> list[Path]:
    """The ten split files of graph ``name`` under the data root ``root`` (present or not)."""
    return [root / FOLDER / "splits" / f"{name}_split_0.6_0.2_{k}.npz" for k in range(NUM_SPLITS)]


def geom_gcn_splits(root: Path, name: str, labels: torch.Tensor) -> list[Split] | None:
    """The ten Geom-GCN splits of ``name`` over ``len(labels)`` nodes, restricted to labelled nodes;
    None when ``geom_gcn/splits`` holds none of its files. Some but not all ten present is a DataError."""
    files = split_files(root, name)
    present = [f.is_file() for f in files]
    if not any(present):
        return None
    if not all(present):
        raise DataError(f"{files[present.index(False)]} is missing ({sum(present)} of the {NUM_SPLITS} Geom-GCN "
                        f"splits of '{name}' are present); restore {FOLDER}/splits or remove it")
    n, keep = len(labels), (labels >= 0).numpy()
    splits = []
    for path in files:
        m = read_npz(path, ("train_mask", "val_mask", "test_mask"))
        if any(v.shape != (n,) for v in m.values()):
            raise DataError(f"{path}: masks must have length {n} (the nodes of '{name}'), got "
                            f"{sorted({v.shape for v in m.values()})}")
        splits += masks_to_splits(*(np.asarray(v)[None] for v in m.values()), path, keep=keep)
    return splits
