"""TASER: Gumbel top-k draws, the adaptive sampler as a SamplingPolicy, adaptive multi-hop sampling without
future leaks, the co-training losses, adaptive mini-batches, and tgnn equivalence with both parts off."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

import graphlab
from graphlab.cli import load_experiment_config, main
from graphlab.data import temporal_sbm
from graphlab.errors import ConfigError
from graphlab.experiment import Checkpointer, SeedContext
from graphlab.temporal import TCSR, EdgeFeatures, SamplingPolicy, TemporalNeighborFinder
from graphlab.temporal.taser import (
    AdaptiveBatches,
    AdaptiveNeighborFinder,
    AdaptiveSampler,
    build_taser_trainer,
    gumbel_top_k,
    mixer_sampler_loss,
    tgat_sampler_loss,
)

REPO = Path(__file__).resolve().parents[3]
TINY = {"dataset": {"name": "temporal-sbm", "params": {"nodes": 50, "events": 900, "edge_dim": 2}},
        "model": {"dim": 16, "time_dim": 8, "node_dim": 8, "dropout": 0.0},
        "trainer": {"batch_size": 150, "lr": 3e-3, "device": "cpu", "epochs": 2}}
SMALL = ["taser.scope=6", "taser.dim_feat=8", "taser.dim_encode=8", "taser.dim_embed=8"]


def test_gumbel_top_k_draws_without_replacement_from_the_softmax():
    g = torch.Generator().manual_seed(0)
    logits = torch.tensor([[0.0, 1.0, 2.0, -math.inf], [0.0, -math.inf, -math.inf, -math.inf]])
    offsets, mask = gumbel_top_k(logits, 3, g)
    assert mask.tolist() == [[True] * 3, [True, False, False]] and offsets[1, 0] == 0
    assert sorted(offsets[0].tolist()) == [0, 1, 2]  # all three available slots, each once
    first = gumbel_top_k(logits[:1].expand(20000, 4), 1, g)[0].view(-1)
    freq = torch.bincount(first, minlength=4).float() / 20000
    assert torch.allclose(freq[:3], torch.softmax(logits[0, :3], 0), atol=0.015) and freq[3] == 0


def test_adaptive_sampler_is_a_sampling_policy():
    sampler = AdaptiveSampler(0, scope=8, dim_feat=4, dim_encode=4, dim_embed=4)
    assert isinstance(sampler, SamplingPolicy)
    count = torch.tensor([0, 2, 5, 8])
    offsets, mask = sampler.select(count, 3, torch.Generator().manual_seed(1))
    assert mask.sum(1).tolist() == [0, 2, 3, 3]
    assert all((offsets[i][mask[i]] < count[i]).all() for i in range(4))
    assert all(len(set(offsets[i][mask[i]].tolist())) == int(mask[i].sum()) for i in range(4))


@pytest.mark.parametrize(("identity", "mixer"), [(False, False), (True, True)])
def test_adaptive_finder_hops_precede_their_roots(identity, mixer):
    data = temporal_sbm(nodes=40, events=600, edge_dim=3)
    tcsr = TCSR.from_dataset(data)
    edges = EdgeFeatures(data.edge_feat, data.boundaries[0], "cpu")
    sampler = AdaptiveSampler(3, scope=7, dim_feat=4, dim_encode=4, dim_embed=4, identity_encode=identity, mixer=mixer)
    finder = AdaptiveNeighborFinder(TemporalNeighborFinder(tcsr, "uniform", [7]), sampler, [4, 3], edges)
    roots, times = data.src[300:360], data.t[300:360]
    hops, log_pis = finder.sample(roots, times, torch.Generator().manual_seed(2))
    assert [tuple(h.mask.shape) for h in hops] == [(60, 4), (240, 3)]
    for hop, lp in zip(hops, log_pis, strict=True):
        m = hop.mask
        assert (hop.times[m] < hop.root_times.unsqueeze(1).expand_as(m)[m]).all()  # no future leak
        assert (data.t[hop.eids[m]] == hop.times[m]).all()
        assert (lp[m] <= 0).all() and (lp[~m] == 0).all() and torch.isfinite(lp).all()
        assert (m.int().diff(dim=1) <= 0).all()  # left-aligned
        t = torch.where(m, hop.times, torch.full_like(hop.times, math.inf))
        assert (t.diff(dim=1)[m[:, 1:]] >= 0).all()  # oldest first
    lp_sum = sum(lp.sum() for lp in log_pis)
    lp_sum.backward()
    assert sampler.w_k.weight.grad is not None and torch.isfinite(sampler.w_k.weight.grad).all()


def test_sampler_losses_are_linear_in_log_pi_and_ignore_padding():
    g = torch.Generator().manual_seed(3)
    n, k, heads, dh = 5, 4, 2, 3
    mask = torch.rand(n, k, generator=g) > 0.3
    mask[0] = False  # a target without neighbours
    agg = torch.randn(n, heads * dh, generator=g, requires_grad=True)
    (agg * torch.randn(agg.shape, generator=g)).sum().backward()
    att = torch.softmax(torch.randn(n, k, heads, generator=g).masked_fill(~mask.unsqueeze(-1), -1e9), 1) * mask.unsqueeze(-1)
    trace = {0: {"logits": torch.randn(n, k, heads, generator=g), "att": att, "agg": agg,
                 "value": torch.randn(n, k, heads, dh, generator=g)}}
    log_pi = (-torch.rand(n, k, generator=g)).masked_fill(~mask, 0).requires_grad_()
    loss = tgat_sampler_loss(trace, [log_pi], [mask])
    assert torch.isfinite(loss)
    assert torch.allclose(tgat_sampler_loss(trace, [2 * log_pi], [mask]), 2 * loss)
    loss.backward()
    assert (log_pi.grad[~mask] == 0).all() and log_pi.grad[mask].abs().sum() > 0
    linear = torch.nn.Linear(k, 2)
    u = torch.randn(n, 6, k, generator=g)
    hidden = linear(u).detach().requires_grad_()
    (hidden ** 2).sum().backward()
    mixer_trace = {"input": u, "hidden": hidden, "linear": linear, "order": torch.arange(k).expand(n, k)}
    m_loss = mixer_sampler_loss(mixer_trace, [log_pi.detach()], [mask])
    assert torch.isfinite(m_loss) and linear.weight.grad is None


def test_adaptive_batches_down_weight_unfit_events():
    sel = AdaptiveBatches(4, floor=0.1)
    g = torch.Generator().manual_seed(0)
    assert sorted(sel.order(0, g).tolist()) == [0, 1, 2, 3]
    sel.update(torch.tensor([0, 1, 2, 3]), torch.tensor([8.0, 8.0, -8.0, 0.0]))
    assert torch.allclose(sel.probabilities(), torch.tensor([1.1, 1.1, 0.1, 0.6]) / 2.9, atol=1e-3)
    draws = torch.cat([sel.order(1, g) for _ in range(500)])
    freq = torch.bincount(draws, minlength=4).float() / draws.numel()
    assert torch.allclose(freq, sel.probabilities(), atol=0.02)
    assert {"score", "trained"} <= set(sel.state_dict())


def test_config_resolution_and_errors():
    cfg = load_experiment_config({"method": "taser", "model": {"backbone": "graphmixer"}}, [])
    assert cfg.taser.scope_policy == "recent" and cfg.sampler.fanouts == [10] and cfg.taser.adaptive_neighbors
    assert load_experiment_config({"method": "taser"}, []).taser.scope_policy == "uniform"
    with pytest.raises(ConfigError, match="taser.scope"):
        load_experiment_config({"method": "taser"}, ["taser.scope=5"])
    with pytest.raises(ConfigError, match="taser.scope_policy"):
        load_experiment_config({"method": "taser"}, ["taser.scope_policy=newest"])


@pytest.mark.parametrize("backbone", ["graphmixer", "tgat"])
def test_both_switches_off_equals_tgnn(tmp_path, backbone):
    over = [f"model.backbone={backbone}"] + (["sampler.fanouts=[4,4]"] if backbone == "tgat" else [])
    tgnn = graphlab.run({**TINY, "method": "tgnn"}, over, out=tmp_path / "tgnn")
    taser = graphlab.run({**TINY, "method": "taser"}, [*over, "taser.adaptive_neighbors=false",
                                                       "taser.adaptive_batches=false"], out=tmp_path / "taser")
    assert taser["valid"] == tgnn["valid"] and taser["test"] == tgnn["test"]
    assert taser["extra"]["ap"] == tgnn["extra"]["ap"] and taser["extra"]["variant"] == "taser-off"
    curves = [json.loads((tmp_path / m / "results.jsonl").read_text())["curves"] for m in ("tgnn", "taser")]
    assert curves[0] == curves[1]


@pytest.mark.parametrize(("backbone", "neighbors", "batches", "variant"), [
    ("graphmixer", True, True, "taser"), ("tgat", True, True, "taser"),
    ("graphmixer", False, True, "taser-no-neighbors"), ("tgat", True, False, "taser-no-batches")])
def test_taser_variants_train(tmp_path, backbone, neighbors, batches, variant):
    over = [f"model.backbone={backbone}", f"taser.adaptive_neighbors={neighbors}",
            f"taser.adaptive_batches={batches}", *SMALL,
            "sampler.fanouts=" + ("[4,3]" if backbone == "tgat" else "[5]")]
    s = graphlab.run({**TINY, "method": "taser"}, over, out=tmp_path / "run")
    assert s["extra"]["variant"] == variant and 0 < s["test"]["mean"] <= 1 and math.isfinite(s["extra"]["ap"])
    assert ("sampler_loss" in s["extra"]) == neighbors
    if neighbors:
        assert math.isfinite(s["extra"]["sampler_loss"])


def test_sampler_learns_and_is_checkpointed_with_the_model(tmp_path):
    cfg = load_experiment_config({**TINY, "method": "taser"}, [*SMALL, "sampler.fanouts=[4,3]"])
    ctx = SeedContext(seed=0, index=0, device=torch.device("cpu"), checkpoint=Checkpointer(tmp_path / "ck.pt"),
                      progress=lambda iterable=None, **kw: iterable)
    trainer = build_taser_trainer(cfg, ctx)
    state = {k: v.clone() for k, v in trainer.model.state_dict().items() if k.startswith("sampler.")}
    assert state and any(k.startswith("batch_selector.") for k in trainer.model.state_dict())
    assert len(trainer.optimizer.param_groups) == 2 and trainer.optimizer.param_groups[1]["lr"] == 1e-4
    trainer.model.train()
    trainer.train_epoch(0)
    after = trainer.model.state_dict()
    assert any(not torch.equal(after[k], v) for k, v in state.items())  # the sampler's parameters moved
    assert bool(after["batch_selector.trained"])


@pytest.mark.realdata
@pytest.mark.slow
def test_taser_graphmixer_on_collegemsg_beats_random(data_root, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    out = tmp_path / "run"
    code = main(["run", "configs/graphlab/taser/graphmixer/collegemsg.yaml", "trainer.epochs=1",
                 "trainer.max_train_events=6000", "trainer.max_eval_events=800", "trainer.device=cpu", "--quiet",
                 "--data-root", str(data_root), "--out", str(out)])
    assert code == 0
    s = json.loads((out / "summary.json").read_text())
    print(s["test"], s["extra"]["ap"])
    assert s["method"] == "taser" and s["test"]["mean"] > 0.3, s
