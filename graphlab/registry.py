"""Method registry: ``@register_method("gnn", config=GNNConfig)`` maps a name to its schema and run function.

A run function receives the validated config and a :class:`~graphlab.experiment.SeedContext` and returns a
:class:`~graphlab.experiment.SeedResult` for that one seed; the experiment runner owns the seed loop.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from graphlab.config import ExperimentConfig
from graphlab.errors import ConfigError

# Packages whose import registers the built-in methods (the only place graphlab names recsys/llm_bridge).
BUILTIN_METHOD_MODULES = ("graphlab.gnn", "graphlab.mowst", "graphlab.temporal.tgnn", "graphlab.temporal.taser",
                          "recsys", "llm_bridge")


@dataclass(frozen=True)
class Method:
    name: str
    config: type
    run: Callable[..., Any]
    description: str


_METHODS: dict[str, Method] = {}
_discovered = False


def register_method(name: str, config: type) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(cfg, ctx) -> SeedResult`` under ``name``; ``config`` must subclass ExperimentConfig."""
    if not (dataclasses.is_dataclass(config) and issubclass(config, ExperimentConfig)):
        raise TypeError(f"config for method {name!r} must be a dataclass deriving from ExperimentConfig")

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in _METHODS and _METHODS[name].run is not fn:
            raise ValueError(f"method {name!r} is already registered")
        doc = (fn.__doc__ or "").strip().splitlines()
        _METHODS[name] = Method(name, config, fn, doc[0] if doc else "")
        return fn

    return decorator


def discover() -> None:
    """Import the built-in method packages and any ``graphlab.methods`` entry points (once)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for module in BUILTIN_METHOD_MODULES:
        importlib.import_module(module)
    for ep in entry_points(group="graphlab.methods"):
        ep.load()


def get_method(name: str) -> Method:
    """The registered method ``name``; an unknown name is a ConfigError with the closest match."""
    discover()
    if name not in _METHODS:
        near = difflib.get_close_matches(name, list(_METHODS), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise ConfigError(f"unknown method '{name}'{hint}; registered: {', '.join(sorted(_METHODS))}")
    return _METHODS[name]


def methods() -> dict[str, Method]:
    """All registered methods by name."""
    discover()
    return dict(sorted(_METHODS.items()))
