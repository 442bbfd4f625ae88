"""Temporal sampling policies: which k of a root's ``count`` valid candidates to take.

A root's valid candidates are the first ``count`` entries of its T-CSR segment (the events strictly before
the root's time, oldest first). A policy maps the (R,) counts of a batch of roots to (R, k) offsets into
those candidates and an (R, k) mask, vectorised over all roots. Offsets under a False mask are any
value: ``positions`` turns them into the finder's padding position.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod

import torch


class SamplingPolicy(ABC):
    """Strategy interface of the neighbor finder."""

    @abstractmethod
    def select(self, count: torch.Tensor, k: int, generator: torch.Generator | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """``count`` (R,) int64 → (offsets (R, k) int64, in [0, count) where mask, mask (R, k) bool), on
        count's device."""

    def positions(self, start: torch.Tensor, count: torch.Tensor, k: int, pad: int,
                  generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(R, k) T-CSR positions ``start + offset`` of the picks (``pad`` on masked slots) and the mask."""
        offsets, mask = self.select(count, k, generator)
        return torch.where(mask, start.unsqueeze(1) + offsets, pad), mask


class RecentPolicy(SamplingPolicy):
    """The min(k, count) most recent candidates, oldest first, left-aligned; deterministic (TGL/GraphMixer
    ``recent``). Row i: offsets count_i − c_i, …, count_i − 1 with c_i = min(k, count_i), then padding."""

    def select(self, count: torch.Tensor, k: int, generator: torch.Generator | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        c = count.clamp(max=k)
        j = torch.arange(k, device=count.device)
        return (count - c).unsqueeze(1) + j, j < c.unsqueeze(1)

    def positions(self, start: torch.Tensor, count: torch.Tensor, k: int, pad: int,
                  generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """As ``select``, from two (k + 1, k) tables indexed by c = min(k, count): slot j of a row holds
        start + count − c + j while j < c, else ``pad`` (fewer (R, k) passes than comparing and selecting)."""
        c = count.clamp(max=k)
        steps, real = _recent_tables(k, count.device)
        pos = (start + count - c).unsqueeze(1) + steps.index_select(0, c)
        return pos.clamp_(max=pad), real.index_select(0, c)


@functools.lru_cache(maxsize=16)
def _recent_tables(k: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Row c of the (k + 1, k) tables: offsets j (a huge value from j = c on: clamped to the padding position) and
    the mask j < c."""
    j = torch.arange(k, device=device)
    real = j < torch.arange(k + 1, device=device).unsqueeze(1)
    return torch.where(real, j, 2**62), real


def uniform31(rows: int, k: int, generator: torch.Generator | None, device: torch.device) -> torch.Tensor:
    """(rows, k) int64 uniform in [0, 2^31): the two 31-bit halves of (rows, ceil(k / 2)) 62-bit draws
    (half the generator calls of one draw per slot)."""
    x = torch.randint(0, 2**62, (rows, (k + 1) // 2), generator=generator, device=device)
    return torch.cat((x & (2**31 - 1), x >> 31), dim=1)[:, :k]


def below(u: torch.Tensor, bound: torch.Tensor) -> torch.Tensor:
    """floor(u · bound / 2^31) for u from ``uniform31``: uniform in [0, bound) up to a bias ≤ bound / 2^31
    (Lemire's multiply-shift; 0 where bound = 0; exact in int64 for bound < 2^32)."""
    return (u * bound) >> 31


class UniformPolicy(SamplingPolicy):
    """k uniform draws among the valid candidates (TGAT/TGL ``uniform``).

    ``replace=True`` (default, as TGL and TGAT): k independent draws, so a root with count ≥ 1 fills all k
    slots (repeats possible) and a root with count 0 is fully masked. ``replace=False``: a root with
    count ≤ k takes all its candidates (oldest first, left-aligned, the rest masked); otherwise a uniformly
    random k-subset, drawn by Floyd's algorithm vectorised over roots (a loop over the k slots only).
    Draws are 31-bit integers from ``torch.randint`` on the counts' device with ``generator`` (which must
    live on that device), so a seed reproduces samples on one device but CPU and CUDA draw different streams.
    """

    def __init__(self, replace: bool = True) -> None:
        self.replace = replace

    def __repr__(self) -> str:
        return f"UniformPolicy(replace={self.replace})"

    def select(self, count: torch.Tensor, k: int, generator: torch.Generator | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        r, device = count.numel(), count.device
        u = uniform31(r, k, generator, device)
        if self.replace:
            return below(u, count.unsqueeze(1)), (count > 0).unsqueeze(1).expand(r, k).contiguous()
        j = torch.arange(k, device=device)
        few = count <= k
        n = count.clamp(min=k)  # Floyd: for slot i draw from [0, n − k + i]; on a repeat take n − k + i
        offsets = torch.empty((r, k), dtype=torch.int64, device=device)
        for i in range(k):
            top = n - k + i
            draw = below(u[:, i], top + 1)
            repeat = (offsets[:, :i] == draw.unsqueeze(1)).any(1)
            offsets[:, i] = torch.where(repeat, top, draw)
        offsets = torch.where(few.unsqueeze(1), j, offsets)
        return offsets, ~few.unsqueeze(1) | (j < count.unsqueeze(1))
