"""Mean, convolution (GCN) and attention aggregation against their definitions; the graph classifier."""

from __future__ import annotations

import pytest
import torch

from mmlab.align import AGGREGATIONS, GraphClassifier, GraphLayer


def _graph(seed=0, n=5):
    gen = torch.Generator().manual_seed(seed)
    adj = torch.rand(2, n, n, generator=gen) < 0.5
    adj = adj | adj.transpose(1, 2)
    adj[:, torch.arange(n), torch.arange(n)] = False
    return torch.randn(2, n, 3, generator=gen), adj


def test_mean_aggregation_is_the_neighbour_average():
    h, adj = _graph()
    layer = GraphLayer(3, 4, "mean")
    out = layer(h, adj)
    for b in range(2):
        for i in range(5):
            nb = adj[b, i].nonzero().flatten()
            avg = layer.neighbour_map(h[b, nb]).mean(0) if len(nb) else torch.zeros(4)
            torch.testing.assert_close(out[b, i], torch.relu(layer.self_map(h[b, i]) + avg), atol=1e-6, rtol=1e-5)


def test_convolution_is_the_normalised_adjacency_product():
    h, adj = _graph(1)
    layer = GraphLayer(3, 4, "conv")
    a_hat = adj.float() + torch.eye(5)
    d = a_hat.sum(-1).rsqrt()
    expected = torch.relu(d[:, :, None] * a_hat * d[:, None, :] @ layer.weight(h))
    torch.testing.assert_close(layer(h, adj), expected, atol=1e-6, rtol=1e-5)


def test_attention_weights_live_on_the_graph_and_depend_on_the_receiver():
    h, adj = _graph(2)
    adj[0, 4] = False
    adj[0, :, 4] = False  # node 4 of graph 0 is isolated
    layer = GraphLayer(3, 4, "attention")
    out = layer(h, adj)
    w = layer.last_weights
    assert torch.all(w[~adj] == 0) and torch.isfinite(out).all()
    has = adj.any(-1)
    torch.testing.assert_close(w.sum(-1)[has], torch.ones(int(has.sum())))
    torch.testing.assert_close(out[0, 4], torch.relu(layer.self_map(h[0, 4])))  # no neighbours: no message
    full = torch.ones(1, 3, 3, dtype=torch.bool)
    layer(torch.randn(1, 3, 3), full)
    assert not torch.allclose(layer.last_weights[0, 0], layer.last_weights[0, 1])


@pytest.mark.parametrize("aggregation", AGGREGATIONS)
def test_layers_are_permutation_equivariant(aggregation):
    h, adj = _graph(3)
    layer = GraphLayer(3, 4, aggregation)
    perm = torch.tensor([2, 0, 4, 1, 3])
    out = layer(h, adj)
    out_perm = layer(h[:, perm], adj[:, perm][:, :, perm])
    torch.testing.assert_close(out_perm, out[:, perm], atol=1e-6, rtol=1e-5)


def test_classifier_shapes_and_bad_inputs():
    model = GraphClassifier(3, 4, hidden=8, aggregation="attention", n_layers=2)
    h, adj = _graph(4)
    assert model([h, adj]).shape == (2, 4) and model.last_weights.shape == (2, 5, 5)
    with pytest.raises(ValueError, match="aggregation"):
        GraphLayer(3, 4, "max")
    with pytest.raises(ValueError, match="adjacency"):
        GraphLayer(3, 4)(h, adj[:, :4])
    with pytest.raises(ValueError, match="n_classes"):
        GraphClassifier(3, 1)


@pytest.mark.slow
def test_attention_beats_mean_on_scene_graphs():
    import mmlab.align.experiments as ax

    run = ax.run_graph_aggregations(800, 400, epochs=15, random_state=0, device="cpu")
    assert run.accuracy["attention"] > 0.85 and run.accuracy["attention"] - run.accuracy["mean"] > 0.2
    assert run.referent_weight["mean"] == pytest.approx(1 / 6, abs=1e-6)
    assert run.referent_weight["conv"] == pytest.approx(1 / 7, abs=1e-6)  # 1 / sqrt(7 * 7): every node has degree 6


def test_graph_run_of_a_subset_of_aggregations_matches_the_full_run():
    import mmlab.align.experiments as ax

    full = ax.run_graph_aggregations(200, 100, epochs=2, random_state=3, device="cpu")
    part = ax.run_graph_aggregations(200, 100, epochs=2, aggregations=["attention"], random_state=3, device="cpu")
    assert list(part.accuracy) == ["attention"]
    assert part.accuracy["attention"] == full.accuracy["attention"]
    assert part.referent_weight["attention"] == full.referent_weight["attention"]
    for name in ("conv", (), "max"):
        with pytest.raises(ValueError, match="aggregations"):
            ax.run_graph_aggregations(200, 100, epochs=1, aggregations=name)
