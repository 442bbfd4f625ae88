"""Config loading: schema validation, overrides, error messages, and every YAML under configs/."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphlab.cli import load_experiment_config
from graphlab.config import closest_key, schema_keys
from graphlab.errors import ConfigError
from graphlab.gnn import GNNConfig
from graphlab.sweep import plan_sweep

REPO = Path(__file__).resolve().parents[2]


def test_yaml_and_overrides_are_merged_onto_defaults(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("method: gnn\nmodel:\n  name: gat\ntrainer:\n  epochs: 7\n")
    cfg = load_experiment_config(path, ["trainer.seeds=3", "model.hidden=32", "sampler.fanouts=[5,5]"])
    assert isinstance(cfg, GNNConfig)
    assert (cfg.model.name, cfg.model.hidden, cfg.trainer.epochs, cfg.trainer.seeds) == ("gat", 32, 7, 3)
    assert cfg.sampler.fanouts == [5, 5]
    assert cfg.trainer.lr == GNNConfig().trainer.lr  # untouched default


def test_dict_config_is_accepted():
    cfg = load_experiment_config({"method": "gnn", "dataset": {"name": "csbm"}}, ["model.name=mlp"])
    assert cfg.model.name == "mlp" and cfg.dataset.name == "csbm"


@pytest.mark.parametrize(("override", "needle"), [
    ("model.hiden=3", "did you mean 'model.hidden'"),
    ("trainer.seeds=abc", "trainer.seeds"),
    ("trainer.lr=-1", "trainer.lr"),
    ("model.name=gcm", "did you mean 'gcn'"),
    ("trainer.device=tpu", "trainer.device"),
    ("sampler.kind=neighbor", "sampler.fanouts"),  # 2 fanouts ok with 2 layers → no error; see below
])
def test_bad_overrides_name_the_key(override, needle):
    if override == "sampler.kind=neighbor":
        assert load_experiment_config({"method": "gnn"}, [override]).sampler.kind == "neighbor"
        with pytest.raises(ConfigError, match="sampler.fanouts"):
            load_experiment_config({"method": "gnn"}, [override, "model.layers=3"])
        return
    with pytest.raises(ConfigError) as e:
        load_experiment_config({"method": "gnn"}, [override])
    assert needle in str(e.value)
    assert "\n" not in str(e.value)


def test_yaml_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("method: gnn\nmodel:\n  name: [gcn\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml:\d+"):
        load_experiment_config(bad, [])
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("method: gnn\ntrainer:\n  epocs: 3\n")
    with pytest.raises(ConfigError, match="unknown.yaml: unknown key 'trainer.epocs'.*trainer.epochs"):
        load_experiment_config(unknown, [])
    with pytest.raises(ConfigError, match="config file not found"):
        load_experiment_config(tmp_path / "nope.yaml", [])


def test_closest_key_and_schema_keys():
    keys = schema_keys(GNNConfig)
    assert {"model.hidden", "trainer.lr", "dataset.name", "sampler.fanouts"} <= set(keys)
    assert closest_key("model.hiden", GNNConfig) == "model.hidden"
    assert closest_key("trainer.learning_rat", GNNConfig) is not None


def _all_configs() -> list[Path]:
    return sorted((REPO / "configs").rglob("*.yaml"))


def test_configs_are_found_recursively():
    paths = _all_configs()
    assert any("sweeps" in p.parts for p in paths)
    assert any(p.parts[-3:-1] == ("graphlab", "gnn") for p in paths)


@pytest.mark.parametrize("path", _all_configs(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_under_configs_validates(path, monkeypatch):
    monkeypatch.chdir(REPO)
    if "sweeps" in path.parts:
        runs = plan_sweep(path)
        assert runs
        for run in runs:
            load_experiment_config(run.config, list(run.overrides))
    else:
        load_experiment_config(path, [])
