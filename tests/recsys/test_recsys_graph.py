"""The bipartite DGL graph and LightGCN's propagation against a dense computation."""

from __future__ import annotations

import torch

from recsys.baselines import LightGCN
from recsys.data import BACKWARD, FORWARD, bipartite_graph


def test_bipartite_graph_and_lightgcn_propagation_match_dense_math():
    user, item = torch.tensor([0, 0, 1, 2, 2, 2]), torch.tensor([0, 1, 1, 0, 2, 3])
    g = bipartite_graph(user, item, 3, 4)
    assert g.num_edges(FORWARD) == g.num_edges(BACKWARD) == 6
    r = torch.zeros(3, 4)
    r[user, item] = 1
    d_u, d_i = r.sum(1), r.sum(0).clamp(min=1)
    norm = r / torch.sqrt(d_u[:, None] * d_i[None, :])  # Â's user–item block
    torch.manual_seed(0)
    model = LightGCN(g, dim=4, layers=2, reg=0.0)
    e_u, e_i = model.user.weight.detach(), model.item.weight.detach()
    u1, i1 = norm @ e_i, norm.T @ e_u
    u2, i2 = norm @ i1, norm.T @ u1
    with torch.no_grad():
        out_u, out_i = model.propagate()
    torch.testing.assert_close(out_u, (e_u + u1 + u2) / 3)
    torch.testing.assert_close(out_i, (e_i + i1 + i2) / 3)
