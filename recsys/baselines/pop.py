"""Popularity: every user gets the items with the most training interactions."""

from __future__ import annotations

import torch

from recsys.engine import Recommender


class Popularity(Recommender):
    """s(u, i) = #training interactions of item i, the same for every user."""

    def __init__(self, popularity: torch.Tensor):
        super().__init__()
        self.register_buffer("popularity", popularity.float())

    def scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        return self.popularity.expand(len(users), -1)
