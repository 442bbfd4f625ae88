"""Interactions → a DGL bipartite user–item graph (both edge directions, symmetric degree normalisation)."""

from __future__ import annotations

import dgl
import torch

USER, ITEM = "user", "item"
FORWARD, BACKWARD = (USER, "engages", ITEM), (ITEM, "engaged-by", USER)


def bipartite_graph(user: torch.Tensor, item: torch.Tensor, num_users: int, num_items: int) -> dgl.DGLHeteroGraph:
    """A heterograph with ``user -engages-> item`` and ``item -engaged-by-> user`` edges for the pairs
    ``(user[k], item[k])``; each edge carries ``edata["norm"]`` = 1 / √(d_u · d_i) (LightGCN's normalisation,
    degrees counted in this graph, isolated nodes get degree 1)."""
    g = dgl.heterograph({FORWARD: (user, item), BACKWARD: (item, user)},
                        num_nodes_dict={USER: num_users, ITEM: num_items})
    d_user = torch.bincount(user, minlength=num_users).clamp(min=1).float()
    d_item = torch.bincount(item, minlength=num_items).clamp(min=1).float()
    norm = (d_user[user] * d_item[item]).rsqrt()
    g.edges[FORWARD].data["norm"] = norm
    g.edges[BACKWARD].data["norm"] = norm
    return g
