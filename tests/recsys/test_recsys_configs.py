"""Every recsys config loads and validates, runs on another dataset of its family by name, and bad inputs end
with one line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphlab.cli import load_experiment_config, main
from graphlab.errors import ConfigError
from graphlab.sweep import plan_sweep

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted((REPO / "configs" / "recsys").rglob("*.yaml"))


def test_every_method_has_its_configs():
    names = {str(p.relative_to(REPO / "configs" / "recsys")) for p in CONFIGS}
    for method in ("pop", "mf", "lightgcn", "item_attention", "uic"):
        for dataset in ("ml100k", "lastfm", "beauty"):
            assert f"{method}/{dataset}.yaml" in names
    assert "sasrec/beauty.yaml" in names


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_config_validates_and_takes_another_dataset_of_its_family(path):
    cfg = load_experiment_config(path, [])
    assert cfg.method == path.parent.name
    other = load_experiment_config(path, ["dataset.name=interest-clusters", "trainer.seeds=2"])
    assert other.dataset.name == "interest-clusters" and other.trainer.seeds == 2


def test_sweep_covers_three_datasets_and_every_method():
    runs = plan_sweep(REPO / "configs" / "sweeps" / "recsys.yaml")
    got = {(Path(r.config).parent.name, Path(r.config).stem) for r in runs}
    assert len(got) == 16 and ("sasrec", "beauty") in got


@pytest.mark.parametrize(("override", "message"), [
    ("interest.clustering=kmeans", "interest.clustering"),
    ("interest.vector=tfidf", "interest.vector"),
    ("trainer.loss=hinge", "trainer.loss"),
    ("model.dim=0", "model.dim"),
    ("retrieval.top_c=0", "retrieval.top_c"),
])
def test_bad_values_name_the_key(override, message):
    with pytest.raises(ConfigError, match=message):
        load_experiment_config(REPO / "configs/recsys/uic/ml100k.yaml", [override])


def test_cli_bad_dataset_is_one_line_exit_2(tmp_path, capsys):
    code = main(["run", str(REPO / "configs/recsys/mf/ml100k.yaml"), "dataset.name=csbm", "trainer.epochs=1",
                 "--out", str(tmp_path / "run")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a user–item interaction dataset" in err[0]


def test_cli_missing_data_is_exit_2(tmp_path, capsys):
    code = main(["run", str(REPO / "configs/recsys/pop/ml100k.yaml"), "--data-root", str(tmp_path / "nothing"),
                 "--out", str(tmp_path / "run")])
    assert code == 2
    assert "ml100k" in capsys.readouterr().err
