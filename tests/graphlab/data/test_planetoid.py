"""Planetoid loader on the real files: the published statistics, the public split, safe unpickling."""

from __future__ import annotations

import pickle
import shutil

import numpy as np
import pytest

from graphlab.data import edge_homophily, load_dataset
from graphlab.data.safe_pickle import safe_load
from graphlab.errors import DataError

pytestmark = pytest.mark.realdata


@pytest.mark.parametrize(("name", "nodes", "edges", "feats", "classes", "counts", "train"), [
    ("cora", 2708, 5278, 1433, 7, [351, 217, 418, 818, 426, 298, 180], 140),
    ("citeseer", 3327, 4552, 3703, 6, [249, 590, 668, 701, 596, 508], 120),
])
def test_statistics_match_source_md(data_root, name, nodes, edges, feats, classes, counts, train):
    d = load_dataset(name, data_root)
    assert d.num_nodes == nodes and d.graph.num_edges() == 2 * edges
    assert tuple(d.features.shape) == (nodes, feats) and d.num_classes == classes
    assert d.labels[d.labels >= 0].bincount().tolist() == counts
    s = d.split("public")
    assert (len(s.train), len(s.valid), len(s.test)) == (train, 500, 1000)
    assert s.train.tolist() == list(range(train)) and s.valid.tolist() == list(range(train, train + 500))
    assert not set(s.test.tolist()) & set(range(train + 500))
    assert (d.labels[s.test] >= 0).all()
    u, v = d.graph.edges()
    assert (u != v).all()  # no self-loops stored; models add them


def test_citeseer_isolated_test_range_nodes_are_unlabelled(data_root):
    d = load_dataset("citeseer", data_root)
    assert int((d.labels < 0).sum()) == 15
    assert d.features[d.labels < 0].abs().sum() == 0


def test_cora_is_homophilous(data_root):
    assert edge_homophily(load_dataset("cora", data_root).graph, load_dataset("cora", data_root).labels) > 0.8


class _Evil:
    def __reduce__(self):
        return (shutil.rmtree, ("/nonexistent-graphlab-test",))


def test_malicious_pickle_is_refused(tmp_path):
    path = tmp_path / "ind.cora.x"
    path.write_bytes(pickle.dumps(_Evil(), protocol=2))
    with pytest.raises(DataError, match="refused to unpickle.*shutil.rmtree"):
        safe_load(path)


def test_malicious_pickle_in_place_of_cora_is_refused(data_root, tmp_path):
    folder = tmp_path / "planetoid_cora"
    shutil.copytree(data_root / "planetoid_cora", folder)
    target = folder / "ind.cora.x"
    target.chmod(0o644)
    target.write_bytes(pickle.dumps(_Evil(), protocol=2))
    with pytest.raises(DataError, match="sha256"):  # the checksum refuses it first …
        load_dataset("cora", tmp_path)
    with pytest.raises(DataError, match="refused to unpickle"):  # … and unverified, the unpickler does
        load_dataset("cora", tmp_path, verify=False, cache=False)


def test_second_load_comes_from_the_processed_cache(data_root, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHLAB_CACHE", str(tmp_path / "cache"))
    first = load_dataset("cora", data_root)
    assert len(list((tmp_path / "cache").glob("cora-*.pt"))) == 1
    second = load_dataset("cora", data_root)
    assert second.features.equal(first.features) and second.graph.num_edges() == first.graph.num_edges()


def test_safe_pickle_loads_the_real_arrays(data_root):
    y = safe_load(data_root / "planetoid_cora" / "ind.cora.y")
    assert isinstance(y, np.ndarray) and y.shape == (140, 7)


def test_missing_dataset_names_path_and_fix(tmp_path):
    with pytest.raises(DataError, match=r"planetoid_cora.*graphlab data fetch cora"):
        load_dataset("cora", tmp_path)
