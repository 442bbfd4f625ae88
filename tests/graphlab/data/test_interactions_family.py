"""User–item interaction datasets: SOURCE.md statistics, split invariants, determinism, user groups, the
``amazon-{category}`` pattern, the ``interest-clusters`` generator and parameter errors."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest
import torch

from graphlab.data import catalog, load_dataset
from graphlab.data.interactions import InteractionDataset, user_groups
from graphlab.data.interest_synthetic import interest_clusters
from graphlab.errors import ConfigError, DataError

realdata = pytest.mark.realdata


def _raw_ratings(root: Path) -> list[tuple[int, int, int, int]]:
    """u.data read independently of the loader: (user, item, rating, time) per line."""
    with open(root / "movielens_100k" / "u.data") as f:
        return [tuple(int(x) for x in line.split("\t")) for line in f]


def _check_partition(ds: InteractionDataset, family: str) -> None:
    s = ds.split(family)
    joined = torch.cat([s.train, s.valid, s.test])
    assert len(joined) == ds.num_interactions and torch.equal(joined.sort().values, torch.arange(ds.num_interactions))


def _check_per_user_order(ds: InteractionDataset, family: str) -> None:
    """Per user: every train time ≤ every valid time ≤ every test time."""
    s = ds.split(family)
    t = ds.timestamp.numpy()
    inf = np.iinfo(np.int64)

    def per_user(index: torch.Tensor, reduce: str, fill: int) -> np.ndarray:
        out = np.full(ds.num_users, fill, np.int64)
        getattr(np, f"{reduce}imum").at(out, ds.user[index].numpy(), t[index.numpy()])
        return out

    assert (per_user(s.train, "max", inf.min) <= per_user(s.valid, "min", inf.max)).all()
    assert (per_user(s.valid, "max", inf.min) <= per_user(s.test, "min", inf.max)).all()
    assert (per_user(s.train, "max", inf.min) <= per_user(s.test, "min", inf.max)).all()


# ---------------------------------------------------------------- real data: statistics vs SOURCE.md

@realdata
def test_ml100k_implicit_matches_source_and_a_hand_count(data_root):
    ds = load_dataset("ml100k", data_root)
    rows = [r for r in _raw_ratings(data_root) if r[2] >= 4]
    assert ds.num_interactions == len(rows) == 55_375  # SOURCE.md: rating ≥ 4 → 55,375 positives
    assert ds.num_users == len({r[0] for r in rows}) == 942
    assert ds.num_items == len({r[1] for r in rows}) == 1447
    assert ds.time_unit == "s" and ds.weight.min() == 4
    assert ds.stats()["time_range"] == ["1997-09-20", "1998-04-22"]  # SOURCE.md time span
    i = 123  # an interaction maps back to its raw line
    raw = (int(ds.user_raw[ds.user[i]]), int(ds.item_raw[ds.item[i]]), int(ds.weight[i]), int(ds.timestamp[i]))
    assert raw in set(rows)
    assert ds.side["item_title"][int(torch.nonzero(ds.item_raw == 1))] == "Toy Story (1995)"


@realdata
def test_ml100k_all_ratings_variant(data_root):
    ds = load_dataset("ml100k", data_root, min_rating=0)
    st = ds.stats()
    assert (st["users"], st["items"], st["interactions"]) == (943, 1682, 100_000)
    assert st["min_history"] == 20  # SOURCE.md: every user has ≥ 20 ratings
    assert collections.Counter(ds.weight.long().tolist()) == {1: 6110, 2: 11370, 3: 27145, 4: 34174, 5: 21201}
    assert st["density"] == pytest.approx(0.063, abs=5e-4)


@realdata
def test_lastfm_matches_source_and_dates_come_from_the_first_tag(data_root):
    ds = load_dataset("lastfm", data_root)
    st = ds.stats()
    assert (st["users"], st["items"], st["interactions"]) == (1892, 17632, 92_834)
    assert ds.weight.min() == 1 and ds.weight.max() == 352_698 and float(ds.weight.median()) == 260
    folder = data_root / "lastfm_hetrec2011"
    with open(folder / "user_taggedartists.dat") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert len(rows) == len(ds.side["tags"]["tag"]) == 186_479
    first: dict[tuple[int, int], int] = {}
    day = functools.cache(lambda y, m, d: int(dt.datetime(y, m, d, tzinfo=dt.timezone.utc).timestamp()))
    for r in rows:
        if int(r["year"]) >= 2002:
            t = day(int(r["year"]), int(r["month"]), int(r["day"]))
            key = (int(r["userID"]), int(r["artistID"]))
            first[key] = min(first.get(key, t), t)
    pairs = zip(ds.user_raw[ds.user].tolist(), ds.item_raw[ds.item].tolist(), ds.timestamp.tolist(), strict=True)
    assert all(first.get((u, a), -1) == t for u, a, t in pairs)
    raw_pairs = zip(ds.user_raw[ds.user].tolist(), ds.item_raw[ds.item].tolist(), strict=True)
    assert st["dated_interactions"] == sum(pair in first for pair in raw_pairs) == 20_664
    assert int((ds.side["tags"]["timestamp"] < 0).sum()) == 5  # SOURCE.md: 5 bogus dates (1956/1957/1979)
    assert len(set(ds.side["tags"]["tag"].tolist())) == 9749 and len(ds.side["tag_names"]) == 11_946
    assert ds.side["tag_names"][2863] == "tropicália"  # tags.dat is latin-1
    assert ds.side["item_name"][int(torch.nonzero(ds.item_raw == 1))] == "MALICE MIZER"
    _check_per_user_order(ds, "temporal")


@realdata
def test_beauty_is_the_alias_of_amazon_beauty_and_matches_source(data_root):
    ds = load_dataset("beauty", data_root)
    st = ds.stats()
    assert (st["users"], st["items"], st["interactions"]) == (22_363, 12_101, 198_502)
    assert (st["min_history"], st["max_history"]) == (5, 204) and ds.time_unit == "order"
    assert ds.num_interactions / ds.num_users == pytest.approx(8.9, abs=0.05)
    assert catalog(data_root)["beauty"].alias_of == "amazon-beauty"
    assert torch.equal(load_dataset("amazon-beauty", data_root).item, ds.item)
    s = ds.split()  # leave-last-out by default: one valid and one test item per user, the last two in order
    assert len(s.test) == len(s.valid) == 22_363
    counts = torch.bincount(ds.user, minlength=ds.num_users)
    assert torch.equal(ds.timestamp[s.test], counts[ds.user[s.test]] - 1)
    assert torch.equal(ds.timestamp[s.valid], counts[ds.user[s.valid]] - 2)
    with open(data_root / "amazon_beauty_seq" / "Beauty.txt") as f:
        first = f.readline().split()
    assert ds.item_raw[ds.item[ds.user == 0]].tolist() == [int(x) for x in first[1:]]


# ---------------------------------------------------------------- splits, determinism, groups (real data)

@realdata
@pytest.mark.parametrize("name", ["ml100k", "lastfm", "beauty"])
def test_every_split_family_partitions_the_interactions(data_root, name):
    ds = load_dataset(name, data_root)
    for family in ("temporal", "leave-last-out", "random"):
        _check_partition(ds, family)
    _check_per_user_order(ds, "leave-last-out")


@realdata
def test_ml100k_temporal_split_sizes_and_order(data_root):
    ds = load_dataset("ml100k", data_root, min_rating=0)
    s = ds.split("temporal")
    counts = torch.bincount(ds.user, minlength=ds.num_users)
    n_test = torch.bincount(ds.user[s.test], minlength=ds.num_users)
    n_valid = torch.bincount(ds.user[s.valid], minlength=ds.num_users)
    assert torch.equal(n_test, torch.floor(0.2 * counts + 0.5).long())
    assert torch.equal(n_valid, torch.floor(0.1 * counts + 0.5).long())
    _check_per_user_order(ds, "temporal")


@realdata
def test_global_temporal_cut_never_puts_evaluation_before_training(data_root):
    ds = load_dataset("ml100k", data_root, temporal_scope="global", split="temporal")
    s, t = ds.split(), ds.timestamp
    assert t[s.train].max() <= t[s.valid].min() and t[s.valid].max() <= t[s.test].min()
    assert len(s.test) == round(0.2 * ds.num_interactions) and len(s.valid) == round(0.1 * ds.num_interactions)


@realdata
def test_splits_are_byte_identical_across_runs_and_seeded_for_ties(data_root):
    a = load_dataset("ml100k", data_root, cache=False)
    b = load_dataset("ml100k", data_root, cache=False)
    c = load_dataset("ml100k", data_root)  # through the processed cache (written, then read)
    c = load_dataset("ml100k", data_root)
    for family in ("temporal", "leave-last-out", "random"):
        for part in ("train", "valid", "test"):
            x = getattr(a.split(family), part)
            assert torch.equal(x, getattr(b.split(family), part)) and torch.equal(x, getattr(c.split(family), part))
    other = load_dataset("ml100k", data_root, split_seed=1, cache=False)  # ml100k has same-second ratings
    assert not torch.equal(other.split("leave-last-out").test, a.split("leave-last-out").test)
    assert not torch.equal(other.split("random").test, a.split("random").test)


@realdata
def test_train_matrix_and_light_heavy_groups(data_root):
    ds = load_dataset("ml100k", data_root)
    s = ds.split()
    m = ds.train_matrix()
    assert m.shape == (942, 1447) and m.nnz == len(s.train) and set(m.data.tolist()) == {1.0}
    assert np.array_equal(np.asarray(m.sum(axis=1)).ravel(), ds.history_length().numpy())
    weighted = ds.train_matrix(binary=False)
    assert weighted.sum() == pytest.approx(float(ds.weight[s.train].sum()))
    g = ds.user_groups()
    assert len(g.light) == round(0.3 * 942) and len(g.heavy) == round(0.1 * 942)
    assert g.history[g.light].max() <= g.history[g.heavy].min()
    assert not (g.light_mask & g.heavy_mask).any()
    rest = ~(g.light_mask | g.heavy_mask)
    assert g.history[g.light].max() <= g.history[rest].min() and g.history[rest].max() <= g.history[g.heavy].min()
    u, i = ds.pairs(s.test)
    assert (np.asarray(m[np.array(u), np.array(i)]).ravel() == 0).all()  # no test pair is in train


# ---------------------------------------------------------------- small hand-made files (no real data)

def _write(root: Path, folder: str, files: dict[str, str]) -> Path:
    (root / folder).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / folder / name).write_text(text, encoding="latin-1")
    return root


def test_ml100k_rule_and_per_user_temporal_split_by_hand(tmp_path):
    # user 7 rates items 1..10 at times 100..91 (descending), all ≥ 4; user 8 has two ratings ≥ 4 only
    rows = [f"7\t{i}\t{4 + i % 2}\t{101 - i}" for i in range(1, 11)] + ["8\t1\t5\t5", "8\t2\t3\t6", "8\t3\t4\t7"]
    items = "".join(f"{i}|Movie {i}|01-Jan-1995||http://x|" + "|".join("0" * 19) + "\n" for i in range(1, 11))
    root = _write(tmp_path, "movielens_100k", {"u.data": "\n".join(rows) + "\n", "u.item": items})
    ds = load_dataset("ml100k", root, verify=False, cache=False)
    assert (ds.num_users, ds.num_items, ds.num_interactions) == (2, 10, 12)
    s = ds.split("temporal")  # user 7: 10 → 2 test (latest: items 1, 2), 1 valid (item 3); user 8 < 3: train
    raw_item = ds.item_raw[ds.item]
    assert sorted(raw_item[s.test].tolist()) == [1, 2] and raw_item[s.valid].tolist() == [3]
    assert sorted(ds.user_raw[ds.user[s.train]].unique().tolist()) == [7, 8]
    llo = ds.split("leave-last-out")
    assert raw_item[llo.test].tolist() == [1] and raw_item[llo.valid].tolist() == [2]
    assert ds.side["item_title"][0] == "Movie 1"
    everything = load_dataset("ml100k", root, verify=False, cache=False, min_rating=0)
    assert everything.num_interactions == 13


def test_other_amazon_categories_load_by_pattern(tmp_path):
    lines = [f"{u} " + " ".join(str(100 + (u * 7 + k) % 13) for k in range(3 + u % 4)) for u in range(1, 31)]
    root = _write(tmp_path, "amazon_beauty_seq", {"Toys_and_Games.txt": "\n".join(lines) + "\n"})
    entries = catalog(root)
    assert "amazon-toys-and-games" in entries and entries["amazon-toys-and-games"].files == {"Toys_and_Games.txt": None}
    ds = load_dataset("amazon-toys-and-games", root, verify=False, cache=False)
    assert ds.name == "amazon-toys-and-games" and ds.num_users == 30
    assert ds.num_interactions == sum(len(x.split()) - 1 for x in lines)
    assert ds.meta["split"] == "leave-last-out" and len(ds.split().test) == 30
    with pytest.raises(ConfigError, match="temporal_scope=global needs timestamps"):
        load_dataset("amazon-toys-and-games", root, verify=False, cache=False, temporal_scope="global")


def test_lastfm_untimed_pairs_and_bogus_dates(tmp_path):
    ua = "userID\tartistID\tweight\n" + "".join(f"{u}\t{a}\t{10 * a}\n" for u in (2, 3) for a in range(1, 6))
    ta = ("userID\tartistID\ttagID\tday\tmonth\tyear\n2\t4\t1\t1\t5\t2009\n2\t4\t9\t1\t3\t2009\n"
          "2\t5\t1\t1\t1\t1956\n3\t99\t1\t1\t1\t2008\n")
    tags = "tagID\ttagValue\n1\tmétal\n9\tfußball\n"
    artists = "id\tname\turl\tpictureURL\n4\tBjörk\thttp://a\thttp://b\n"
    root = _write(tmp_path, "lastfm_hetrec2011", {"user_artists.dat": ua, "user_taggedartists.dat": ta,
                                                  "tags.dat": tags})
    (root / "lastfm_hetrec2011" / "artists.dat").write_text(artists, encoding="utf-8")
    ds = load_dataset("lastfm", root, verify=False, cache=False)
    march = int(dt.datetime(2009, 3, 1, tzinfo=dt.timezone.utc).timestamp())
    assert ds.timestamp.tolist() == [-1, -1, -1, march, -1] + [-1] * 5
    assert ds.side["tags"]["item"].tolist() == [3, 3, 4, -1]  # artist 99 is not an interaction item
    assert ds.side["tag_names"] == {1: "métal", 9: "fußball"} and ds.side["item_name"][3] == "Björk"
    s = ds.split("temporal")  # 5 per user → 1 test, 1 valid (half-up of 0.5); user 2's dated pair is last
    assert int(ds.item_raw[ds.item[s.test[ds.user[s.test] == 0]]]) == 4


def test_bad_params_are_config_errors_naming_the_key(tmp_path):
    root = _write(tmp_path, "amazon_beauty_seq", {"Beauty.txt": "1 1 2 3\n2 2 3 4\n"})
    for params, message in [({"min_ratin": 3}, "dataset.params.min_ratin"), ({"split": "loo"}, "dataset.params.split"),
                            ({"test_ratio": 0.9, "valid_ratio": 0.2}, "test_ratio"),
                            ({"split_seed": "x"}, "dataset.params.split_seed")]:
        with pytest.raises(ConfigError, match=message):
            load_dataset("beauty", root, verify=False, cache=False, **params)
    (root / "amazon_beauty_seq" / "Beauty.txt").write_text("1 1 2\n1 3 4\n")
    with pytest.raises(DataError, match="Beauty.txt:2: expected one line per user, but user 1 already has one"):
        load_dataset("beauty", root, verify=False, cache=False)


def test_user_groups_break_ties_with_the_seed():
    history = torch.tensor([5, 1, 1, 1, 9, 9, 3, 3, 3, 3])
    g = user_groups(history)
    assert len(g.light) == 3 and len(g.heavy) == 1 and set(g.light.tolist()) == {1, 2, 3}
    assert int(g.heavy) in (4, 5) and torch.equal(user_groups(history).heavy_mask, g.heavy_mask)


# ---------------------------------------------------------------- interest-clusters generator

def test_generator_is_deterministic_and_validated():
    a = interest_clusters(users=300, items=200, clusters=8, seed=5)
    b = load_dataset("interest-clusters", users=300, items=200, clusters=8, seed=5)
    assert torch.equal(a.user, b.user) and torch.equal(a.item, b.item) and torch.equal(a.timestamp, b.timestamp)
    assert torch.equal(a.split().test, b.split().test)
    assert not torch.equal(interest_clusters(users=300, items=200, clusters=8, seed=6).item[:100], a.item[:100])
    for params, key in [({"user": 10}, "dataset.params.user"), ({"interests": 9, "clusters": 8}, "interests"),
                        ({"purity": 1.5}, "purity"), ({"items": 5, "clusters": 8}, "items"),
                        ({"max_history": 2}, "max_history")]:
        with pytest.raises(ConfigError, match=key):
            interest_clusters(**params)


def test_generator_has_clustered_interests_and_light_heavy_users():
    def share_in_interests(d: InteractionDataset) -> float:
        return float((d.side["user_interest"][d.user, d.side["item_cluster"][d.item]] > 0).float().mean())

    ds = interest_clusters(users=1500, items=600, clusters=12, purity=0.9, seed=0)
    assert ds.num_users == 1500 and ds.num_items <= 600
    # ≈ purity (+ noise landing in an interest by chance, − repeats of popular in-interest items dropped)
    assert share_in_interests(ds) > 0.85
    assert share_in_interests(interest_clusters(users=1500, items=600, clusters=12, purity=0.2)) < 0.4
    assert not ds.timestamp.lt(0).any() and len(set(zip(ds.user.tolist(), ds.item.tolist(), strict=True))) == ds.num_interactions
    g = ds.user_groups()
    assert g.history[g.heavy].float().mean() > 5 * g.history[g.light].float().mean()  # power-law activity
    _check_partition(ds, "temporal")
    _check_per_user_order(ds, "temporal")
    assert ds.stats()["users"] == 1500
