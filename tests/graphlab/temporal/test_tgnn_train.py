"""The tgnn method on tiny streams: config resolution, a training step that lowers the loss, training batches
without future neighbours, and the MRR/AP evaluation against hand-computed values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from graphlab.cli import load_experiment_config
from graphlab.data.temporal import event_stream
from graphlab.errors import ConfigError
from graphlab.experiment import Checkpointer, SeedContext
from graphlab.temporal import TCSR, EdgeFeatures, LinkPredictor, TemporalNeighborFinder
from graphlab.temporal.tgnn import LinkTrainer, build_trainer

TINY = {"method": "tgnn", "dataset": {"name": "temporal-sbm", "params": {"nodes": 60, "events": 1500, "edge_dim": 3}},
        "model": {"dim": 16, "time_dim": 8, "node_dim": 8, "dropout": 0.0},
        "trainer": {"batch_size": 200, "lr": 3e-3, "device": "cpu", "epochs": 1}}


def context(tmp_path: Path, seed: int = 0) -> SeedContext:
    return SeedContext(seed=seed, index=0, device=torch.device("cpu"), checkpoint=Checkpointer(tmp_path / "ck.pt"),
                       progress=lambda iterable=None, **kw: iterable)


def config(*overrides: str):
    return load_experiment_config(TINY, list(overrides))


def test_backbones_get_their_standard_sampler():
    tgat, mixer = config(), config("model.backbone=graphmixer")
    assert (tgat.sampler.policy, tgat.sampler.fanouts) == ("uniform", [10, 10])
    assert (mixer.sampler.policy, mixer.sampler.fanouts) == ("recent", [10])
    custom = config("sampler.fanouts=[5,5,5]", "sampler.policy=recent")
    assert custom.sampler.fanouts == [5, 5, 5] and custom.sampler.policy == "recent"


@pytest.mark.parametrize(("override", "message"), [
    ("model.backbone=tgatt", "did you mean 'tgat'"),
    ("sampler.fanouts=[10,10]", "graphmixer has one layer"),
    ("sampler.policy=latest", "sampler.policy"),
    ("model.heads=3", "multiple of model.heads"),
    ("trainer.batch_size=0", "trainer.batch_size"),
    ("cache.ratio=1.5", "cache.ratio"),
])
def test_config_errors_name_the_key(override, message):
    with pytest.raises(ConfigError, match=message):
        config("model.backbone=graphmixer", override) if "fanouts" in override else config(override)


@pytest.mark.parametrize("backbone", ["tgat", "graphmixer"])
def test_training_steps_lower_the_loss(tmp_path, backbone):
    torch.manual_seed(0)
    fanouts = "[5,5]" if backbone == "tgat" else "[5]"
    cfg = config(f"model.backbone={backbone}", "trainer.lr=0.01", f"sampler.fanouts={fanouts}")
    trainer = build_trainer(cfg, context(tmp_path))
    batch = trainer.make_batch(trainer.train_ids[-100:], trainer.generator(0))

    def loss() -> float:
        trainer.model.eval()
        with torch.no_grad():
            pos, neg = trainer.scores(batch)
        return float(nn.functional.softplus(-pos).mean() + nn.functional.softplus(neg).mean())

    before = loss()
    trainer.model.train()
    for _ in range(10):
        trainer.step(batch)
    assert loss() < 0.85 * before


def test_training_batch_neighbours_precede_their_events(tmp_path):
    trainer = build_trainer(config(), context(tmp_path))
    events = trainer.train_ids[-300:]
    batch = trainer.make_batch(events, trainer.generator(3))
    b = len(events)
    src, dst, t = trainer.src, trainer.dst, trainer.t
    assert batch.roots[:b].equal(src[events]) and batch.roots[b:2 * b].equal(dst[events])
    assert batch.times.equal(t[events].repeat(3))
    neg = batch.roots[2 * b:]
    assert (neg != dst[events]).all()
    times = batch.times
    for hop in batch.hops:
        assert hop.root_times.equal(times)
        m = hop.mask
        assert m.any() and (hop.times[m] < hop.root_times.unsqueeze(1).expand_as(m)[m]).all()
        assert (t[hop.eids[m]] == hop.times[m]).all()  # the time of the event actually sampled
        times = hop.times.reshape(-1)
    # a hop-2 neighbour precedes its hop-1 parent, which precedes the batch event: nothing from the future
    assert (batch.hops[1].times.view(3 * b, -1)[batch.hops[1].mask.view(3 * b, -1)].max() <= t[events].max())


def test_negatives_come_from_the_destination_side(tmp_path):
    rng = np.random.default_rng(0)
    n_users, n_items, e = 7, 5, 400
    src, dst = rng.integers(0, n_users, e), n_users + rng.integers(0, n_items, e)
    data = event_stream("bip", src, dst, np.sort(rng.random(e) * 1e4), np.zeros((e, 0), np.float32),
                        n_users + n_items, ((0, n_users), (n_users, n_users + n_items)), "test", valid_fraction=0.15,
                        test_fraction=0.15, negative_seed=0)
    finder = TemporalNeighborFinder(TCSR.from_dataset(data), "recent", [3])
    trainer = LinkTrainer(data, None, None, finder, EdgeFeatures(data.edge_feat, 0, "cpu"), torch.device("cpu"), 0)
    neg = trainer.negatives(trainer.dst, trainer.generator(0))
    assert ((neg >= n_users) & (neg < n_users + n_items)).all() and (neg != trainer.dst).all()
    assert torch.bincount(neg - n_users, minlength=n_items).min() > 0


class DestinationId(nn.Module):
    """Embeds a node as its id; scores a pair by the destination's id (so scores are known in advance)."""

    def __init__(self) -> None:
        super().__init__()
        self.predictor = lambda hs, hd: hd[..., 0]

    def embed(self, roots, hops, edge_features, trace=None):
        return roots.float().unsqueeze(1)


def test_evaluation_mrr_and_ap_by_hand():
    # 6 events between 10 nodes; valid = events 2, 3 and test = events 4, 5 with hand-picked negatives
    src, dst = np.array([0, 1, 0, 1, 2, 4]), np.array([1, 2, 5, 3, 6, 8])
    data = event_stream("hand", src, dst, np.arange(6.0), np.zeros((6, 0), np.float32), 10, ((0, 10), (0, 10)),
                        "test", valid_fraction=2 / 6, test_fraction=2 / 6, negative_seed=0)
    assert data.boundaries == (2, 4)
    data.negatives["valid"] = torch.tensor([[1, 7, 5], [0, 1, 2]])  # dst 5: ranks 1 + (1 + 2)/2 = 2.5; dst 3: 1
    data.negatives["test"] = torch.tensor([[6, 6, 9, 1], [9, 9, 2, 3]])  # dst 6: 1 + (1 + 3)/2 = 3; dst 8: 3
    finder = TemporalNeighborFinder(TCSR.from_dataset(data), "recent", [2])
    trainer = LinkTrainer(data, DestinationId(), None, finder, EdgeFeatures(data.edge_feat, 2, "cpu"),
                          torch.device("cpu"), 0, eval_roots=5)  # one event per evaluation batch
    valid, test = trainer.evaluate("valid"), trainer.evaluate("test")
    assert valid.events == 2 and math.isclose(valid.mrr, (1 / 2.5 + 1) / 2, rel_tol=1e-6)
    assert math.isclose(test.mrr, (1 / 3 + 1 / 3) / 2, rel_tol=1e-6)
    # AP over scores pos {5, 3}, neg {1, 7, 5, 0, 1, 2}: thresholds 7 (P 0, R 0), 5 (P 1/3, R 1/2), 3 (P 1/2, R 1)
    assert math.isclose(valid.ap, 0.5 * (1 / 3) + 0.5 * 0.5, rel_tol=1e-6)


def test_link_predictor_is_the_scorer_of_built_models(tmp_path):
    trainer = build_trainer(config("model.backbone=graphmixer"), context(tmp_path))
    assert isinstance(trainer.model.predictor, LinkPredictor)
    assert trainer.edges.dim == 3 and trainer.edges.cache is not None
