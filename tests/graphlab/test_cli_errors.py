"""Bad input ends with exit code 2 and exactly one ``graphlab: error: …`` line on stderr, never a traceback.

Each case drives ``graphlab.cli.main`` in-process; two more run ``python -m graphlab`` to check the real
console exit code.  The NaN guard is checked through the ``gnn`` method and through a test-only method.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
import yaml

from graphlab.cli import main
from graphlab.config import ExperimentConfig
from graphlab.experiment import SeedContext, SeedResult
from graphlab.registry import register_method
from graphlab.training import fit

REPO = Path(__file__).resolve().parents[2]

# a tiny embedded dataset: every run below takes well under a second once torch is imported
TINY = {"method": "gnn",
        "dataset": {"name": "csbm", "params": {"nodes": 300, "features": 16, "valid": 80}},
        "model": {"name": "gcn", "hidden": 16},
        "trainer": {"epochs": 3, "patience": 100, "device": "cpu"}}


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setenv("GRAPHLAB_PROGRESS", "0")


def write_yaml(path: Path, obj: object) -> Path:
    path.write_text(yaml.safe_dump(obj, sort_keys=False))
    return path


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """``main(argv)`` → (exit code, stdout, stderr); an escaping exception would be a traceback on the console."""
    capsys.readouterr()  # drop anything printed by the test's own setup
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as e:  # argparse-level errors
        rc = e.code
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"graphlab {' '.join(map(str, argv))} raised {type(e).__name__}: {e} "
                    f"(the console would show a traceback)")
    out, err = capsys.readouterr()
    return rc, out, err


def assert_one_line_error(rc: int, out: str, err: str, *needles: str) -> str:
    assert "Traceback" not in err and "Traceback" not in out
    assert rc == 2, f"exit code {rc}, stderr: {err!r}"
    lines = err.splitlines()
    assert len(lines) == 1, f"expected exactly one stderr line, got {len(lines)}: {err!r}"
    line = lines[0]
    assert line.startswith("graphlab: error:") and line.strip() != "graphlab: error:", line
    for needle in needles:
        assert needle in line, f"{needle!r} missing from {line!r}"
    return line


# --------------------------------------------------------------------------- in-process cases
# Each case: setup(tmp_path, base_config_path) -> (argv, needles the error line must contain).
Case = Callable[[Path, Path], tuple[list[str], list[str]]]


def _unknown_override_key(tmp: Path, base: Path):
    return ["run", base, "model.hiden=32", "--out", tmp / "r"], ["model.hiden", "did you mean 'model.hidden'"]


def _unknown_yaml_key(tmp: Path, base: Path):
    cfg = write_yaml(tmp / "typo.yaml", {**TINY, "trainer": {**TINY["trainer"], "pateince": 5}})
    return ["run", cfg, "--out", tmp / "r"], ["typo.yaml", "trainer.pateince", "did you mean 'trainer.patience'"]


def _wrong_type(tmp: Path, base: Path):
    return ["run", base, "trainer.seeds=abc", "--out", tmp / "r"], ["trainer.seeds", "abc"]


def _out_of_range(tmp: Path, base: Path):
    return ["run", base, "trainer.lr=-1", "--out", tmp / "r"], ["trainer.lr", "out of range"]


def _malformed_override(tmp: Path, base: Path):
    return ["run", base, "trainer.seeds", "--out", tmp / "r"], ["'trainer.seeds'", "key=value"]


def _missing_config_file(tmp: Path, base: Path):
    return ["run", tmp / "nosuch.yaml", "--out", tmp / "r"], ["nosuch.yaml", "not found"]


def _invalid_yaml(tmp: Path, base: Path):
    bad = tmp / "broken.yaml"
    bad.write_text("method: gnn\nmodel:\n  name: gcn\n  hidden: [16\ntrainer:\n  epochs: 3\n")
    return ["run", bad, "--out", tmp / "r"], [f"{bad}:5:", "invalid YAML"]  # where the parser gives up


def _invalid_yaml_line(tmp: Path, base: Path):
    bad = tmp / "tabs.yaml"
    bad.write_text("method: gnn\ntrainer:\n  epochs: 3\n\tlr: 0.1\n")  # a tab on line 4
    return ["run", bad, "--out", tmp / "r"], [f"{bad}:4:", "invalid YAML"]


def _unknown_method(tmp: Path, base: Path):
    return ["run", base, "method=gnnn", "--out", tmp / "r"], ["unknown method 'gnnn'", "did you mean 'gnn'"]


def _unknown_model(tmp: Path, base: Path):
    return ["run", base, "model.name=gcm", "--out", tmp / "r"], ["model.name", "'gcm'", "did you mean 'gcn'"]


def _unknown_dataset(tmp: Path, base: Path):
    return ["run", base, "dataset.name=coraa", "--out", tmp / "r"], ["unknown dataset 'coraa'", "'cora'"]


def _missing_dataset(tmp: Path, base: Path):
    empty = tmp / "empty-root"
    empty.mkdir()
    return (["run", base, "dataset.name=cora", "--data-root", empty, "--out", tmp / "r", "--quiet"],
            [str(empty / "planetoid_cora"), "graphlab data fetch cora"])


def _unwritable_out(tmp: Path, base: Path):
    blocker = tmp / "file.txt"
    blocker.write_text("a regular file, not a folder\n")
    return ["run", base, "--out", blocker / "run", "--quiet"], ["cannot write to output directory", "file.txt"]


def _report_on_empty_folder(tmp: Path, base: Path):
    empty = tmp / "no-runs"
    empty.mkdir()
    return ["report", empty], ["no runs", "no-runs"]


def _report_on_missing_folder(tmp: Path, base: Path):
    return ["report", tmp / "never-made"], ["never-made"]


def _data_info_unknown(tmp: Path, base: Path):
    return ["data", "info", "nosuch"], ["unknown dataset 'nosuch'"]


def _sweep_unknown_key(tmp: Path, base: Path):
    sweep = write_yaml(tmp / "sweep.yaml", {"grid": {"model.name": ["mlp"]}, "config": str(base), "seeds": 1,
                                            "outt": str(tmp / "s")})
    return ["sweep", sweep, "--out", tmp / "s"], ["sweep.yaml", "unknown key 'outt'"]


def _sweep_bad_grid_key(tmp: Path, base: Path):  # grid points are validated before any run starts
    sweep = write_yaml(tmp / "sweep.yaml", {"grid": {"model.hiden": [8, 16]}, "config": str(base), "seeds": 1})
    return ["sweep", sweep, "--out", tmp / "s"], ["model.hiden", "did you mean 'model.hidden'"]


def _fanouts_vs_layers(tmp: Path, base: Path):
    return (["run", base, "sampler.kind=neighbor", "sampler.fanouts=[5]", "--out", tmp / "r"],
            ["sampler.fanouts", "model.layers"])


def _unknown_split(tmp: Path, base: Path):
    return ["run", base, "dataset.split=nosuch", "--out", tmp / "r", "--quiet"], ["split 'nosuch'"]


def _unknown_csbm_param(tmp: Path, base: Path):
    return ["run", base, "dataset.params.bogus=1", "--out", tmp / "r", "--quiet"], ["dataset.params.bogus"]


CASES: dict[str, Case] = {
    "unknown-override-key": _unknown_override_key,
    "unknown-yaml-key": _unknown_yaml_key,
    "wrong-type": _wrong_type,
    "out-of-range": _out_of_range,
    "malformed-override": _malformed_override,
    "missing-config-file": _missing_config_file,
    "invalid-yaml": _invalid_yaml,
    "invalid-yaml-line": _invalid_yaml_line,
    "unknown-method": _unknown_method,
    "unknown-model": _unknown_model,
    "unknown-dataset": _unknown_dataset,
    "missing-dataset": _missing_dataset,
    "unwritable-out": _unwritable_out,
    "report-empty-folder": _report_on_empty_folder,
    "report-missing-folder": _report_on_missing_folder,
    "data-info-unknown": _data_info_unknown,
    "sweep-unknown-key": _sweep_unknown_key,
    "sweep-bad-grid-key": _sweep_bad_grid_key,
    "fanouts-vs-layers": _fanouts_vs_layers,
    "unknown-split": _unknown_split,
    "unknown-csbm-param": _unknown_csbm_param,
}


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write_yaml(tmp_path / "base.yaml", TINY)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_exit_2(case, tmp_path, base, capsys):
    argv, needles = CASES[case](tmp_path, base)
    assert_one_line_error(*run_cli(argv, capsys), *needles)


# Bad values that only the model classes / the data generator can judge: still one line, exit 2.
BAD_MODEL_AND_DATA_VALUES = {
    "hidden-0": (["model.hidden=0"], ["model.hidden"]),
    "layers-0": (["model.layers=0"], ["model.layers"]),
    "dropout-2": (["model.dropout=2"], ["model.dropout"]),
    "norm-foo": (["model.norm=foo"], ["model.norm"]),
    "sage-aggregator-foo": (["model.name=sage", "model.aggregator=foo"], ["model.aggregator"]),
    "gat-hidden-not-divisible-by-heads": (["model.name=gat", "model.hidden=10"], ["model.hidden", "heads"]),
    "csbm-nodes-abc": (["dataset.params.nodes=abc"], ["dataset.params.nodes"]),
    "csbm-no-test-nodes": (["dataset.params.valid=1000"], ["dataset.params.valid"]),
}


@pytest.mark.parametrize("case", list(BAD_MODEL_AND_DATA_VALUES))
def test_bad_model_and_data_values_are_one_line(case, tmp_path, base, capsys):
    overrides, needles = BAD_MODEL_AND_DATA_VALUES[case]
    argv = ["run", base, *overrides, "--out", tmp_path / "r", "--quiet"]
    assert_one_line_error(*run_cli(argv, capsys), *needles)


# --------------------------------------------------------------------------- an existing run folder
@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> tuple[Path, Path]:
    """(config, run dir) of one completed tiny run."""
    tmp = tmp_path_factory.mktemp("finished")
    cfg = write_yaml(tmp / "base.yaml", TINY)
    assert main(["run", str(cfg), "--out", str(tmp / "run"), "--quiet"]) == 0
    assert (tmp / "run" / "summary.json").is_file()
    return cfg, tmp / "run"


def test_existing_run_dir_needs_resume(finished_run, capsys):
    cfg, run = finished_run
    before = (run / "results.jsonl").read_bytes()
    assert_one_line_error(*run_cli(["run", cfg, "--out", run, "--quiet"], capsys), str(run), "--resume")
    assert (run / "results.jsonl").read_bytes() == before


def test_resume_with_a_different_config_is_refused(finished_run, capsys):
    cfg, run = finished_run
    before = (run / "results.jsonl").read_bytes(), (run / "config.yaml").read_bytes()
    line = assert_one_line_error(*run_cli(["run", cfg, "trainer.lr=0.1", "--out", run, "--resume", "--quiet"],
                                          capsys), "config.yaml", "differs")
    assert str(run) in line
    assert ((run / "results.jsonl").read_bytes(), (run / "config.yaml").read_bytes()) == before


def test_resume_with_the_same_config_and_more_seeds_is_accepted(finished_run, capsys):
    """Control for the case above: only a *different* config is refused (seeds may grow on resume)."""
    cfg, run = finished_run
    first = (run / "results.jsonl").read_text().splitlines()
    rc, _, err = run_cli(["run", cfg, "trainer.seeds=2", "--out", run, "--resume", "--quiet"], capsys)
    assert rc == 0, err
    lines = (run / "results.jsonl").read_text().splitlines()
    assert lines[0] == first[0] and [json.loads(x)["seed"] for x in lines] == [0, 1]


# --------------------------------------------------------------------------- real data (cora)
@pytest.mark.realdata
def test_corrupt_dataset_file_is_refused(data_root, tmp_path, base, capsys):
    root = tmp_path / "root"
    shutil.copytree(data_root / "planetoid_cora", root / "planetoid_cora")
    target = root / "planetoid_cora" / "ind.cora.x"
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    target.write_bytes(bytes(raw))
    argv = ["run", base, "dataset.name=cora", "--data-root", root, "--out", tmp_path / "r", "--quiet"]
    assert_one_line_error(*run_cli(argv, capsys), str(target), "sha256", "graphlab data fetch cora")
    assert not (tmp_path / "r" / "results.jsonl").exists()


@pytest.mark.realdata
def test_truncated_dataset_file_is_refused_by_verify(data_root, tmp_path, capsys):
    root = tmp_path / "root"
    shutil.copytree(data_root / "planetoid_cora", root / "planetoid_cora")
    target = root / "planetoid_cora" / "ind.cora.graph"
    target.write_bytes(target.read_bytes()[:100])
    rc, out, err = run_cli(["data", "verify", "cora", "--data-root", root], capsys)
    assert_one_line_error(rc, out, err, "sha256")
    assert "ind.cora.graph" in out  # the per-file table on stdout names the bad file


# --------------------------------------------------------------------------- the real console
def _console(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GRAPHLAB_PROGRESS": "0", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "graphlab", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_console_config_error_exits_2(tmp_path, base):
    proc = _console(["run", base, "model.hiden=32", "--out", tmp_path / "r"], tmp_path)
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, "model.hiden", "'model.hidden'")


def test_console_missing_dataset_exits_2(tmp_path, base):
    empty = tmp_path / "empty-root"
    empty.mkdir()
    proc = _console(["run", base, "dataset.name=cora", "--data-root", empty, "--out", tmp_path / "r", "--quiet"],
                    tmp_path)
    assert_one_line_error(proc.returncode, proc.stdout, proc.stderr, str(empty), "graphlab data fetch cora")


# --------------------------------------------------------------------------- the NaN guard
def test_nan_loss_stops_the_gnn_run(tmp_path, base, capsys):
    """lr=1e30 blows the weights up after the first step; the second epoch's training loss is NaN.
    (eval_every=2: the loss guard itself fires; the test below covers the parameter guard.)"""
    argv = ["run", base, "trainer.lr=1e30", "trainer.eval_every=2", "trainer.seed=7", "trainer.epochs=10",
            "--out", tmp_path / "r", "--quiet"]
    line = assert_one_line_error(*run_cli(argv, capsys), "seed 7", "epoch 1", "nan")
    assert "trainer.lr" in line  # the hint names the knob
    assert not (tmp_path / "r" / "results.jsonl").exists()  # no record for the stopped seed


def test_nan_weights_with_evaluation_every_epoch(tmp_path, base, capsys):
    argv = ["run", base, "trainer.lr=1e30", "--out", tmp_path / "r", "--quiet"]
    assert_one_line_error(*run_cli(argv, capsys), "seed 0", "nan")


NAN_METHOD = "_test_cli_errors_nan_guard"


@dataclass
class NanGuardConfig(ExperimentConfig):
    method: str = NAN_METHOD
    nan_seed: int = 1  # the seed whose loss turns NaN …
    nan_epoch: int = 4  # … at this (0-based) epoch


@register_method(NAN_METHOD, config=NanGuardConfig)
def _nan_method(cfg: NanGuardConfig, ctx: SeedContext) -> SeedResult:
    """Test-only: a linear model whose reported loss becomes NaN at (nan_seed, nan_epoch)."""
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.trainer.lr)
    def train_epoch(epoch: int) -> float:
        return math.nan if (ctx.seed == cfg.nan_seed and epoch >= cfg.nan_epoch) else 1.0 / (epoch + 1)

    def evaluate() -> tuple[float, float]:
        return 0.5, 0.5

    res = fit(ctx, model, optimizer, train_epoch, evaluate, epochs=cfg.trainer.epochs,
              patience=cfg.trainer.patience)
    return SeedResult(metric="acc", valid=res.best_valid, test=res.best_test, epochs=res.epochs,
                      best_epoch=res.best_epoch)


def test_nan_loss_names_seed_and_epoch(tmp_path, capsys):
    cfg = write_yaml(tmp_path / "nan.yaml", {"method": NAN_METHOD, "nan_seed": 1, "nan_epoch": 4,
                                             "trainer": {"seeds": 3, "epochs": 8, "device": "cpu"}})
    run = tmp_path / "r"
    assert_one_line_error(*run_cli(["run", cfg, "--out", run, "--quiet"], capsys), "seed 1", "epoch 4", "nan")
    records = [json.loads(x) for x in (run / "results.jsonl").read_text().splitlines()]
    assert [r["seed"] for r in records] == [0]  # seed 0 finished; seed 1 stopped; seed 2 never started
