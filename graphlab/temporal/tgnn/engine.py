"""Training and evaluation of temporal link prediction over an event stream (the epoch bodies ``fit`` runs).

Training: the training events in chronological mini-batches; per event, the source, the destination and one
random negative (uniform over the destination side, never the true destination) are embedded at the event's
time from neighbours sampled strictly before it; loss = BCE(s(src, dst), 1) + BCE(s(src, neg), 0).
Evaluation: each validation (test) event's positive score against its 9 (49) stored negatives → MRR with
tie-averaged ranks, and AP over all positives and negatives as one binary problem.

Extension points (TASER): :meth:`LinkTrainer.sample` (the neighbour sampler), :meth:`LinkTrainer.batches`
(the mini-batch order) and :meth:`LinkTrainer.step` (one optimisation step).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from graphlab.data import TemporalDataset
from graphlab.eval import average_precision, mrr
from graphlab.temporal.features import EdgeFeatures
from graphlab.temporal.finder import Hop, TemporalNeighborFinder
from graphlab.temporal.tgnn.model import TemporalLinkModel
from graphlab.training import check_finite_outputs


@dataclass
class LinkScores:
    """Scores of one split: ``mrr`` and ``ap`` over ``events`` events."""

    mrr: float
    ap: float
    events: int


@dataclass
class Batch:
    """One training mini-batch: ``events`` (B,) ids, ``roots`` (3B,) = [src ‖ dst ‖ neg] at ``times`` (3B,),
    their sampled ``hops``."""

    events: torch.Tensor
    roots: torch.Tensor
    times: torch.Tensor
    hops: list[Hop]


class LinkTrainer:
    """Holds the stream on the compute device and runs epochs and evaluations of ``model``.

    Args:
        data: the event stream. model, optimizer: what is trained. finder: the neighbour sampler.
        edge_features: cached edge features. device: compute device. seed: seeds every sampling generator.
        batch_size: training events per mini-batch. eval_roots: embedded nodes per evaluation batch.
        max_train_events / max_eval_events: > 0 caps the training (last n) / evaluation (first n) events.
        progress: a tqdm factory (SeedContext.progress).
    """

    def __init__(self, data: TemporalDataset, model: TemporalLinkModel, optimizer: torch.optim.Optimizer,
                 finder: TemporalNeighborFinder, edge_features: EdgeFeatures, device: torch.device, seed: int,
                 batch_size: int = 600, eval_roots: int = 4000, max_train_events: int = 0, max_eval_events: int = 0,
                 progress: Callable[..., Any] | None = None) -> None:
        self.data, self.model, self.optimizer, self.finder = data, model, optimizer, finder
        self.edges, self.device, self.seed = edge_features, device, seed
        self.batch_size, self.eval_roots, self.max_eval_events = batch_size, eval_roots, max_eval_events
        self.progress = progress or (lambda iterable=None, **kw: iterable)
        self.src, self.dst, self.t = (x.to(device) for x in (data.src, data.dst, data.t))
        self.side = data.sides[1]
        train = data.events("train")
        self.train_ids = (train[-max_train_events:] if max_train_events else train).to(device)
        self.epoch_times: list[float] = []

    def generator(self, *key: int) -> torch.Generator:
        """A generator on the compute device seeded from (seed, *key): a resumed epoch redraws the same."""
        g = torch.Generator(device=self.device)
        return g.manual_seed(hash((self.seed, *key)) & (2**62 - 1))

    # -- extension points ------------------------------------------------------------------------------------
    def sample(self, roots: torch.Tensor, times: torch.Tensor, generator: torch.Generator) -> list[Hop]:
        """The sampled hops of ``roots`` at ``times`` (the backbone's standard sampler)."""
        return self.finder.sample(roots, times, generator)

    def batches(self, epoch: int) -> list[torch.Tensor]:
        """The epoch's mini-batches of training event ids: chronological chunks of ``batch_size``."""
        return list(self.train_ids.split(self.batch_size))

    def step(self, batch: Batch) -> float:
        """Forward, BCE loss, backward and update on one batch; returns the loss."""
        self.optimizer.zero_grad()
        pos, neg = self.scores(batch)
        loss = (F.binary_cross_entropy_with_logits(pos, torch.ones_like(pos))
                + F.binary_cross_entropy_with_logits(neg, torch.zeros_like(neg)))
        loss.backward()
        self.optimizer.step()
        return float(loss)

    # -- training --------------------------------------------------------------------------------------------
    def negatives(self, dst: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """One node per event, uniform over the destination side without the event's destination."""
        lo, hi = self.side
        r = torch.randint(0, hi - lo - 1, dst.shape, generator=generator, device=self.device)
        return lo + r + (r >= dst - lo).long()

    def make_batch(self, events: torch.Tensor, generator: torch.Generator) -> Batch:
        """Roots [src ‖ dst ‖ one negative] of ``events`` at their times, with sampled hops."""
        src, dst, t = self.src[events], self.dst[events], self.t[events]
        roots = torch.cat([src, dst, self.negatives(dst, generator)])
        times = t.repeat(3)
        return Batch(events=events, roots=roots, times=times, hops=self.sample(roots, times, generator))

    def scores(self, batch: Batch, trace: dict[str, Any] | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(positive logits (B,), negative logits (B,)) of a training batch."""
        h = self.model.embed(batch.roots, batch.hops, self.edges, trace=trace)
        hs, hd, hn = h.view(3, -1, h.shape[1]).unbind(0)
        return self.model.predictor(hs, hd), self.model.predictor(hs, hn)

    def train_epoch(self, epoch: int) -> float:
        """One pass over :meth:`batches`; returns the event-weighted mean loss and records the epoch time."""
        t0 = time.perf_counter()
        g = self.generator(epoch)
        total, count = 0.0, 0
        for events in self.progress(self.batches(epoch), desc=f"epoch {epoch}"):
            loss = self.step(self.make_batch(events, g))
            total, count = total + loss * len(events), count + len(events)
        self.edges.end_epoch()
        self.epoch_times.append(time.perf_counter() - t0)
        return total / max(count, 1)

    # -- evaluation ------------------------------------------------------------------------------------------
    @torch.no_grad()
    def evaluate(self, split: str) -> LinkScores:
        """MRR and AP of ``split`` (valid | test) against its stored negatives; sampling is seeded by the split
        alone, so the same model always gets the same scores."""
        events = self.data.events(split).to(self.device)
        negatives = self.data.negatives[split].to(self.device)
        if self.max_eval_events:
            events, negatives = events[: self.max_eval_events], negatives[: self.max_eval_events]
        k = negatives.shape[1]
        g = self.generator(-1, ("valid", "test").index(split))
        per_batch = max(1, self.eval_roots // (k + 2))
        pos_all, neg_all = [], []
        for ev, neg in self.progress(list(zip(events.split(per_batch), negatives.split(per_batch), strict=True)),
                                     desc=f"eval {split}"):
            b, t = len(ev), self.t[ev]
            roots = torch.cat([self.src[ev], self.dst[ev], neg.reshape(-1)])
            times = torch.cat([t, t, t.repeat_interleave(k)])
            h = self.model.embed(roots, self.sample(roots, times, g), self.edges)
            hs, hd, hn = h[:b], h[b:2 * b], h[2 * b:].view(b, k, -1)
            pos_all.append(self.model.predictor(hs, hd))
            neg_all.append(self.model.predictor(hs, hn))
        pos, neg = torch.cat(pos_all).cpu(), torch.cat(neg_all).cpu()
        check_finite_outputs(torch.cat([pos, neg.reshape(-1)]), self.seed)
        labels = torch.cat([torch.ones_like(pos), torch.zeros(neg.numel())])
        return LinkScores(mrr=mrr(pos, neg), ap=average_precision(labels, torch.cat([pos, neg.reshape(-1)])),
                          events=len(pos))
