"""Readers of user–item interaction files and the catalog loaders built on them.

- ``ml100k`` (MovieLens 100K): ``u.data`` = ``user \\t item \\t rating(1..5) \\t unix_seconds``, no header;
  implicit feedback from ratings ≥ ``min_rating`` (default 4: 55,375 interactions; ``min_rating=0`` keeps all
  100,000); weight = rating, timestamp = the rating's time. ``u.item`` (latin-1, 24 ``|``-separated fields)
  gives titles and the 19 genre flags as side information.
- ``lastfm`` (HetRec 2011): ``user_artists.dat`` (header ``userID artistID weight``) gives the interactions,
  weight = listening count. Listening has no time; the dated tag assignments of ``user_taggedartists.dat``
  (header ``userID artistID tagID day month year``) do: an interaction's timestamp is the earliest date
  (00:00 UTC, Unix seconds) at which that user tagged that artist, and -1 (unknown) when the user never
  tagged it or only with a date before 2002 (Last.fm's launch; the file holds a few 1956–1979 dates). About
  22% of the pairs are dated; unknown times sort first in a temporal split, so its valid/test sets favour the
  dated (later tagged) artists — ``split=random`` is the time-free alternative. The millisecond file
  ``user_taggedartists-timestamps.dat`` is not used (absent from our copy; same assignments). Tags stay side
  information: ``side["tags"]`` (every assignment, users/items mapped to contiguous ids or -1), tag names
  from ``tags.dat`` (latin-1) and artist names from ``artists.dat`` (UTF-8).
- ``amazon-<category>`` (``beauty``): ``<Category>.txt`` from the SASRec/ICLRec preprocessing, one user per
  line ``user item_1 … item_n`` (space-separated ints, chronological); no times, so timestamp = the position
  in the user's sequence (``time_unit="order"``), weight = 1; default split ``leave-last-out``.

Text is decoded line by line as UTF-8 and, where that fails, as latin-1 (every byte is a character), so odd
bytes never stop a load. Every malformed line is a DataError ``<file>:<line>: expected …, got …``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch

from graphlab.data.catalog import CatalogEntry
from graphlab.data.interactions import InteractionDataset, build_interactions, split_params
from graphlab.data.textio import read_lines
from graphlab.errors import DataError

MAX_INT = 2**62
SEPARATORS = {"\t": "tab", "|": "'|'"}
MAX_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z in Unix seconds
FIRST_TAG_YEAR = 2002  # Last.fm launched in 2002: earlier tag dates are bogus
ML_GENRES = 19
# column spec: (name, kind, low, high); kind "i" integer, "f" finite float, "s" text
Spec = tuple[str, str, float, float]


def _value(path: Path, lineno: int, field: str, spec: Spec) -> Any:
    name, kind, low, high = spec
    if kind == "s":
        return field
    try:
        value = int(field) if kind == "i" else float(field)
    except ValueError:
        want = "an integer" if kind == "i" else "a number"
        raise DataError(f"{path}:{lineno}: expected {want} in column '{name}', got {field.strip()[:40]!r}") from None
    if not (low <= value <= high and math.isfinite(value)):
        want = f"a finite {name} ≥ {low:g}" if math.isinf(high) else f"{name} in {low:g}..{high:g}"
        raise DataError(f"{path}:{lineno}: expected {want}, got {field.strip()[:40]!r}")
    return value


def read_table(path: Path, specs: list[Spec], sep: str, header: bool) -> dict[str, list[Any]]:
    """Columns of a ``sep``-separated file with exactly ``len(specs)`` fields per line, checked per ``specs``,
    plus ``"line"``: each row's line number; with ``header`` the first line must name the columns in order."""
    lines = read_lines(path, fallback="latin-1")
    names = [s[0] for s in specs]
    if header:
        lineno, first = lines[0]
        if [f.strip() for f in first.split(sep)] != names:
            raise DataError(f"{path}:{lineno}: expected the header {sep.join(names)!r}, got {first[:60]!r}")
        lines = lines[1:]
        if not lines:
            raise DataError(f"{path}: no rows after the header")
    columns: dict[str, list[Any]] = {n: [] for n in names}
    columns["line"] = [lineno for lineno, _ in lines]
    for lineno, line in lines:
        fields = line.split(sep)
        if len(fields) != len(specs):
            raise DataError(f"{path}:{lineno}: expected {len(specs)} {SEPARATORS.get(sep, repr(sep))}-separated "
                            f"fields, got {len(fields)}")
        for field, spec in zip(fields, specs, strict=True):
            columns[spec[0]].append(_value(path, lineno, field, spec))
    return columns


def read_sequences(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``user item_1 … item_n`` lines → (user, item, position) arrays, one entry per item, position 0..n-1."""
    users, items, positions, seen = [], [], [], set()
    for lineno, line in read_lines(path, fallback="latin-1"):
        fields = line.split()
        if len(fields) < 2:
            raise DataError(f"{path}:{lineno}: expected a user id followed by 1+ item ids, got {len(fields)} field")
        user = _value(path, lineno, fields[0], ("user", "i", 0, MAX_INT))
        if user in seen:
            raise DataError(f"{path}:{lineno}: expected one line per user, but user {user} already has one")
        seen.add(user)
        for pos, field in enumerate(fields[1:]):
            items.append(_value(path, lineno, field, ("item", "i", 0, MAX_INT)))
            users.append(user)
            positions.append(pos)
    return np.asarray(users, np.int64), np.asarray(items, np.int64), np.asarray(positions, np.int64)


def _lookup(raw: torch.Tensor, ids: np.ndarray) -> np.ndarray:
    """Contiguous ids of the raw ``ids`` given the sorted raw-id table ``raw`` (-1 where absent)."""
    table = raw.numpy()
    pos = np.minimum(np.searchsorted(table, ids), max(len(table) - 1, 0))
    return np.where(table[pos] == ids, pos, -1)


def _dates(day: np.ndarray, month: np.ndarray, year: np.ndarray, path: Path, rows: list[int]) -> np.ndarray:
    """Unix seconds of calendar dates (00:00 UTC); an impossible date (e.g. 31 April) is a DataError."""
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    length = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(np.int64)
    bad = np.flatnonzero(day > length)
    if len(bad):
        i = bad[0]
        raise DataError(f"{path}:{rows[i]}: expected a valid date, got {day[i]}/{month[i]}/{year[i]}")
    return (start.astype("datetime64[D]") + (day - 1)).astype("datetime64[s]").astype(np.int64)


def _first_tag_time(user: np.ndarray, artist: np.ndarray, t_user: np.ndarray, t_artist: np.ndarray,
                    when: np.ndarray) -> np.ndarray:
    """For each (user, artist) pair, the earliest ``when`` ≥ 0 among the tag rows of that pair, else -1."""
    users = np.unique(np.concatenate([user, t_user]))
    artists = np.unique(np.concatenate([artist, t_artist]))

    def code(u: np.ndarray, a: np.ndarray) -> np.ndarray:  # pair → one int over the union of raw ids
        return np.searchsorted(users, u) * len(artists) + np.searchsorted(artists, a)

    dated = when >= 0
    keys, first = code(t_user[dated], t_artist[dated]), when[dated]
    order = np.lexsort((first, keys))  # by pair, earliest first
    keys, first = keys[order], first[order]
    head = np.r_[True, keys[1:] != keys[:-1]]
    keys, first = np.append(keys[head], -1), np.append(first[head], -1)  # sentinel: not found → -1
    pair = code(user, artist)
    pos = np.searchsorted(keys[:-1], pair)
    return np.where(keys[pos] == pair, first[pos], -1)


def load_ml100k(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> InteractionDataset:
    """MovieLens 100K ratings ≥ ``min_rating`` as interactions (module docstring); default split temporal."""
    p = split_params(entry.name, params, {"min_rating": 4.0})
    folder = entry.path(root)
    path = folder / "u.data"
    t = read_table(path, [("user", "i", 0, MAX_INT), ("item", "i", 0, MAX_INT), ("rating", "i", 1, 5),
                          ("timestamp", "i", 0, MAX_TIME)], "\t", header=False)
    rating = np.asarray(t["rating"], np.float32)
    keep = rating >= p["min_rating"]
    if not keep.any():
        raise DataError(f"{path}: no rating ≥ {p['min_rating']:g}; lower dataset.params.min_rating")
    ds = build_interactions(entry.name, np.asarray(t["user"])[keep], np.asarray(t["item"])[keep], rating[keep],
                            np.asarray(t["timestamp"])[keep], "s", p, str(path), meta={"min_rating": p["min_rating"]})
    movies = read_table(folder / "u.item", [("movie_id", "i", 0, MAX_INT), ("title", "s", 0, 0), ("release", "s", 0, 0),
                                            ("video_release", "s", 0, 0), ("url", "s", 0, 0)]
                        + [(f"genre{g}", "i", 0, 1) for g in range(ML_GENRES)], "|", header=False)
    at = _lookup(ds.item_raw, np.asarray(movies["movie_id"], np.int64))
    titles = [""] * ds.num_items
    genres = np.zeros((ds.num_items, ML_GENRES), np.float32)
    for row in np.flatnonzero(at >= 0):
        titles[at[row]] = movies["title"][row]
        genres[at[row]] = [movies[f"genre{g}"][row] for g in range(ML_GENRES)]
    ds.side = {"item_title": titles, "item_genres": torch.from_numpy(genres)}
    return ds


def load_lastfm(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> InteractionDataset:
    """Last.fm HetRec 2011 listening pairs, dated by the user's first tag of the artist (module docstring)."""
    p = split_params(entry.name, params, {})
    folder = entry.path(root)
    ua_path, tag_path = folder / "user_artists.dat", folder / "user_taggedartists.dat"
    ua = read_table(ua_path, [("userID", "i", 0, MAX_INT), ("artistID", "i", 0, MAX_INT),
                              ("weight", "f", 0, float("inf"))], "\t", header=True)
    ta = read_table(tag_path, [("userID", "i", 0, MAX_INT), ("artistID", "i", 0, MAX_INT), ("tagID", "i", 0, MAX_INT),
                               ("day", "i", 1, 31), ("month", "i", 1, 12), ("year", "i", 1, 9999)], "\t", header=True)
    year = np.asarray(ta["year"], np.int64)
    when = _dates(np.asarray(ta["day"], np.int64), np.asarray(ta["month"], np.int64), year, tag_path, ta["line"])
    when[year < FIRST_TAG_YEAR] = -1
    user, artist = np.asarray(ua["userID"], np.int64), np.asarray(ua["artistID"], np.int64)
    t_user, t_artist = np.asarray(ta["userID"], np.int64), np.asarray(ta["artistID"], np.int64)
    timestamp = _first_tag_time(user, artist, t_user, t_artist, when)
    ds = build_interactions(entry.name, user, artist, np.asarray(ua["weight"], np.float32), timestamp, "s", p,
                            str(ua_path), meta={"dated_interactions": int((timestamp >= 0).sum())})
    tags = read_table(folder / "tags.dat", [("tagID", "i", 0, MAX_INT), ("tagValue", "s", 0, 0)], "\t", header=True)
    names = read_table(folder / "artists.dat", [("id", "i", 0, MAX_INT), ("name", "s", 0, 0), ("url", "s", 0, 0),
                                                ("pictureURL", "s", 0, 0)], "\t", header=True)
    item_name = [""] * ds.num_items
    for row, at in enumerate(_lookup(ds.item_raw, np.asarray(names["id"], np.int64))):
        if at >= 0:
            item_name[at] = names["name"][row]
    ds.side = {"tags": {"user": torch.from_numpy(_lookup(ds.user_raw, t_user)),
                        "item": torch.from_numpy(_lookup(ds.item_raw, t_artist)),
                        "tag": torch.from_numpy(np.asarray(ta["tagID"], np.int64)), "timestamp": torch.from_numpy(when)},
               "tag_names": dict(zip(tags["tagID"], tags["tagValue"], strict=True)), "item_name": item_name}
    return ds


def load_amazon(entry: CatalogEntry, root: str | Path | None = None, **params: Any) -> InteractionDataset:
    """An Amazon ``<Category>.txt`` of chronological per-user sequences; default split leave-last-out."""
    p = split_params(entry.name, params, {"split": "leave-last-out"})
    path = entry.path(root) / next(iter(entry.files))
    user, item, position = read_sequences(path)
    return build_interactions(entry.name, user, item, np.ones(len(user), np.float32), position, "order", p,
                              str(path))
