"""``graphlab data list | info | verify | fetch`` (all take ``--data-root``; exit 2 on bad input)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from graphlab.data.catalog import catalog, digest_matches, entry, sha256
from graphlab.data.root import resolve_root
from graphlab.errors import DataError


def add_parser(sub: Any) -> None:
    data = sub.add_parser("data", help="dataset catalog: list, info, verify, fetch")
    dsub = data.add_subparsers(dest="data_command", required=True)
    for name, help_ in (("list", "every catalog dataset and whether it is present"),
                        ("info", "statistics of one dataset"),
                        ("verify", "check sha256 of a dataset's files (all present datasets by default)"),
                        ("fetch", "download (or copy with --from) a dataset into the data root")):
        p = dsub.add_parser(name, help=help_)
        if name in ("info", "fetch"):
            p.add_argument("name")
        if name == "verify":
            p.add_argument("name", nargs="?")
        if name in ("list", "info"):
            p.add_argument("--json", action="store_true")
        if name == "fetch":
            p.add_argument("--from", dest="mirror", help="local mirror folder instead of the source URL")
        p.add_argument("--data-root", help="data root (default $GRAPHLAB_DATA, else ./datasets)")
    data.set_defaults(func=dispatch)


def _status(name: str, root: str | None) -> tuple[str, int]:
    e = entry(name, root)
    if e.generator:
        return "generated", 0
    folder = e.path(root)
    present = [folder / f for f in e.files if (folder / f).is_file()]
    size = sum(p.stat().st_size for p in present)
    return ("present" if len(present) == len(e.files) else "missing"), size


def stats(name: str, root: str | None) -> dict[str, Any]:
    """Statistics of a dataset as one JSON-able dict (``family`` first, then the dataset's own ``stats()``)."""
    from graphlab.data import load_dataset

    return {"name": name, "family": entry(name, root).family, **load_dataset(name, root).stats()}


def dispatch(args: argparse.Namespace) -> int:
    root = getattr(args, "data_root", None)
    if args.data_command == "list":
        rows = [{"name": n, "family": e.family, **dict(zip(("status", "bytes"), _status(n, root), strict=True))}
                for n, e in catalog(root).items()]
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            width = max(len(r["name"]) for r in rows)
            for r in rows:
                print(f"{r['name']:<{width}}  {r['family']:<13} {r['bytes'] / 1e6:>9.2f} MB  {r['status']}")
        return 0
    if args.data_command == "info":
        info = stats(args.name, root)
        print(json.dumps(info, indent=None if args.json else 2))
        return 0
    if args.data_command == "verify":
        names = [args.name] if args.name else [n for n in catalog(root) if _status(n, root)[0] == "present"]
        bad = 0
        for n in names:
            e = entry(n, root)
            optional = {f: d for f, d in e.optional_files.items() if (resolve_root(root) / f).is_file()}
            for f, digest in {**e.files, **optional}.items():
                p = (resolve_root(root) if f in optional else e.path(root)) / f
                if not p.is_file():
                    raise DataError(f"dataset '{n}': {p} is missing; run `graphlab data fetch {n}`")
                state = "unverified" if not digest else ("ok" if digest_matches(sha256(p), digest) else "MISMATCH")
                bad += state == "MISMATCH"
                print(f"{n:<16} {f:<32} {state}")
        if bad:
            raise DataError(f"{bad} file(s) fail their sha256 check")
        return 0
    from graphlab.data.fetch import fetch

    folder = fetch(args.name, root, args.mirror)
    print(f"{args.name}: {folder}")
    return 0
