"""Validation of what a config asks of a dataset: ``dataset.params`` (the unknown-key and type checks every loader
and generator shares; the loaders keep their own semantic checks — ranges, choices — stated with
:func:`check_rules`) and a split name."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import Any

from graphlab.errors import ConfigError


def check_params(dataset: str, params: dict[str, Any], defaults: dict[str, Any],
                 untyped: Collection[str] = ()) -> dict[str, Any]:
    """``defaults`` overridden by ``params``. A key not in ``defaults`` is a ConfigError naming the valid ones;
    a value is checked against its default's type (bool, int — an integral float is taken —, finite float — an
    int is taken —, str, list — a tuple is taken) unless the default is None or the key is ``untyped``."""
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise ConfigError(f"dataset.params.{unknown[0]} is not a parameter of '{dataset}'; valid: "
                          f"{', '.join(sorted(defaults)) or 'none'}")
    p = {**defaults, **params}
    for key in params:
        if defaults[key] is not None and key not in untyped:
            p[key] = _typed(key, p[key], type(defaults[key]))
    return p


def _typed(key: str, value: Any, kind: type) -> Any:
    """``value`` as a ``kind``, or a ConfigError naming ``dataset.params.<key>``."""
    if kind is bool:
        ok, want = isinstance(value, bool), "true or false"
    elif kind is int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        ok, want = isinstance(value, int) and not isinstance(value, bool), "an integer"
    elif kind is float:
        try:
            number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
        except OverflowError:  # an int beyond the float range
            number = math.nan
        ok, want = math.isfinite(number), "a finite number"
        value = number if ok else value
    elif kind is list:
        ok, want = isinstance(value, list | tuple), "a list"
        value = list(value) if ok else value
    else:
        ok, want = isinstance(value, kind), f"a {'string' if kind is str else kind.__name__}"
    if not ok:
        raise ConfigError(f"dataset.params.{key} must be {want} (got {value!r})")
    return value


def check_rules(p: dict[str, Any], rules: Iterable[tuple[str, bool, str]]) -> None:
    """The first rule ``(key, holds, what the value must be)`` that does not hold is a ConfigError
    ``dataset.params.<key> must be <what> (got <value>)``."""
    for key, holds, want in rules:
        if not holds:
            raise ConfigError(f"dataset.params.{key} must be {want} (got {p[key]!r})")


def check_split(dataset: str, split: str, available: Collection[str]) -> None:
    """A split name not in ``available`` is a ConfigError naming the available ones."""
    if split not in available:
        raise ConfigError(f"dataset '{dataset}' has no split '{split}'; available: {', '.join(available)}")
