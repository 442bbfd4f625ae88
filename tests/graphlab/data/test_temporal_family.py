"""Temporal event streams: SOURCE.md statistics, chronological splits, stored negatives, formats, temporal-sbm."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
import torch

from graphlab.data import load_dataset
from graphlab.data.temporal import TemporalDataset, chronological_boundaries, draw_negatives
from graphlab.data.temporal_synthetic import temporal_sbm
from graphlab.errors import ConfigError, DataError

realdata = pytest.mark.realdata
REAL = ("wikipedia", "collegemsg", "bitcoin-otc", "ml100k-events")


def _day(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date().isoformat()


def check_invariants(d: TemporalDataset) -> None:
    """Time order, split order, negatives on the destination side and never the true destination."""
    t = d.t
    assert (t[1:] >= t[:-1]).all()
    b1, b2 = d.boundaries
    assert 0 <= b1 <= b2 <= d.num_events
    train_last = t[b1 - 1] if b1 else -np.inf
    for split in ("valid", "test"):  # no validation/test event precedes (or ties with) a training event
        ev = d.events(split)
        assert len(ev) == 0 or t[ev].min() > train_last
    if 0 < b2 < d.num_events and b2 > b1:
        assert t[b2] > t[b2 - 1]  # valid and test do not share a timestamp either
    lo, hi = d.sides[1]
    for split, k in (("valid", 9), ("test", 49)):
        neg, dst = d.negatives[split], d.dst[d.events(split)]
        assert neg.shape == (len(dst), k) and neg.dtype == torch.int64
        assert ((neg >= lo) & (neg < hi)).all() and (neg != dst[:, None]).all()
    assert d.edge_feat.dtype == torch.float32 and d.edge_feat.shape[0] == d.num_events
    assert d.src.max() < d.num_nodes and d.dst.max() < d.num_nodes
    assert d.src.min() >= d.sides[0][0] and d.src.max() < d.sides[0][1]


@realdata
@pytest.mark.parametrize(("name", "events", "nodes", "days", "first", "last", "feat"), [
    ("wikipedia", 157_474, 9_227, 31.0, None, None, 0),
    ("collegemsg", 59_835, 1_899, 193.7, "2004-04-15", "2004-10-26", 0),
    ("bitcoin-otc", 35_592, 5_881, None, "2010-11-08", "2016-01-25", 1),
    ("ml100k-events", 100_000, 2_625, None, "1997-09-20", "1998-04-22", 1),
])
def test_statistics_match_source_md(data_root, name, events, nodes, days, first, last, feat):
    s = load_dataset(name, data_root).stats()
    assert (s["events"], s["nodes"], s["edge_features"]) == (events, nodes, feat)
    if days is not None:
        assert s["time_span_days"] == days
    if first is not None:
        assert (_day(s["first_time"]), _day(s["last_time"])) == (first, last)
    assert sum(s["split_sizes"]) == events and s["negatives"] == {"valid": 9, "test": 49}
    assert s["split_sizes"][0] == pytest.approx(0.70 * events, rel=0.01)


@realdata
def test_wikipedia_is_bipartite_with_items_after_users(data_root):
    d = load_dataset("wikipedia", data_root)
    s = d.stats()
    assert (s["users"], s["items"]) == (8_227, 1_000) and d.sides == ((0, 8227), (8227, 9227))
    assert d.node_ids.equal(torch.arange(9227))  # TGN's copy is already contiguous: ids unchanged
    assert int(d.labels.sum()) == 217 and d.edge_feat.shape == (157_474, 0)
    assert d.t[0] == 0 and d.t[-1] == 2_678_373


@realdata
def test_collegemsg_and_bitcoin_otc_figures(data_root):
    c = load_dataset("collegemsg", data_root)
    assert c.stats()["distinct_pairs"] == 20_296 and not c.bipartite and (c.src != c.dst).all()
    assert c.node_ids.equal(torch.arange(1, 1900))
    b = load_dataset("bitcoin-otc", data_root)
    assert int(b.node_ids.max()) == 6_005 and b.stats()["distinct_pairs"] == 35_592
    rating = b.edge_feat[:, 0]
    assert rating.min() >= -10 and rating.max() <= 10
    assert float((rating < 0).float().mean()) == pytest.approx(0.10, abs=0.005)


@realdata
def test_ml100k_events_offsets_items_and_keeps_ratings(data_root):
    d = load_dataset("ml100k-events", data_root)
    assert d.sides == ((0, 943), (943, 2625))
    assert d.node_ids[:943].equal(torch.arange(1, 944)) and d.node_ids[943:].equal(torch.arange(1, 1683))
    hist = torch.bincount(d.edge_feat[:, 0].long(), minlength=6)[1:].tolist()
    assert hist == [6110, 11370, 27145, 34174, 21201]
    # the file is unsorted: events are sorted stably, row 0 of u.data (196, 242, 3, 881250949) is kept
    hit = (d.node_ids[d.src] == 196) & (d.node_ids[d.dst] == 242)
    assert d.t[hit].tolist() == [881250949.0] and d.edge_feat[hit, 0].tolist() == [3.0]


@realdata
@pytest.mark.parametrize("name", REAL)
def test_splits_and_negatives(data_root, name):
    check_invariants(load_dataset(name, data_root))


@realdata
@pytest.mark.parametrize("name", ["wikipedia", "collegemsg"])
def test_negatives_identical_across_fresh_loads_and_the_cache(data_root, name, tmp_path, monkeypatch):
    a = load_dataset(name, data_root, cache=False)
    b = load_dataset(name, data_root, cache=False)
    assert all(a.negatives[k].equal(b.negatives[k]) for k in ("valid", "test"))
    assert a.boundaries == b.boundaries
    monkeypatch.setenv("GRAPHLAB_CACHE", str(tmp_path / "cache"))
    load_dataset(name, data_root)
    assert len(list((tmp_path / "cache").glob(f"{name}-*.pt"))) == 1
    c = load_dataset(name, data_root)  # from the processed cache
    assert all(a.negatives[k].equal(c.negatives[k]) for k in ("valid", "test")) and a.t.equal(c.t)
    other = load_dataset(name, data_root, cache=False, negative_seed=1)
    assert not other.negatives["test"].equal(a.negatives["test"])


@realdata
def test_loader_params_are_validated(data_root):
    with pytest.raises(ConfigError, match=r"dataset.params.valid_fractoin.*valid_fraction"):
        load_dataset("collegemsg", data_root, valid_fractoin=0.1)
    with pytest.raises(ConfigError, match="test_fraction"):
        load_dataset("collegemsg", data_root, valid_fraction=0.5, test_fraction=0.5)
    d = load_dataset("collegemsg", data_root, cache=False, valid_fraction=0.1, test_fraction=0.1)
    assert d.stats()["split_sizes"][0] == pytest.approx(0.8 * 59_835, rel=0.01)


def _alpha_rows() -> list[tuple[int, int, int, int]]:
    """A small Alpha-like stream: day-rounded times with ties, written out of order."""
    rng = np.random.default_rng(5)
    days = np.sort(rng.integers(0, 40, size=120)) * 86400 + 1_289_174_400
    rows = [(int(rng.integers(1, 60)), int(rng.integers(1, 60)), int(rng.integers(-10, 11)), int(day))
            for day in days]
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


def test_bitcoin_alpha_crlf_unsorted_sorted_stably(tmp_path):
    rows = _alpha_rows()
    folder = tmp_path / "snap_bitcoin"
    folder.mkdir()
    (folder / "soc-sign-bitcoinalpha.csv").write_bytes("".join(f"{s},{d},{r},{t}\r\n" for s, d, r, t in rows).encode())
    with pytest.raises(DataError, match="sha256"):  # pinned to the SOURCE.md prefix: our stand-in is refused
        load_dataset("bitcoin-alpha", tmp_path)
    d = load_dataset("bitcoin-alpha", tmp_path, verify=False, cache=False)
    check_invariants(d)
    expected = sorted(range(len(rows)), key=lambda i: rows[i][3])  # Python's sort is stable: ties keep file order
    got = list(zip(d.node_ids[d.src].tolist(), d.node_ids[d.dst].tolist(), d.edge_feat[:, 0].long().tolist(),
                   d.t.long().tolist(), strict=True))
    assert got == [rows[i] for i in expected]
    assert d.stats()["nodes"] == len({r[0] for r in rows} | {r[1] for r in rows})


def test_chronological_boundaries_never_split_a_timestamp():
    t = np.array([0, 0, 1, 1, 1, 1, 2, 2, 3, 3], dtype=np.float64)
    assert chronological_boundaries(t, 0.15, 0.15) == (8, 8)  # q1 = 7 → all events at t=2 go to train
    assert chronological_boundaries(t, 0.2, 0.2) == (6, 8)
    assert chronological_boundaries(np.arange(100.0), 0.15, 0.15) == (70, 85)
    assert chronological_boundaries(np.zeros(5), 0.15, 0.15) == (5, 5)


def test_draw_negatives_excludes_the_true_destination():
    rng = np.random.default_rng(0)
    dst = np.array([10, 11, 19, 10] * 50)
    neg = draw_negatives(dst, (10, 20), 49, rng)
    assert neg.min() >= 10 and neg.max() < 20 and (neg != dst[:, None]).all()
    assert set(np.unique(neg[0])) == set(range(11, 20))  # uniform over the other 9 nodes


def test_jodie_raw_ids_are_offset_and_extra_columns_are_features(tmp_path):
    folder = tmp_path / "jodie_wikipedia_noedgefeat"
    folder.mkdir()
    lines = ["user_id,item_id,timestamp,state_label,comma_separated_list_of_features"]
    lines += [f"{u},{i},{ts},0,{0.5 * u},{-1.0 * i}" for u, i, ts in [(0, 0, 0), (1, 2, 5), (2, 1, 9), (0, 1, 9)]]
    (folder / "wikipedia.csv").write_text("\n".join(lines) + "\n")
    d = load_dataset("wikipedia", tmp_path, verify=False, cache=False)
    assert d.sides == ((0, 3), (3, 6)) and d.dst.tolist() == [3, 5, 4, 4]
    assert d.edge_feat.tolist() == [[0.0, 0.0], [0.5, -2.0], [1.0, -1.0], [0.0, -1.0]]


def test_dataset_survives_torch_save(tmp_path):
    d = temporal_sbm(nodes=50, events=300)
    torch.save(d, tmp_path / "d.pt")
    e = torch.load(tmp_path / "d.pt", weights_only=False)
    assert e.negatives["test"].equal(d.negatives["test"]) and e.sides == d.sides and e.stats() == d.stats()


def test_temporal_sbm_is_deterministic_and_loads_from_the_catalog():
    a = load_dataset("temporal-sbm", nodes=200, events=3000, seed=3)
    b = temporal_sbm(nodes=200, events=3000, seed=3)
    assert a.src.equal(b.src) and a.dst.equal(b.dst) and a.t.equal(b.t)
    assert a.negatives["test"].equal(b.negatives["test"])
    assert not temporal_sbm(nodes=200, events=3000, seed=4).dst.equal(a.dst)
    check_invariants(a)
    s = a.stats()
    assert (s["events"], s["nodes"], s["bipartite"]) == (3000, 200, False) and s["time_span_days"] <= 30.0


def _repeat_share(d: TemporalDataset) -> float:
    pair = (d.src * d.num_nodes + d.dst).numpy()
    return 1.0 - len(np.unique(pair)) / len(pair)


def test_temporal_sbm_recurrence_communities_drift_and_noise():
    low, high = temporal_sbm(recurrence=0.0), temporal_sbm(recurrence=0.9)
    assert _repeat_share(high) > _repeat_share(low) + 0.2
    d = temporal_sbm(drift=0.3, phases=5, recurrence=0.0, intra=1.0)
    comm = d.meta["communities"]
    moved = (comm[1:] != comm[:-1]).float().mean()
    assert moved == pytest.approx(0.3, abs=0.05)
    phase = torch.clamp((d.t / (30 * 86400) * 5).long(), max=4)
    assert (comm[phase, d.src] == comm[phase, d.dst]).float().mean() > 0.95  # destinations follow the drift
    noisy = temporal_sbm(noise=0.25, edge_dim=4)
    assert noisy.meta["noisy"].float().mean() == pytest.approx(0.25, abs=0.02)
    assert noisy.edge_feat.shape == (20000, 4) and (noisy.src != noisy.dst).all()


@pytest.mark.parametrize(("params", "key"), [
    ({"nodse": 10}, "dataset.params.nodse"), ({"drift": 1.5}, "drift"), ({"nodes": 1}, "nodes"),
    ({"events": 0}, "events"), ({"communities": 20, "nodes": 10}, "communities"), ({"span_days": 0}, "span_days"),
    ({"seed": "x"}, "seed"), ({"test_fraction": 1.0}, "test_fraction"), ({"partners": 2.5}, "partners"),
])
def test_temporal_sbm_validates_parameters(params, key):
    with pytest.raises(ConfigError, match=key):
        temporal_sbm(**params)


def test_temporal_sbm_stats_print_through_data_info(capsys):
    from graphlab.cli import main

    assert main(["data", "info", "temporal-sbm", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["family"] == "synthetic" and info["events"] == 20000 and "time_span" in info
