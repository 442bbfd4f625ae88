"""The dataset catalog (``datasets/catalog.yaml``): files, checksums, loaders, sources, licenses, citations.

An entry whose name holds ``{key}`` is a *pattern*: every file of its folder matching ``pattern`` becomes a
dataset, named by putting the normalised file stem in place of ``{key}`` (lowercase; ``_`` and spaces → ``-``).
``fb100-{school}`` with ``pattern: "*.mat"`` turns ``Penn94.mat`` into ``fb100-penn94``.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import functools
import hashlib
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graphlab.data.root import resolve_root
from graphlab.errors import DataError

CATALOG_PATH = Path(__file__).resolve().parents[2] / "datasets" / "catalog.yaml"


@dataclass(frozen=True)
class CatalogEntry:
    """One dataset: where its files live, their sha256 (None = unpinned; 16+ hex = prefix), its loader."""

    name: str
    family: str
    loader: str  # "module:function", called as function(entry, root, **params)
    folder: str | None = None
    files: dict[str, str | None] = field(default_factory=dict)
    source: str | None = None
    archive: str | None = None  # URL of a zip/tar.gz holding the files (instead of source + file)
    archive_prefix: str = ""  # folder of the files inside the archive
    license: str | None = None
    citation: str | None = None
    generator: bool = False
    alias_of: str | None = None
    pattern: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # loader arguments fixed by the catalog
    optional_files: dict[str, str | None] = field(default_factory=dict)  # root-relative; used when present
    cache: bool = True  # False: always rebuild (for outputs larger than their sources)

    def path(self, root: str | Path | None = None) -> Path:
        return resolve_root(root) / (self.folder or self.name)

    def load_function(self) -> Callable[..., Any]:
        module, _, fn = self.loader.partition(":")
        return getattr(importlib.import_module(module), fn)


def normalise_stem(stem: str) -> str:
    """``Johns Hopkins55`` → ``johns-hopkins55``."""
    return re.sub(r"[\s_]+", "-", stem.strip()).lower()


@functools.lru_cache(maxsize=1)
def _raw_catalog() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(CATALOG_PATH.read_text())["datasets"]


def _expand(template: str, spec: dict[str, Any], root: str | Path | None) -> dict[str, CatalogEntry]:
    """Datasets of a pattern entry: its pinned files plus every matching file present under the root."""
    pattern = spec["pattern"]
    pinned: dict[str, str | None] = dict(spec.get("files") or {})
    folder = resolve_root(root) / spec["folder"]
    present = sorted(p.name for p in folder.glob("*") if p.is_file() and fnmatch.fnmatch(p.name, pattern)) \
        if folder.is_dir() else []
    out = {}
    for file in sorted(set(pinned) | set(present)):
        stem = file[: -len(Path(pattern).suffix)] if Path(pattern).suffix else Path(file).stem
        name = re.sub(r"\{\w+\}", normalise_stem(stem), template)
        fields = {k: v for k, v in spec.items() if k not in ("files", "aliases")}
        out[name] = CatalogEntry(name=name, files={file: pinned.get(file)}, **fields)
    return out


def catalog(root: str | Path | None = None) -> dict[str, CatalogEntry]:
    """All datasets by name: fixed entries, pattern expansions over the data root, and aliases."""
    entries: dict[str, CatalogEntry] = {}
    for name, spec in _raw_catalog().items():
        if "{" in name:
            expanded = _expand(name, spec, root)
            entries.update(expanded)
            for alias, target in (spec.get("aliases") or {}).items():
                if target in expanded:
                    entries[alias] = dataclasses.replace(expanded[target], name=alias, alias_of=target)
        else:
            entries[name] = CatalogEntry(name=name, **spec)
    return entries


def entry(name: str, root: str | Path | None = None) -> CatalogEntry:
    """The catalog entry ``name``; an unknown name is a DataError with the closest match."""
    entries = catalog(root)
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


def digest_matches(actual: str, pinned: str) -> bool:
    """A pinned digest is the full sha256 or a prefix of at least 16 hex digits."""
    return len(pinned) >= 16 and actual.startswith(pinned.lower())


def require_files(e: CatalogEntry, root: str | Path | None = None, verify: bool = True) -> dict[str, str]:
    """Check every catalog file of ``e`` is present (and matches its pin); return file → sha256, including the
    optional files (paths under the root, e.g. Geom-GCN splits) that are present."""
    folder = e.path(root)
    missing = [f for f in e.files if not (folder / f).is_file()]
    if missing:
        raise DataError(f"dataset '{e.name}' not found: {folder / missing[0]} is missing; point --data-root or "
                        f"GRAPHLAB_DATA at the folder holding {e.folder}/, or run `graphlab data fetch {e.name}`")
    paths = {f: folder / f for f in e.files}
    paths.update({f: resolve_root(root) / f for f in e.optional_files if (resolve_root(root) / f).is_file()})
    pins = {**e.files, **e.optional_files}
    digests = {f: sha256(p) for f, p in paths.items()}
    if verify:
        for f, digest in digests.items():
            if pins[f] and not digest_matches(digest, pins[f]):
                raise DataError(f"dataset '{e.name}': {paths[f]} fails its sha256 check (corrupt or a different "
                                f"version); restore it with `graphlab data fetch {e.name}`")
    return digests
