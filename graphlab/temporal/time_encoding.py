"""Time encodings φ(Δt) of temporal GNNs: a cosine of Δt at ``dim`` frequencies.

- :class:`LearnableTimeEncoding` (TGAT, Xu et al. ICLR 2020; TGL's ``TimeEncode``): φ(Δt) = cos(Δt·ω + b) with
  ω and b trained, ω initialised to 10^(−9·i/(d−1)), i = 0..d−1, and b = 0.
- :class:`FixedTimeEncoding` (GraphMixer, Cong et al. ICLR 2023): φ(Δt) = cos(Δt·ω) with ω_i = α^(−i/β),
  α = β = √d, never trained ("a fixed encoding makes training more stable", §3.1 of the paper).

Shapes: ``forward(dt)`` maps any (…) tensor of time differences (seconds, usually computed in float64 and
cast to float32 here) to (…, dim) float32.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class TimeEncoding(nn.Module):
    """Base: φ(Δt) = cos(Δt·ω + b) with (dim,) frequencies ``omega`` and phases ``phase``."""

    omega: torch.Tensor
    phase: torch.Tensor

    def __init__(self, dim: int) -> None:
        super().__init__()
        if dim < 1:
            raise ValueError(f"{type(self).__name__}: dim must be >= 1; got {dim}")
        self.dim = dim

    def forward(self, dt: torch.Tensor) -> torch.Tensor:
        dt = dt.to(self.omega.dtype).unsqueeze(-1)  # (…, 1)
        return torch.cos(dt * self.omega + self.phase)  # (…, dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LearnableTimeEncoding(TimeEncoding):
    """TGAT's time encoding: ω (init 10^(−9·i/(d−1))) and b (init 0) are parameters."""

    def __init__(self, dim: int) -> None:
        super().__init__(dim)
        init = torch.pow(10.0, -torch.linspace(0, 9, dim)) if dim > 1 else torch.ones(1)
        self.omega = nn.Parameter(init.float())
        self.phase = nn.Parameter(torch.zeros(dim))


class FixedTimeEncoding(TimeEncoding):
    """GraphMixer's time encoding: ω_i = α^(−i/β) with α = β = √d, no phase, no parameters (buffers only)."""

    def __init__(self, dim: int) -> None:
        super().__init__(dim)
        root = math.sqrt(dim)
        self.register_buffer("omega", torch.pow(root, -torch.arange(dim, dtype=torch.float32) / root))
        self.register_buffer("phase", torch.zeros(dim))
