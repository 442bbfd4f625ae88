"""Training (and, at test time, valid) items never appear in a recommendation, for every model and for both
retrieval paths; the light/heavy groups and histories are laid out as documented."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from graphlab.data import interest_clusters
from recsys.baselines import MF, ItemAttention, LightGCN, Popularity, SASRec
from recsys.baselines.train import stage_histories
from recsys.data import bipartite_graph, build_rec_data, top_k_items
from recsys.data.history import HistoryBags, padded_history
from recsys.interest import UIC, ClusterSearch, FullSearch, build_interest_layer
from recsys.interest.config import InterestConfig
from recsys.interest.retrieval import SeenFilter, compare_retrieval, first_allowed, route, with_head


@pytest.fixture(scope="module")
def data():
    return build_rec_data(interest_clusters(users=150, items=60, clusters=4, min_history=4, max_history=40, seed=1))


def uic(data, user_id: bool = True, bags: HistoryBags | None = None):
    layer = build_interest_layer(data, InterestConfig(clusters=4, top_n=5))
    bags = bags if bags is not None else HistoryBags({k: st.history for k, st in data.stages.items()})
    return UIC(bags, {k: torch.from_numpy(v) for k, v in layer.eta.items()}, torch.from_numpy(layer.relevance),
               torch.from_numpy(layer.labels), data.num_users, 8, 0.0, 0.01, 0.0, user_id=user_id), layer


def stage_vectors(model, st):
    """UIC's user vectors and attention for the stage's users, and its item vectors (numpy)."""
    with torch.no_grad():
        z, a = model.user_vectors(torch.from_numpy(st.users), "test")
        return z.numpy(), a.numpy(), model.item_vectors().numpy()


MODELS = {
    "pop": lambda d: Popularity(d.item_popularity()),
    "mf": lambda d: MF(d.num_users, d.num_items, 8, 0.0),
    "lightgcn": lambda d: LightGCN(bipartite_graph(d.train_user, d.train_item, d.num_users, d.num_items), 8, 2, 0.0),
    "item_attention": lambda d: ItemAttention(stage_histories(d, 10), d.num_items, 8, 0.0, 0.0),
    "sasrec": lambda d: SASRec(stage_histories(d, 10), d.num_items, 8, 1, 1, 10, 0.0, 0.0),
    "uic": lambda d: uic(d)[0],
}


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("stage", ["valid", "test"])
def test_masked_items_are_never_recommended(data, name, stage):
    torch.manual_seed(0)
    model = MODELS[name](data).eval()
    users = data.stage(stage).users
    with torch.no_grad():
        model.refresh()
        top = top_k_items(data, model.scores, users, stage, k=20).numpy()
    exclude = data.stage(stage).exclude
    for row, u in enumerate(users):
        assert not set(top[row]) & set(exclude[u].indices.tolist()), (name, u)


def test_first_allowed_keeps_the_order_and_pads():
    ids = np.array([[5, 3, 9, 1], [7, -1, -1, -1]])
    bad = np.array([[False, True, False, False], [True, True, True, True]])
    np.testing.assert_array_equal(first_allowed(ids, bad, 2), [[5, 9], [-1, -1]])
    np.testing.assert_array_equal(first_allowed(ids, bad, 5), [[5, 9, 1, -1, -1], [-1] * 5])


def test_retrieval_paths_never_return_masked_items_and_agree_with_all_clusters(data):
    model, layer = uic(data)
    st = data.stage("test")
    z, _, items = stage_vectors(model, st)
    seen = SeenFilter(st.exclude, st.users)
    full = FullSearch(items).search(z, seen, 10)
    clustered = ClusterSearch(items, layer.labels)
    per_cluster = clustered.masked_per_cluster(st.exclude, st.users)
    everything = np.tile(np.arange(len(clustered.sizes)), (len(st.users), 1))
    restricted = clustered.search(z, seen, per_cluster, 10, everything[:, :1])
    all_clusters = clustered.search(z, seen, per_cluster, 10, everything)
    for row, u in enumerate(st.users):
        masked = set(st.exclude[u].indices.tolist())
        assert not (set(full[row]) | set(restricted[row])) & masked
    exact = z @ items.T
    # searching every cluster is exact search (same scores; ties may order differently)
    np.testing.assert_allclose(np.take_along_axis(exact, np.maximum(all_clusters, 0), 1)[all_clusters >= 0],
                               np.take_along_axis(exact, np.maximum(full, 0), 1)[full >= 0], rtol=1e-5)


def test_padded_history_is_right_aligned_and_bags_sum_everything(data):
    hist = data.stage("test").history
    padded = padded_history(hist, 5, data.num_items)
    u = int(np.argmax(np.diff(hist.indptr)))
    assert padded[u].tolist() == hist[u].indices[-5:].tolist()
    short = int(np.argmin(np.diff(hist.indptr)))
    n = hist.indptr[short + 1] - hist.indptr[short]
    assert (padded[short, : 5 - n] == data.num_items).all()
    bags = HistoryBags({"test": hist})
    w = torch.randn(data.num_items, 3)
    users = torch.tensor([u, short])
    expected = torch.stack([w[torch.from_numpy(hist[x].indices.astype(np.int64))].sum(0) for x in (u, short)])
    torch.testing.assert_close(bags.sum(users, "test", w), expected)


def test_uic_without_user_ids_is_a_function_of_the_history(data):
    """model.user_id=false: two users with the same history (and interests) get the same vector; with IDs they differ."""
    hist = data.stage("test").history
    hist = sp.vstack([hist[0], hist[0], hist[2:]]).tocsr()  # user 1 now has user 0's history
    bags = HistoryBags({"test": hist})
    users = torch.tensor([0, 1])
    for user_id, same in ((False, True), (True, False)):
        torch.manual_seed(0)
        model, _ = uic(data, user_id=user_id, bags=bags)
        model.eta_test[1] = model.eta_test[0]
        with torch.no_grad():
            z, _ = model.user_vectors(users, "test")
        assert torch.allclose(z[0], z[1]) is same


def test_head_list_is_scanned_for_every_user(data):
    """A head holding the whole catalogue makes top-1-cluster search exact; route() appends the head list."""
    model, layer = uic(data)
    st = data.stage("test")
    z, a, items = stage_vectors(model, st)
    head = np.arange(len(items))
    lists, head_list = with_head(layer.labels, head)
    assert head_list == layer.labels.max() + 1 and (lists == head_list).all()
    assert with_head(layer.labels, None)[1] is None
    routes = route(a, 1, head_list)
    assert routes.shape == (len(st.users), 2) and (routes[:, 1] == head_list).all()
    report = compare_retrieval(z, a, items, layer.labels, st.users, st.targets, st.exclude,
                               top_c=1, k=10, repeats=1, head=head)
    assert report.recall_cluster == pytest.approx(report.recall_full)
    assert report.candidate_share >= 1.0
    top = model.head_items(5)
    assert set(top.tolist()) == set(torch.topk(model.bias.detach(), 5).indices.tolist())
