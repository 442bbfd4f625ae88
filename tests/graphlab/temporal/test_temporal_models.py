"""Time encodings, TGAT, GraphMixer and the edge scorer: shapes, masks, slot order, parameters."""

from __future__ import annotations

import pytest
import torch

from graphlab.temporal import (
    TGAT,
    Block,
    FixedTimeEncoding,
    GraphMixer,
    LearnableTimeEncoding,
    LinkPredictor,
    NodeInput,
)
from graphlab.temporal.graphmixer import most_recent_first


def random_block(g: torch.Generator, r: int, k: int, edge_dim: int, fill: float = 0.7) -> Block:
    """A left-aligned block: row i has its first c_i slots real."""
    count = torch.randint(0, k + 1, (r,), generator=g)
    mask = torch.arange(k) < count.unsqueeze(1)
    mask[0] = True  # at least one full row
    return Block(nodes=torch.randint(0, 20, (r, k), generator=g) * mask,
                 dt=torch.rand(r, k, generator=g).mul(1e4) * mask, mask=mask,
                 edge=torch.randn(r, k, edge_dim, generator=g) * mask.unsqueeze(-1))


def scramble_padding(block: Block, g: torch.Generator) -> Block:
    """The same block with garbage in every padded slot."""
    pad = ~block.mask
    return Block(nodes=block.nodes, dt=torch.where(pad, torch.rand(block.dt.shape, generator=g) * 1e5, block.dt),
                 mask=block.mask, edge=torch.where(pad.unsqueeze(-1), torch.randn(block.edge.shape, generator=g),
                                                   block.edge))


def test_time_encodings():
    learn, fixed = LearnableTimeEncoding(8), FixedTimeEncoding(8)
    dt = torch.tensor([[0.0, 1.0], [1e3, 1e8]], dtype=torch.float64)
    assert learn(dt).shape == (2, 2, 8) and fixed(dt).dtype == torch.float32
    assert torch.allclose(learn(torch.zeros(3)), torch.ones(3, 8)) and torch.allclose(fixed(torch.zeros(1)), torch.ones(1, 8))
    assert sum(p.numel() for p in learn.parameters()) == 16 and not list(fixed.parameters())
    root = 8 ** 0.5
    assert torch.allclose(fixed.omega, root ** -(torch.arange(8) / root))  # ω_i = √d^(−i/√d)
    with pytest.raises(ValueError, match="dim"):
        FixedTimeEncoding(0)


@pytest.mark.parametrize("node_dim", [0, 6])
def test_tgat_shapes_and_masks(node_dim):
    g = torch.Generator().manual_seed(0)
    r, k1, k2, edge_dim = 5, 3, 2, 4
    net = TGAT(node_dim, edge_dim, dim=8, time_dim=6, layers=2, heads=2, dropout=0.0).eval()
    blocks = [random_block(g, r, k1, edge_dim), random_block(g, r * k1, k2, edge_dim)]
    x = [torch.randn(n, node_dim, generator=g) for n in (r, r * k1, r * k1 * k2)]
    out = net(x, blocks)
    assert out.shape == (5, 8) and torch.isfinite(out).all()
    # whatever sits in padded slots (their features, times, the subtrees below them) changes nothing
    noisy = [scramble_padding(b, g) for b in blocks]
    x_noisy = [x[0], x[1] + 5 * (~blocks[0].mask).reshape(-1, 1), x[2] + 5 * (~blocks[1].mask).reshape(-1, 1)]
    assert torch.allclose(net(x_noisy, noisy), out, atol=1e-5)
    # attention is a set function of the real slots: permuting them changes nothing
    perm = torch.tensor([1, 0, 2])
    b0 = blocks[0]
    swapped = Block(nodes=b0.nodes[:, perm], dt=b0.dt[:, perm], mask=b0.mask[:, perm], edge=b0.edge[:, perm])
    x1 = x[1].view(r, k1, -1)
    b1 = blocks[1]
    sub = lambda t: t.view(r, k1, *t.shape[1:])[:, perm].reshape(t.shape)  # noqa: E731
    x2 = x[2].view(r, k1, k2, -1)[:, perm].reshape(x[2].shape)
    swapped1 = Block(nodes=sub(b1.nodes), dt=sub(b1.dt), mask=sub(b1.mask), edge=sub(b1.edge))
    out_p = net([x[0], x1[:, perm].reshape(x[1].shape), x2], [swapped, swapped1])
    assert torch.allclose(out_p, out, atol=1e-5)


def test_tgat_checks_hops():
    net = TGAT(0, 0, dim=4, time_dim=4, layers=2, heads=2)
    g = torch.Generator().manual_seed(0)
    with pytest.raises(ValueError, match="sampler.fanouts"):
        net([torch.zeros(3, 0), torch.zeros(6, 0)], [random_block(g, 3, 2, 0)])
    with pytest.raises(ValueError, match="multiple of heads"):
        TGAT(0, 0, dim=5, heads=2)


def test_tgat_without_neighbours_is_a_function_of_the_node_alone():
    net = TGAT(3, 0, dim=4, time_dim=4, layers=1, heads=2, dropout=0.0).eval()
    empty = Block(nodes=torch.zeros(2, 3, dtype=torch.long), dt=torch.zeros(2, 3), mask=torch.zeros(2, 3, dtype=torch.bool),
                  edge=torch.zeros(2, 3, 0))
    x0 = torch.randn(1, 3).expand(2, 3)
    out = net([x0, torch.randn(6, 3)], [empty])
    assert torch.allclose(out[0], out[1])


@pytest.mark.parametrize("node_dim", [0, 5])
def test_graphmixer_shapes_masks_and_order(node_dim):
    g = torch.Generator().manual_seed(1)
    r, k, edge_dim = 6, 4, 3
    net = GraphMixer(node_dim, edge_dim, tokens=k, dim=8, time_dim=6, dropout=0.0).eval()
    b = random_block(g, r, k, edge_dim)
    x = [torch.randn(r, node_dim, generator=g), torch.randn(r * k, node_dim, generator=g)]
    out = net(x, [b])
    assert out.shape == (6, 8)
    x_noisy = [x[0], x[1] + 3 * (~b.mask).reshape(-1, 1)]
    assert torch.allclose(net(x_noisy, [scramble_padding(b, g)]), out, atol=1e-5)
    with pytest.raises(ValueError, match="sampler.fanouts"):
        net(x, [b, b])


def test_most_recent_first_reverses_the_real_slots():
    mask = torch.tensor([[True, True, True, False], [True, False, False, False], [False] * 4])
    dt = torch.tensor([[30.0, 20.0, 10.0, 0.0], [5.0, 0.0, 0.0, 0.0], [0.0] * 4])  # oldest first
    b = most_recent_first(Block(nodes=torch.arange(12).view(3, 4), dt=dt, mask=mask, edge=torch.zeros(3, 4, 0)))
    assert b.dt.tolist() == [[10.0, 20.0, 30.0, 0.0], [5.0, 0.0, 0.0, 0.0], [0.0] * 4]
    assert b.nodes.tolist()[0] == [2, 1, 0, 3] and b.mask.equal(mask)


def test_link_predictor_pairs_and_candidates():
    torch.manual_seed(0)
    p = LinkPredictor(6)
    hs, hd = torch.randn(4, 6), torch.randn(4, 5, 6)
    many = p(hs, hd)
    assert many.shape == (4, 5) and p(hs, hd[:, 2]).shape == (4,)
    assert torch.allclose(p(hs, hd[:, 2]), many[:, 2], atol=1e-6)
    with pytest.raises(ValueError, match="h_dst"):
        p(hs, torch.randn(6))


def test_node_input_kinds():
    learned, zeros = NodeInput(10, "learned", 4), NodeInput(10, "zeros", 4)
    ids = torch.tensor([[1, 2], [3, 9]])
    assert learned(ids).shape == (2, 2, 4) and zeros(ids).shape == (2, 2, 0)
    assert not list(zeros.parameters())
    with pytest.raises(ValueError, match="kind"):
        NodeInput(3, "random")
