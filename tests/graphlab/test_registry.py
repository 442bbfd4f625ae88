"""The method registry: discovery, lookup with suggestions, duplicate protection."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from graphlab.config import ExperimentConfig
from graphlab.errors import ConfigError
from graphlab.registry import get_method, methods, register_method


def test_gnn_is_registered_with_its_schema():
    from graphlab.gnn import GNNConfig

    assert get_method("gnn").config is GNNConfig
    assert "gnn" in methods()


def test_unknown_method_suggests_the_closest():
    with pytest.raises(ConfigError, match="did you mean 'gnn'"):
        get_method("gn")


def test_duplicate_registration_is_refused():
    @dataclass
    class Cfg(ExperimentConfig):
        method: str = "dup-test"

    @register_method("dup-test", config=Cfg)
    def first(cfg, ctx):
        """First."""

    with pytest.raises(ValueError, match="already registered"):
        @register_method("dup-test", config=Cfg)
        def second(cfg, ctx):
            """Second."""


def test_schema_must_derive_from_experiment_config():
    @dataclass
    class NotAnExperiment:
        x: int = 1

    with pytest.raises(TypeError):
        register_method("bad-schema", config=NotAnExperiment)
