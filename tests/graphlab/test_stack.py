"""The pinned stack: DGL imports only with torch 2.2.1 (a silent torch upgrade breaks it)."""

import dgl
import numpy
import torch


def test_pinned_versions():
    assert torch.__version__.startswith("2.2.1")
    assert dgl.__version__ == "2.1.0"
    assert int(numpy.__version__.split(".")[0]) < 2


def test_dgl_graph_ops_work():
    g = dgl.graph(([0, 1], [1, 2]), num_nodes=3)
    assert dgl.add_self_loop(g).num_edges() == 5
