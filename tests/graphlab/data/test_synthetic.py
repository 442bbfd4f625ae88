"""The embedded contextual SBM: deterministic by seed, controllable homophily, valid splits."""

from __future__ import annotations

import pytest

from graphlab.data import csbm, edge_homophily
from graphlab.errors import ConfigError


def test_same_seed_same_graph_and_features():
    a, b = csbm(nodes=400, valid=100, seed=3), csbm(nodes=400, valid=100, seed=3)
    assert a.graph.edges()[0].equal(b.graph.edges()[0]) and a.features.equal(b.features)
    assert not csbm(nodes=400, valid=100, seed=4).features.equal(a.features)


@pytest.mark.parametrize("h", [0.1, 0.5, 0.9])
def test_edge_homophily_follows_the_parameter(h):
    d = csbm(nodes=1500, classes=4, homophily=h)
    assert edge_homophily(d.graph, d.labels) == pytest.approx(h, abs=0.05)


def test_splits_are_disjoint_and_stratified():
    d = csbm(nodes=500, classes=5, train_per_class=10, valid=100, splits=3)
    for i in range(3):
        s = d.split("default", i)
        assert len(set(s.train.tolist()) | set(s.valid.tolist()) | set(s.test.tolist())) == 500
        assert len(s.train) + len(s.valid) + len(s.test) == 500
        assert d.labels[s.train].bincount().tolist() == [10] * 5


def test_bad_parameters_name_the_key():
    with pytest.raises(ConfigError, match="dataset.params.homophilly"):
        csbm(homophilly=0.3)
    with pytest.raises(ConfigError, match="homophily"):
        csbm(homophily=1.5)
