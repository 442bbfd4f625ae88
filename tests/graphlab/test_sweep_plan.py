"""Sweep planning: a grid, a list of grid blocks (baselines from one config family, a method's variants from
another), and the errors a malformed or ambiguous sweep file gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from graphlab.errors import ConfigError
from graphlab.sweep import plan_sweep

REPO = Path(__file__).resolve().parents[2]


def sweep(tmp_path: Path, spec: dict) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_a_list_of_blocks_expands_each_block(tmp_path):
    runs = plan_sweep(sweep(tmp_path, {
        "grid": [{"config": ["gnn/cora.yaml"], "model.name": ["mlp", "gcn"]},
                 {"config": ["mowst/cora.yaml"], "model.variant": ["mowst"], "model.strong": ["gcn", "sage"]},
                 {"model.variant": ["mowst_star"]}],
        "config": "mowst/citeseer.yaml", "overrides": ["trainer.epochs=5"], "seeds": 3, "out": "o"}))
    assert [(r.config, r.out.name) for r in runs] == [
        ("gnn/cora.yaml", "cora-name=mlp"), ("gnn/cora.yaml", "cora-name=gcn"),
        ("mowst/cora.yaml", "cora-variant=mowst-strong=gcn"), ("mowst/cora.yaml", "cora-variant=mowst-strong=sage"),
        ("mowst/citeseer.yaml", "citeseer-variant=mowst_star")]
    assert runs[2].overrides == ("trainer.epochs=5", "model.variant=mowst", "model.strong=gcn", "trainer.seeds=3")
    assert all(r.out.parent == Path("o") for r in runs)


def test_a_block_may_set_its_own_seeds(tmp_path):
    runs = plan_sweep(sweep(tmp_path, {"grid": [{"config": ["a.yaml"], "model.name": ["mlp"]},
                                                {"config": ["b.yaml"], "model.name": ["mlp"], "seeds": 2}],
                                       "seeds": 7}))
    assert [r.overrides[-1] for r in runs] == ["trainer.seeds=7", "trainer.seeds=2"]
    with pytest.raises(ConfigError, match="'seeds' must be a positive integer"):
        plan_sweep(sweep(tmp_path, {"grid": [{"config": ["a.yaml"], "model.name": ["mlp"], "seeds": [2]}]}))


def test_a_single_grid_is_unchanged(tmp_path):
    runs = plan_sweep(sweep(tmp_path, {"grid": {"config": ["a.yaml", "b.yaml"], "model.name": ["mlp", "gcn"]}}))
    assert [r.out.name for r in runs] == ["a-name=mlp", "a-name=gcn", "b-name=mlp", "b-name=gcn"]


@pytest.mark.parametrize(("spec", "needle"), [
    ({"grid": [{"config": ["gnn/cora.yaml"], "model.name": ["gcn"]}, {"config": ["other/cora.yaml"],
                                                                        "model.name": ["gcn"]}]}, "share the folder"),
    ({"grid": [{"config": ["a.yaml"], "model.name": []}]}, "non-empty lists"),
    ({"grid": ["model.name"]}, "list of such maps"),
    ({"grid": [{"model.name": ["gcn"]}]}, "name the base config"),
])
def test_malformed_blocks_are_config_errors(tmp_path, spec, needle):
    with pytest.raises(ConfigError, match=needle):
        plan_sweep(sweep(tmp_path, spec))


def test_the_mowst_sweep_covers_datasets_times_methods(monkeypatch):
    monkeypatch.chdir(REPO)
    runs = plan_sweep("configs/sweeps/mowst.yaml")
    assert len(runs) == 12 * 7
    for r in runs:  # 10 seeds/splits, 5 for fb100-* and twitch-de (as the issue allows)
        few = Path(r.config).stem.startswith(("fb100", "twitch"))
        assert r.overrides[-1] == ("trainer.seeds=5" if few else "trainer.seeds=10"), r
    methods = {r.out.name.removeprefix("cora-") for r in runs if Path(r.config).stem == "cora"}
    assert methods == {"name=mlp", "name=gcn", "name=sage", "name=gat", "variant=mowst-strong=gcn",
                       "variant=mowst-strong=sage", "variant=mowst_star-strong=gcn"}
