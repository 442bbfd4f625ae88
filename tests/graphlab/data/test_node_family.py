"""Node-classification loaders beyond Cora/CiteSeer: statistics against each SOURCE.md, splits, metrics,
determinism, the Geom-GCN split family, PubMed without features, and the OGB layout on a tiny fake folder."""

from __future__ import annotations

import gzip
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.preprocessing import label_binarize

from graphlab.data import edge_homophily, entry, load_dataset
from graphlab.data.catalog import CatalogEntry
from graphlab.data.linkx import one_hot_columns
from graphlab.data.ogb_layout import load_ogb
from graphlab.errors import ConfigError, DataError


def _link_root(tmp: Path, real: Path, *folders: str) -> Path:
    """A data root in ``tmp`` whose ``folders`` are links to the real ones."""
    for f in folders:
        (tmp / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp / f).symlink_to(real / f)
    return tmp


def _split_ok(s, labels: torch.Tensor) -> None:
    ids = torch.cat([s.train, s.valid, s.test])
    assert len(ids.unique()) == len(ids)  # disjoint
    assert (labels[ids] >= 0).all()


def _symmetric_simple(d) -> None:
    u, v = d.graph.edges()
    assert (u != v).all() and d.graph.has_edges_between(v, u).all()


# SOURCE.md of heterophily_npz: nodes, feat dim, classes, undirected edges, edge homophily, split0 sizes
HETEROPHILY = [
    ("actor", 7600, 932, 5, 26659, 0.217, (3648, 2432, 1520)),
    ("chameleon", 2277, 2325, 5, 31371, 0.230, (1092, 729, 456)),
    ("chameleon-filtered", 890, 2325, 5, 8854, 0.236, (409, 287, 194)),
    ("squirrel", 5201, 2089, 5, 198353, 0.222, (2496, 1664, 1041)),
    ("squirrel-filtered", 2223, 2089, 5, 46998, 0.207, (1053, 718, 452)),
    ("cornell", 183, 1703, 5, 277, 0.123, (87, 59, 37)),
    ("texas", 183, 1703, 5, 279, 0.061, (87, 59, 37)),
    ("wisconsin", 251, 1703, 5, 450, 0.178, (120, 80, 51)),
    ("minesweeper", 10000, 7, 2, 39402, 0.683, (5000, 2500, 2500)),
]
GEOM_GCN_FILE = {"actor": "film", "chameleon": "chameleon", "squirrel": "squirrel", "cornell": "cornell",
                 "texas": "texas", "wisconsin": "wisconsin"}


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "nodes", "feats", "classes", "edges", "homophily", "sizes"), HETEROPHILY)
def test_heterophily_statistics_match_source_md(data_root, name, nodes, feats, classes, edges, homophily, sizes):
    d = load_dataset(name, data_root)
    st = d.stats()
    assert (st["nodes"], st["edges"], st["features"], st["classes"]) == (nodes, edges, feats, classes)
    assert st["homophily"] == pytest.approx(homophily, abs=5e-4)
    assert len(d.splits["fixed"]) == 10 and d.splits["default"] is d.splits["fixed"]
    assert tuple(st["split_sizes"]) == sizes
    for s in d.splits["fixed"]:
        _split_ok(s, d.labels)
        assert len(s.train) + len(s.valid) + len(s.test) == nodes
    assert d.metric == ("rocauc" if name == "minesweeper" else "acc")
    _symmetric_simple(d)


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(GEOM_GCN_FILE))
def test_heterophily_geom_gcn_family_is_the_geom_gcn_split_files(data_root, name):
    d = load_dataset(name, data_root)
    assert d.splits["geom-gcn"] is d.splits["fixed"]
    for k, s in enumerate(d.splits["geom-gcn"]):
        ref = np.load(data_root / "geom_gcn" / "splits" / f"{GEOM_GCN_FILE[name]}_split_0.6_0.2_{k}.npz")
        assert s.train.tolist() == np.flatnonzero(ref["train_mask"]).tolist()
        assert s.test.tolist() == np.flatnonzero(ref["test_mask"]).tolist()
    assert "geom-gcn" not in load_dataset("minesweeper", data_root).splits


@pytest.mark.realdata
def test_tolokers_is_pinned_absent_and_loads_from_the_shared_format(data_root, tmp_path):
    assert entry("tolokers", data_root).files == {"tolokers.npz": "dacf3ac94cec53d0"}
    with pytest.raises(DataError, match=r"heterophily_npz.tolokers\.npz is missing.*graphlab data fetch tolokers"):
        load_dataset("tolokers", data_root)
    (tmp_path / "heterophily_npz").mkdir()
    shutil.copy(data_root / "heterophily_npz" / "minesweeper.npz", tmp_path / "heterophily_npz" / "tolokers.npz")
    with pytest.raises(DataError, match="sha256"):  # a file that is not the real tolokers.npz is refused …
        load_dataset("tolokers", tmp_path, cache=False)
    d = load_dataset("tolokers", tmp_path, verify=False, cache=False)  # … the format itself loads
    assert d.metric == "rocauc" and d.num_classes == 2 and len(d.splits["fixed"]) == 10


@pytest.mark.realdata
def test_pubmed_has_structure_and_labels_but_no_features(data_root):
    d = load_dataset("pubmed", data_root)
    st = d.stats()
    assert (st["nodes"], st["edges"], st["features"], st["classes"]) == (19717, 44324, None, 3)
    assert d.labels.bincount().tolist() == [4103, 7739, 7875]
    assert "allx" in d.meta["note"] and "no node features" in d.meta["note"]
    with pytest.raises(ConfigError, match="no node features.*'gcn'"):
        d.require_features("gcn")
    s = d.split("public")
    assert s.train.tolist() == list(range(60)) and s.valid.tolist() == list(range(60, 560)) and len(s.test) == 1000
    geom = d.splits["geom-gcn"]
    assert len(geom) == 10 and (len(geom[0].train), len(geom[0].valid), len(geom[0].test)) == (9463, 6310, 3944)
    _symmetric_simple(d)


@pytest.mark.realdata
def test_cora_and_citeseer_offer_geom_gcn_splits_when_the_folder_is_present(data_root, tmp_path):
    cora = load_dataset("cora", data_root)
    assert len(cora.splits["geom-gcn"]) == 10
    assert [len(cora.splits["geom-gcn"][0].train), len(cora.splits["geom-gcn"][0].valid),
            len(cora.splits["geom-gcn"][0].test)] == [1192, 796, 497]
    citeseer = load_dataset("citeseer", data_root)
    ref = np.load(data_root / "geom_gcn" / "splits" / "citeseer_split_0.6_0.2_0.npz")
    s = citeseer.splits["geom-gcn"][0]
    assert len(s.train) == int(ref["train_mask"].sum()) - 10  # its 10 unlabelled nodes are dropped
    for s in citeseer.splits["geom-gcn"]:
        _split_ok(s, citeseer.labels)
    alone = load_dataset("cora", _link_root(tmp_path, data_root, "planetoid_cora"), cache=False)
    assert "geom-gcn" not in alone.splits and "public" in alone.splits


@pytest.mark.realdata
def test_incomplete_geom_gcn_folder_is_an_error_naming_the_missing_file(data_root, tmp_path):
    root = _link_root(tmp_path, data_root, "planetoid_cora")
    (root / "geom_gcn" / "splits").mkdir(parents=True)
    for k in range(9):
        name = f"cora_split_0.6_0.2_{k}.npz"
        (root / "geom_gcn" / "splits" / name).symlink_to(data_root / "geom_gcn" / "splits" / name)
    with pytest.raises(DataError, match=r"cora_split_0\.6_0\.2_9\.npz is missing"):
        load_dataset("cora", root, cache=False)


# SOURCE.md of linkx_fb100: nodes, undirected edges, gender counts (0 = missing, 1, 2)
FB100 = [("fb100-reed98", 962, 18812, (97, 504, 361)), ("fb100-amherst41", 2235, 90954, (203, 1015, 1017)),
         ("fb100-cornell5", 18660, 790777, (1838, 8135, 8687))]


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "nodes", "edges", "gender"), FB100)
def test_fb100_statistics_and_linkx_splits(data_root, name, nodes, edges, gender):
    start = time.perf_counter()
    d = load_dataset(name, data_root, cache=False)
    assert time.perf_counter() - start < 20  # vectorised: Cornell5's 790k edges load in about a second
    st = d.stats()
    assert (st["nodes"], st["edges"], st["classes"], st["labelled"]) == (nodes, edges, 2, gender[1] + gender[2])
    assert int((d.labels == -1).sum()) == gender[0]
    assert d.labels[d.labels >= 0].bincount().tolist() == [gender[1], gender[2]]
    assert d.metric == "acc" and len(d.splits["random"]) == 5
    labelled = gender[1] + gender[2]
    for s in d.splits["random"]:
        _split_ok(s, d.labels)
        assert (len(s.train), len(s.valid)) == (int(0.5 * labelled), int(0.25 * labelled))
        assert len(s.train) + len(s.valid) + len(s.test) == labelled
    again = load_dataset(name, data_root, cache=False)
    assert all(torch.equal(a.train, b.train) and torch.equal(a.test, b.test)
               for a, b in zip(d.splits["random"], again.splits["random"], strict=True))  # fixed seeds


@pytest.mark.realdata
def test_fb100_features_are_linkx_one_hot_of_the_other_columns(data_root):
    import scipy.io

    info = scipy.io.loadmat(data_root / "linkx_fb100" / "Reed98.mat")["local_info"].astype(np.int64)
    other = np.delete(info, 1, axis=1)
    reference = np.hstack([label_binarize(c, classes=np.unique(c)) for c in other.T])  # LINKX's construction
    assert np.array_equal(one_hot_columns(other), reference)
    d = load_dataset("fb100-reed98", data_root)
    assert np.array_equal(d.features.numpy(), reference)
    tiny = np.array([[1, 5, 7], [2, 5, 7], [1, 5, 8]])  # 2 values → 1 column, 1 value → a zero column
    assert one_hot_columns(tiny).tolist() == [[0, 0, 0], [1, 0, 0], [0, 0, 1]]


@pytest.mark.realdata
def test_fb100_pattern_covers_dropped_in_schools_and_pins_johns_hopkins(data_root, tmp_path):
    jh = entry("fb100-johns-hopkins55", data_root)
    assert jh.files == {"Johns_Hopkins55.mat": "fc7243bf257155df"}
    with pytest.raises(DataError, match=r"Johns_Hopkins55\.mat is missing"):
        load_dataset("fb100-johns-hopkins55", data_root)
    (tmp_path / "linkx_fb100").mkdir()
    (tmp_path / "linkx_fb100" / "Penn94.mat").symlink_to(data_root / "linkx_fb100" / "Reed98.mat")
    d = load_dataset("fb100-penn94", tmp_path, cache=False)  # unpinned: loads, unverified
    assert d.name == "fb100-penn94" and d.num_nodes == 962


@pytest.mark.realdata
def test_twitch_de_statistics_and_linkx_splits(data_root):
    d = load_dataset("twitch-de", data_root)
    st = d.stats()
    assert (st["nodes"], st["edges"], st["classes"]) == (9498, 153138, 2)
    assert st["features"] == 2514  # 3170 indices (max 3169), the 656 never used dropped as LINKX does
    assert d.labels.bincount().tolist() == [3756, 5742] and d.metric == "rocauc"
    ref = np.load(data_root / "linkx_twitch_de" / "twitch-e-DE-splits.npy", allow_pickle=True)  # trusted here
    assert len(d.splits["linkx"]) == 5
    for s, r in zip(d.splits["linkx"], ref, strict=True):
        assert (len(s.train), len(s.valid), len(s.test)) == (4749, 2374, 2375)
        assert s.train.tolist() == sorted(r["train"]) and s.test.tolist() == sorted(r["test"])
    assert edge_homophily(d.graph, d.labels) > 0.5
    _symmetric_simple(d)


@pytest.mark.realdata
def test_squirrel_second_load_comes_from_the_cache(data_root, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHLAB_CACHE", str(tmp_path / "cache"))
    start = time.perf_counter()
    first = load_dataset("squirrel", data_root)
    built = time.perf_counter() - start
    start = time.perf_counter()
    second = load_dataset("squirrel", data_root)
    cached = time.perf_counter() - start
    assert len(list((tmp_path / "cache").glob("squirrel-*.pt"))) == 1
    assert torch.equal(first.features, second.features) and torch.equal(first.splits["fixed"][3].test,
                                                                        second.splits["fixed"][3].test)
    print(f"squirrel: built {built:.3f} s, from cache {cached:.3f} s")


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["cornell", "pubmed", "fb100-reed98", "twitch-de"])
def test_unknown_params_are_config_errors(data_root, name):
    with pytest.raises(ConfigError, match=r"dataset\.params\.bogus .*valid: none"):
        load_dataset(name, data_root, cache=False, bogus=1)


# ---- OGB layout on a tiny fake folder ----

def _write_gz(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as f:
        f.write("".join(",".join(map(str, r)) + "\n" for r in rows))


def fake_ogbn_arxiv(root: Path, n: int = 12) -> Path:
    """A 12-node ``ogbn-arxiv`` in OGB's layout (40 classes, 4-d features, time split 4/4/4)."""
    rng = np.random.default_rng(0)
    d = root / "ogb" / "ogbn_arxiv"
    d.mkdir(parents=True)
    (d / "RELEASE_v1.txt").write_text("")
    edges = rng.integers(0, n, (30, 2))
    _write_gz(d / "raw" / "edge.csv.gz", edges.tolist())
    _write_gz(d / "raw" / "num-node-list.csv.gz", [[n]])
    _write_gz(d / "raw" / "num-edge-list.csv.gz", [[len(edges)]])
    _write_gz(d / "raw" / "node-feat.csv.gz", rng.normal(size=(n, 4)).round(3).tolist())
    _write_gz(d / "raw" / "node-label.csv.gz", (np.arange(n) % 5)[:, None].tolist())
    _write_gz(d / "raw" / "node_year.csv.gz", [[2015]] * n)
    for part, ids in zip(("train", "valid", "test"), np.array_split(np.arange(n), 3), strict=True):
        _write_gz(d / "split" / "time" / f"{part}.csv.gz", ids[:, None].tolist())
    return d


def _no_network(monkeypatch) -> None:
    import urllib.request

    import ogb.nodeproppred.dataset_dgl as dgl_dataset

    def refuse(*_, **__):
        raise AssertionError("a download or prompt was attempted")

    monkeypatch.setattr(dgl_dataset, "decide_download", refuse)
    monkeypatch.setattr(dgl_dataset, "download_url", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr("builtins.input", refuse)


def test_ogb_layout_loads_a_read_only_folder_without_download(tmp_path, monkeypatch):
    _no_network(monkeypatch)
    folder = fake_ogbn_arxiv(tmp_path)
    files_before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    d = load_dataset("ogbn-arxiv", tmp_path, cache=False)
    st = d.stats()
    assert (st["nodes"], st["features"], st["classes"], d.metric) == (12, 4, 40, "acc")
    assert d.labels.tolist() == (np.arange(12) % 5).tolist()
    s = d.split("ogb")
    assert (s.train.tolist(), s.valid.tolist(), s.test.tolist()) == ([0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11])
    _symmetric_simple(d)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == files_before  # nothing written there


def test_ogb_layout_missing_release_file_is_refused_before_ogb_runs(tmp_path, monkeypatch):
    _no_network(monkeypatch)
    folder = fake_ogbn_arxiv(tmp_path)
    (folder / "RELEASE_v1.txt").unlink()
    with pytest.raises(DataError, match=r"ogb/ogbn_arxiv/RELEASE_v1\.txt is missing"):
        load_dataset("ogbn-arxiv", tmp_path, cache=False)
    bare = CatalogEntry(name="ogbn-arxiv", family="node", loader="graphlab.data.ogb_layout:load_ogb",
                        folder="ogb/ogbn_arxiv")  # the loader's own check, whatever the catalog lists
    with pytest.raises(DataError, match=r"RELEASE_v1\.txt is missing.*nothing is downloaded"):
        load_ogb(bare, tmp_path)


def test_ogb_layout_missing_folder_names_the_path_and_fix(tmp_path):
    with pytest.raises(DataError, match=r"ogb/ogbn_arxiv/.*graphlab data fetch ogbn-arxiv"):
        load_dataset("ogbn-arxiv", tmp_path)


def test_ogb_layout_refuses_unsupported_and_unreadable_datasets(tmp_path, monkeypatch):
    _no_network(monkeypatch)
    mag = CatalogEntry(name="ogbn-mag", family="node", loader="graphlab.data.ogb_layout:load_ogb", folder="ogb/x")
    with pytest.raises(DataError, match="heterogeneous"):
        load_ogb(mag, tmp_path)
    folder = fake_ogbn_arxiv(tmp_path)
    (folder / "raw" / "node-feat.csv.gz").write_bytes(b"not gzip")
    with pytest.raises(DataError, match=r"ogbn_arxiv: ogb cannot read"):
        load_dataset("ogbn-arxiv", tmp_path, cache=False)
