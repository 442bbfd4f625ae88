"""graphlab data fetch / verify offline: a local mirror folder, a file:// "download", archives, checksums."""

from __future__ import annotations

import dataclasses
import io
import tarfile
import zipfile

import pytest

from graphlab.cli import main
from graphlab.data import entry, load_dataset, sha256
from graphlab.data import fetch as fetch_module
from graphlab.data.fetch import fetch, read_archive_member
from graphlab.errors import DataError

pytestmark = pytest.mark.realdata


def test_fetch_from_a_mirror_then_verify(data_root, tmp_path, capsys):
    folder = fetch("cora", tmp_path / "root", mirror=data_root)
    for f in entry("cora").files:
        assert sha256(folder / f) == sha256(data_root / "planetoid_cora" / f)
    assert load_dataset("cora", tmp_path / "root", cache=False).num_nodes == 2708
    assert main(["data", "verify", "cora", "--data-root", str(tmp_path / "root")]) == 0
    assert capsys.readouterr().out.count(" ok") == 8


def test_download_path_with_a_file_url(data_root, tmp_path, monkeypatch):
    local = dataclasses.replace(entry("cora"), source=(data_root / "planetoid_cora").as_uri() + "/")
    monkeypatch.setattr(fetch_module, "entry", lambda name, root=None: local)
    folder = fetch("cora", tmp_path)
    assert sha256(folder / "ind.cora.graph") == entry("cora").files["ind.cora.graph"]


def test_checksum_mismatch_writes_nothing(data_root, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for f in entry("cora").files:
        (mirror / f).write_bytes((data_root / "planetoid_cora" / f).read_bytes())
    (mirror / "ind.cora.x").write_bytes(b"tampered")
    with pytest.raises(DataError, match="ind.cora.x.*sha256"):
        fetch("cora", tmp_path / "root", mirror=mirror)
    assert not (tmp_path / "root" / "planetoid_cora" / "ind.cora.x").exists()


def test_offline_download_is_a_clear_error(tmp_path, monkeypatch):
    broken = dataclasses.replace(entry("cora"), source="http://127.0.0.1:9/none/")
    monkeypatch.setattr(fetch_module, "entry", lambda name, root=None: broken)
    with pytest.raises(DataError, match="cannot download .*use --from DIR"):
        fetch("cora", tmp_path)


def test_archive_members_are_read_safely():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ml-100k/u.data", "1\t2\t3\t4\n")
        z.writestr("../evil", "x")
    assert read_archive_member(buf.getvalue(), "ml-100k/u.data", "a.zip") == b"1\t2\t3\t4\n"
    with pytest.raises(DataError, match="unsafe"):
        read_archive_member(buf.getvalue(), "../evil", "a.zip")
    with pytest.raises(DataError, match="no member"):
        read_archive_member(buf.getvalue(), "ml-100k/missing", "a.zip")

    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w:gz") as t:
        data = b"hello"
        info = tarfile.TarInfo("d/f.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("d/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        t.addfile(link)
    assert read_archive_member(tbuf.getvalue(), "d/f.txt", "a.tgz") == b"hello"
    with pytest.raises(DataError, match="not a regular file"):
        read_archive_member(tbuf.getvalue(), "d/link", "a.tgz")
    with pytest.raises(DataError, match="not a readable"):
        read_archive_member(b"garbage" * 10, "x", "bad.zip")


def test_generated_datasets_have_nothing_to_fetch(tmp_path):
    with pytest.raises(DataError, match="generated"):
        fetch("csbm", tmp_path)
