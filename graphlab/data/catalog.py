"""The dataset catalog (``datasets/catalog.yaml``): files, checksums, sources, licenses, citations."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graphlab.data.root import resolve_root
from graphlab.errors import DataError

CATALOG_PATH = Path(__file__).resolve().parents[2] / "datasets" / "catalog.yaml"


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    family: str
    folder: str | None = None
    files: dict[str, str | None] = field(default_factory=dict)
    source: str | None = None
    license: str | None = None
    citation: str | None = None
    generator: bool = False

    def path(self, root: str | Path | None = None) -> Path:
        return resolve_root(root) / (self.folder or self.name)


@functools.lru_cache(maxsize=1)
def catalog() -> dict[str, CatalogEntry]:
    """All catalog entries by dataset name."""
    raw: dict[str, Any] = yaml.safe_load(CATALOG_PATH.read_text())["datasets"]
    return {name: CatalogEntry(name=name, **spec) for name, spec in raw.items()}


def entry(name: str) -> CatalogEntry:
    import difflib

    entries = catalog()
    if name not in entries:
        near = difflib.get_close_matches(name, list(entries), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise DataError(f"unknown dataset '{name}'{hint}; `graphlab data list` shows the catalog")
    return entries[name]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def require_files(name: str, root: str | Path | None = None, verify: bool = True) -> Path:
    """The dataset's folder after checking every catalog file is there (and matches its sha256)."""
    e = entry(name)
    folder = e.path(root)
    missing = [f for f in e.files if not (folder / f).is_file()]
    if missing:
        raise DataError(f"dataset '{name}' not found: {folder / missing[0]} is missing; point --data-root or "
                        f"GRAPHLAB_DATA at the folder holding {e.folder}/, or run `graphlab data fetch {name}`")
    if verify:
        for f, digest in e.files.items():
            if digest and sha256(folder / f) != digest:
                raise DataError(f"dataset '{name}': {folder / f} fails its sha256 check (corrupt or a different "
                                f"version); restore it with `graphlab data fetch {name}`")
    return folder
