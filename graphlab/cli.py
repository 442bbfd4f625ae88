"""``graphlab`` command line: run · sweep · report · methods · data (list | info | verify | fetch).

Bad input (config, data, output folder) ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from graphlab.errors import ConfigError, GraphlabError


def load_experiment_config(config: str | Path | dict[str, Any], overrides: list[str]) -> Any:
    """A YAML path or a dict, plus ``key=value`` overrides → the method's validated config dataclass."""
    from graphlab.config import build_config, parse_overrides, read_yaml
    from graphlab.registry import get_method

    if isinstance(config, dict):
        source, raw = "<dict>", dict(config)
    else:
        source, raw = str(config), read_yaml(config)
    layers = [(f"override '{o}'", parse_overrides([o])) for o in overrides]
    method = next((str(layer["method"]) for _, layer in reversed(layers) if "method" in layer), raw.get("method"))
    if not method:
        raise ConfigError(f"{source}: no 'method' key (one of `graphlab methods`)")
    schema = get_method(str(method)).config
    return build_config(schema, [(source, raw), *layers])


def _cmd_run(args: argparse.Namespace) -> int:
    from graphlab.experiment import run_experiment

    overrides = list(args.overrides) + ([f"dataset.root={args.data_root}"] if args.data_root else [])
    cfg = load_experiment_config(args.config, overrides)
    run_experiment(cfg, out=args.out, resume=args.resume, verbose=not args.quiet)
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    from graphlab.sweep import run_sweep

    root, table = run_sweep(args.sweep, out=args.out, data_root=args.data_root, only=args.only)
    print(table)
    print(f"report: {root / 'leaderboard.md'}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from graphlab.report import write_report

    print(write_report(args.runs))
    print(f"report: {Path(args.runs) / 'leaderboard.md'}")
    return 0


def _schema_fields(schema: type, prefix: str = "") -> list[dict[str, Any]]:
    rows = []
    for f in dataclasses.fields(schema):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            rows += _schema_fields(type(default), f"{prefix}{f.name}.")
        else:
            rows.append({"key": f"{prefix}{f.name}", "type": str(f.type), "default": default})
    return rows


def _cmd_methods(args: argparse.Namespace) -> int:
    from graphlab.registry import methods

    found = methods()
    if args.json:
        print(json.dumps({n: {"description": m.description, "config": m.config.__name__,
                              "fields": _schema_fields(m.config)} for n, m in found.items()}, indent=2, default=str))
        return 0
    for name, m in found.items():
        print(f"{name}  ({m.config.__name__}) — {m.description}")
        for row in _schema_fields(m.config):
            print(f"    {row['key']:<28} {row['type']:<22} = {row['default']!r}")
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from graphlab.data import commands

    return commands.dispatch(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="graphlab", description=__doc__.splitlines()[0])
    from graphlab import __version__

    parser.add_argument("--version", action="version", version=f"graphlab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run one experiment (config × seeds)")
    p.add_argument("config", help="experiment YAML, e.g. configs/graphlab/gnn/cora.yaml")
    p.add_argument("overrides", nargs="*", default=[], help="key=value overrides, e.g. trainer.seeds=10 model.name=gat")
    p.add_argument("--out", help="output folder (default runs/<method>-<dataset>-<time>)")
    p.add_argument("--resume", action="store_true", help="continue a killed run in --out")
    p.add_argument("--data-root", help="data root (default $GRAPHLAB_DATA, else ./datasets)")
    p.add_argument("--quiet", action="store_true", help="no progress bars or table")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("sweep", help="run a grid × seeds; resumes where a killed sweep stopped")
    p.add_argument("sweep", help="sweep YAML, e.g. configs/sweeps/gnn-planetoid.yaml")
    p.add_argument("--out", help="output folder (default: the sweep's 'out')")
    p.add_argument("--data-root", help="data root")
    p.add_argument("--only", action="append", metavar="GLOB",
                   help="run only the runs whose folder name matches (repeatable), e.g. 'cora-*'")
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser("report", help="leaderboard table and plots over all runs under a folder")
    p.add_argument("runs", help="folder holding run directories")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("methods", help="registered methods and their config schemas")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_methods)

    from graphlab.data import commands

    commands.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # overrides may also follow options: graphlab run c.yaml --out o trainer.seeds=3
        if args.command == "run" and all("=" in x and not x.startswith("-") for x in extra):
            args.overrides = [*args.overrides, *extra]
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.func(args) or 0)
    except GraphlabError as e:
        print(f"graphlab: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("graphlab: interrupted (rerun with --resume to continue)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
