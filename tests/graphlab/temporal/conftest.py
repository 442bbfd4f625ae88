"""The temporal tests run torch on one thread: on a shared 2-core machine, OpenMP's spinning threads slow small
tensor ops by one to two orders of magnitude when another process holds a core."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
