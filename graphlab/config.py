"""Experiment configs: a YAML file plus ``key=value`` overrides, validated against a method's dataclass.

Every experiment schema derives from :class:`ExperimentConfig`; a method adds its own sections (``model``,
``sampler`` …).  All problems become :class:`~graphlab.errors.ConfigError` with one line that names the
file and the key (and the closest valid key), never a traceback.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigKeyError, OmegaConfBaseException, ValidationError

from graphlab.errors import ConfigError


@dataclass
class DatasetConfig:
    """Which data to load: ``name`` from the catalog, the data ``root`` and the split family."""

    name: str = "csbm"
    root: str | None = None  # --data-root › $GRAPHLAB_DATA › ./datasets
    split: str = "default"  # split family; seed i uses member i mod (number of splits)
    self_loops: bool = True
    normalize_features: bool = False  # row-normalise features (Kipf & Welling's preprocessing)
    # node features are kept as a sparse matrix when at most this share of entries is non-zero (0: always dense);
    # bag-of-words and one-hot inputs then cost O(nnz) in the first layer. Same math either way.
    sparse_below: float = 0.1
    params: dict[str, Any] = field(default_factory=dict)  # generator parameters (synthetic datasets)

    def __post_init__(self) -> None:
        if not 0.0 <= self.sparse_below <= 1.0:
            raise ValueError(f"dataset.sparse_below must lie in [0, 1] (got {self.sparse_below!r})")


@dataclass
class TrainerConfig:
    """The seed loop and the optimisation budget shared by every method."""

    seeds: int = 1
    seed: int = 0  # first seed; seeds are seed, seed+1, …
    epochs: int = 200
    patience: int = 100  # early stopping on the validation metric
    lr: float = 0.01
    weight_decay: float = 5e-4
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    checkpoint_every: int = 10  # epochs between atomic checkpoints (0 = never)
    eval_every: int = 1

    def __post_init__(self) -> None:
        checks = {
            "trainer.seeds": self.seeds >= 1,
            "trainer.epochs": self.epochs >= 1,
            "trainer.patience": self.patience >= 1,
            "trainer.lr": self.lr > 0,
            "trainer.weight_decay": self.weight_decay >= 0,
            "trainer.checkpoint_every": self.checkpoint_every >= 0,
            "trainer.eval_every": self.eval_every >= 1,
        }
        bad = [k for k, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"{bad[0]} is out of range ({_value_of(self, bad[0])!r})")
        if not (self.device in ("auto", "cpu", "cuda") or self.device.startswith("cuda:")):
            raise ValueError(f"trainer.device must be auto, cpu, cuda or cuda:N (got {self.device!r})")


@dataclass
class ExperimentConfig:
    """Base schema: which method runs on which dataset with which trainer settings."""

    method: str = "gnn"
    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)


def _value_of(obj: Any, dotted: str) -> Any:
    return getattr(obj, dotted.split(".")[-1])


def schema_keys(schema: type) -> list[str]:
    """All dotted keys a schema accepts (``model.hidden``, ``trainer.lr`` …)."""
    keys: list[str] = []
    for f in dataclasses.fields(schema):
        sub = f.type if isinstance(f.type, type) else None
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            keys += [f"{f.name}.{k}" for k in schema_keys(type(default))]
        elif sub is not None and dataclasses.is_dataclass(sub):
            keys += [f"{f.name}.{k}" for k in schema_keys(sub)]
        else:
            keys.append(f.name)
    return keys


def closest_key(key: str, schema: type) -> str | None:
    """The valid key nearest to a mistyped one, or None."""
    keys = schema_keys(schema)
    match = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    if not match:  # compare the last component only: `model.hiden` vs `hidden`
        leaf = key.split(".")[-1]
        leaves = {k.split(".")[-1]: k for k in keys}
        near = difflib.get_close_matches(leaf, list(leaves), n=1, cutoff=0.6)
        match = [leaves[near[0]]] if near else []
    return match[0] if match else None


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Parse a YAML mapping; a missing file or a syntax error is a ConfigError naming file and line."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {p}")
    try:
        data = yaml.safe_load(p.read_text())
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{p}:{mark.line + 1}" if mark else str(p)
        raise ConfigError(f"{where}: invalid YAML ({getattr(e, 'problem', None) or e})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: expected a mapping of keys at the top level, got {type(data).__name__}")
    return data


def _explain(e: OmegaConfBaseException, source: str, schema: type) -> ConfigError:
    key = getattr(e, "full_key", None) or ""
    if isinstance(e, ConfigKeyError) or "not in" in str(e):
        near = closest_key(key, schema)
        hint = f" (did you mean '{near}'?)" if near else ""
        return ConfigError(f"{source}: unknown key '{key}'{hint}")
    if isinstance(e, ValidationError):
        msg = str(e).splitlines()[0]
        return ConfigError(f"{source}: bad value for '{key}': {msg}" if key else f"{source}: {msg}")
    return ConfigError(f"{source}: {str(e).splitlines()[0]}")


def parse_overrides(overrides: list[str]) -> DictConfig:
    """``a.b=1`` strings → an OmegaConf tree (values parsed as YAML scalars/lists)."""
    for o in overrides:
        if "=" not in o or o.startswith("="):
            raise ConfigError(f"override '{o}' is not of the form key=value")
    try:
        return OmegaConf.from_dotlist(list(overrides))
    except OmegaConfBaseException as e:
        raise ConfigError(f"overrides: {str(e).splitlines()[0]}") from None


def build_config(schema: type, layers: list[tuple[str, Any]]) -> Any:
    """Merge ``(source, mapping)`` layers onto the schema's defaults and return the validated dataclass."""
    merged = OmegaConf.structured(schema)
    for source, layer in layers:
        try:
            merged = OmegaConf.merge(merged, layer)
        except OmegaConfBaseException as e:
            raise _explain(e, source, schema) from None
    try:
        return OmegaConf.to_object(merged)
    except ValueError as e:  # __post_init__ checks
        raise ConfigError(f"{layers[-1][0] if layers else schema.__name__}: {e}") from None
    except OmegaConfBaseException as e:
        raise _explain(e, layers[0][0] if layers else schema.__name__, schema) from None


def to_dict(cfg: Any) -> dict[str, Any]:
    """A resolved config as plain dicts (for config.yaml and comparisons)."""
    return OmegaConf.to_container(OmegaConf.structured(cfg), resolve=True)  # type: ignore[return-value]


def to_yaml(cfg: Any) -> str:
    return yaml.safe_dump(to_dict(cfg), sort_keys=False)
