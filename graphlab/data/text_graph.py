"""Text-attributed graphs: a NodeDataset whose nodes carry raw text (title + abstract) instead of features.

``citeseer-tag`` (TAPE's CiteSeer-Orig): ``citeseer_texts.txt`` holds 3-line records (paper id, text, label
in Agents/AI/DB/IR/ML/HCI) and ``citeseer.cites`` the citations ``<cited>\\t<citing>``. Nodes are the papers
with text, in file order; the graph is stored symmetric without self-loops (3,186 nodes, 4,225 edges).
``textless="keep"`` also keeps the 141 cited ids without a text as unlabelled nodes with an empty text
(3,327 nodes, 4,552 edges, as in Planetoid CiteSeer). There are no numeric features (``features`` is None;
the bag-of-words ``citeseer.content`` is not part of this copy): models embed ``texts`` themselves. Texts are
kept exactly as in the file (strict UTF-8; 133 hold non-ASCII characters, 1,640 end in a truncating ``...``).

Split families, each of 10 members drawn with seeds 0…9 (``torch.Generator``):
``random`` — stratified 60/20/20 of the labelled nodes (per class of n nodes: ⌊0.6·n + ½⌋ train,
⌊0.2·n + ½⌋ valid, the rest test; 1,911 / 637 / 638 nodes); ``per-class`` — 20 training nodes per class, 500 validation and 1,000 test nodes (Planetoid's
low-label setting); ``default`` is ``random``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.node import NodeDataset, per_class_split, stratified_split, symmetric_graph
from graphlab.data.params import check_params
from graphlab.data.textio import read_lines, read_text
from graphlab.errors import ConfigError, DataError

CITESEER_CLASSES = ("Agents", "AI", "DB", "IR", "ML", "HCI")  # class index = position (LINQS README order)
NUM_SPLITS = 10


@dataclass
class TextGraphDataset(NodeDataset):
    """A NodeDataset with ``texts[i]`` (str, "" for a node without text), ``ids[i]`` (the raw paper id) and
    ``class_names[c]`` (the label text of class c, e.g. for prompts)."""

    texts: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        """NodeDataset figures plus the number of texts and their mean length in characters."""
        with_text = [t for t in self.texts if t]
        return {**super().stats(), "texts": len(with_text),
                "mean_text_chars": round(sum(map(len, with_text)) / max(len(with_text), 1), 1)}


def _read_papers(path: Path) -> tuple[list[str], list[str], list[int]]:
    """(ids, texts, labels) from 3-line records; a short record, unknown label or repeated id names the line."""
    lines = read_text(path).split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) % 3:
        start = len(lines) - len(lines) % 3 + 1
        raise DataError(f"{path}:{start}: truncated record: expected 3 lines per paper (id, text, label), "
                        f"got {len(lines) % 3}")
    ids, texts, labels, seen = [], [], [], set()
    for r in range(0, len(lines), 3):
        pid, text, label = (s.rstrip("\r") for s in lines[r:r + 3])
        if not pid.strip() or len(pid.split()) != 1:
            raise DataError(f"{path}:{r + 1}: expected one paper id, got {pid[:40]!r}")
        if pid in seen:
            raise DataError(f"{path}:{r + 1}: paper id {pid!r} appears twice")
        if not text.strip():
            raise DataError(f"{path}:{r + 2}: expected the paper's text, got an empty line")
        if label.strip() not in CITESEER_CLASSES:
            raise DataError(f"{path}:{r + 3}: expected a label in {', '.join(CITESEER_CLASSES)}, "
                            f"got {label[:40]!r}")
        seen.add(pid)
        ids.append(pid)
        texts.append(text)
        labels.append(CITESEER_CLASSES.index(label.strip()))
    return ids, texts, labels


def _read_cites(path: Path) -> list[tuple[str, str]]:
    """(cited, citing) id pairs of a headerless two-column TSV."""
    pairs = []
    for i, line in read_lines(path):
        fields = line.split("\t")
        if len(fields) != 2 or not all(f.strip() for f in fields):
            raise DataError(f"{path}:{i}: expected 2 tab separated paper ids (cited, citing), got "
                            f"{len(fields)} field(s)")
        pairs.append((fields[0].strip(), fields[1].strip()))
    return pairs


def load_citeseer_tag(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> TextGraphDataset:
    """Load ``citeseer-tag`` from ``<root>/citeseer_text/`` (params: ``textless`` = ``drop`` | ``keep``)."""
    p = check_params(entry.name, params, {"textless": "drop"})
    if p["textless"] not in ("drop", "keep"):
        raise ConfigError(f"dataset.params.textless must be 'drop' or 'keep' (got {p['textless']!r})")
    folder = entry.path(root)
    ids, texts, labels = _read_papers(folder / "citeseer_texts.txt")
    cites = _read_cites(folder / "citeseer.cites")
    index = {pid: i for i, pid in enumerate(ids)}
    if p["textless"] == "keep":
        for pid in (pid for pair in cites for pid in pair):
            if pid not in index:
                index[pid] = len(ids)
                ids.append(pid)
                texts.append("")
                labels.append(-1)
    pairs = np.asarray([(index[a], index[b]) for a, b in cites if a in index and b in index],
                       dtype=np.int64).reshape(-1, 2)
    graph = symmetric_graph(pairs[:, 1], pairs[:, 0], len(ids))
    y = torch.tensor(labels, dtype=torch.long)
    splits = {"random": [stratified_split(y, 0.6, 0.2, seed) for seed in range(NUM_SPLITS)],
              "per-class": [per_class_split(y, 20, 500, 1000, seed) for seed in range(NUM_SPLITS)]}
    return TextGraphDataset(name=entry.name, graph=graph, features=None, labels=y,
                            num_classes=len(CITESEER_CLASSES), splits={"default": splits["random"], **splits},
                            meta={"source": str(folder), "textless": p["textless"]},
                            texts=texts, ids=ids, class_names=list(CITESEER_CLASSES))
