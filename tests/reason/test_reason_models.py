"""Models and data of mmlab.reason: modules, counting, memory, trees, causal tools, knowledge graph."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mmlab.data import execute_program, make_scene_qa, make_scenes
from mmlab.reason import (
    ATTRIBUTE_VALUES,
    CellEncoder,
    CountingModel,
    FlatGrounder,
    KnowledgeGraph,
    LastStepModel,
    ModulatedConv,
    MonolithicVQA,
    MultiViewMemory,
    NeuralModuleNetwork,
    TreeGrounder,
    augment_with_interventions,
    concat_scenes,
    intervention_test,
    make_grounding_phrases,
    make_recall_sequences,
    movie_modulation,
    scene_knowledge_graph,
    standard_interventions,
)

CIRCLE_Q = ("exists", ("filter", "shape", "circle", ("scene",)))


def test_cell_encoder_sees_each_cell_alone():
    enc = CellEncoder(cell=8, dim=4)
    x = torch.zeros(1, 3, 32, 32)
    base = enc(x)
    x[0, :, 8:16, 16:24] = 1.0  # cell (1, 2)
    changed = (enc(x) - base).abs().sum(1)[0] > 0
    assert changed.nonzero().tolist() == [[1, 2]]


def test_nmn_answers_programs_with_its_maps():
    s = make_scenes(4, random_state=0)
    nmn = NeuralModuleNetwork(dim=8)
    maps = nmn.attention(s.to_torch())
    assert maps.shape == (4, 1 + len(ATTRIBUTE_VALUES), 4, 4)
    red = nmn.channel("color", "red")
    p = nmn.answer(s.to_torch(), [("count", ("filter", "color", "red", ("scene",)))] * 4)
    assert torch.allclose(p, (maps[:, 0] * maps[:, red]).sum((1, 2)))
    ids = nmn.encode([CIRCLE_Q, CIRCLE_Q, ("count", ("scene",)), CIRCLE_Q])
    assert ids.tolist() == [0, 0, 1, 0]
    out = nmn([s.to_torch(), ids])
    q = nmn.answer(s.to_torch(), [CIRCLE_Q] * 4).clamp(1e-6, 1 - 1e-6)
    assert torch.allclose(out[0], torch.log(q[0]) - torch.log1p(-q[0]), atol=1e-5)  # a logit for yes/no
    assert torch.allclose(out[2], maps[2, 0].sum(), atol=1e-5)  # a count for count programs


def test_movie_modulation_equation(torch_gen):
    v, dg, w = (
        torch.randn(2, 3, 2, 2, generator=torch_gen),
        torch.randn(2, 3, generator=torch_gen),
        torch.randn(3, 3, generator=torch_gen),
    )
    expected = v.clone()
    for b in range(2):
        for r in range(2):
            for c in range(2):
                expected[b, :, r, c] += w.T @ (v[b, :, r, c] * dg[b])
    assert torch.allclose(movie_modulation(v, dg, w), expected, atol=1e-5)
    block = ModulatedConv(3, 5)
    with torch.no_grad():
        block.gamma.weight.zero_()
        block.gamma.bias.zero_()
    assert torch.allclose(block(v, torch.randn(2, 5)), torch.relu(v))  # Δγ = 0: identity (then ReLU)


@pytest.mark.parametrize("fusion", ["explicit", "modulated", "global"])
def test_counting_models_shapes(fusion):
    m = CountingModel(6, fusion=fusion)
    assert m([torch.zeros(3, 3, 32, 32), torch.zeros(3, 6)]).shape == (3,)


def test_explicit_counter_is_the_sum_of_its_detections():
    m = CountingModel(4, fusion="explicit")
    x, q = torch.rand(2, 3, 32, 32), torch.rand(2, 4)
    assert torch.allclose(m([x, q]), m.detections(x, q).sum((1, 2)))
    with pytest.raises(ValueError, match="only the explicit counter"):
        CountingModel(4, fusion="global").detections(x, q)


def test_recall_sequences_rule_and_balance(seed):
    d = make_recall_sequences(2000, random_state=seed)
    assert np.array_equal(d.y, (d.shape[:, -1] == d.color[:, 0]).astype(int))
    assert abs(d.y.mean() - 0.5) < 0.05
    # the last step alone carries nothing about the label
    for c in range(3):
        for s in range(3):
            rows = (d.color[:, -1] == c) & (d.shape[:, -1] == s)
            assert abs(d.y[rows].mean() - 0.5) < 0.12
    again = make_recall_sequences(5, random_state=seed + 10)
    mean_code = lambda data, k: data.views[0][data.color == k].mean(0)  # noqa: E731
    assert np.allclose(mean_code(d, 0), mean_code(again, 0), atol=0.35)  # the same codes in every draw


def test_memory_models_shapes_and_trace():
    x = [torch.zeros(4, 6, 8), torch.zeros(4, 6, 8)]
    mem = MultiViewMemory((8, 8), hidden=16)
    states, writes, h = mem.trace(x)
    assert states.shape == (4, 6, 16) and writes.shape == (4, 6) and ((writes > 0) & (writes < 1)).all()
    assert mem(x).shape == (4, 2) and LastStepModel((8, 8))(x).shape == (4, 2)
    y = [torch.randn(4, 6, 8), torch.randn(4, 6, 8)]
    z = [y[0].clone(), y[1].clone()]
    z[0][:, :-1] = 0  # the memory-less model sees only the last step
    last = LastStepModel((8, 8))
    assert torch.allclose(last(y), last(z))


def test_grounding_phrases_have_one_referent_and_tree_ignores_word_order():
    d = make_grounding_phrases(300, noise=0.0, random_state=0)
    codes = d.objects.reshape(300, -1, 6)
    col, shp = codes[..., :3].argmax(-1), codes[..., 3:].argmax(-1)
    matches = d.mask & (col == d.pair[:, :1]) & (shp == d.pair[:, 1:])
    assert (matches.sum(1) == 1).all() and matches[np.arange(300), d.target].all()
    tree = TreeGrounder()
    inputs = d.inputs()
    reordered = [inputs[0], inputs[1], torch.zeros_like(inputs[2]), inputs[3]]  # the surface words do not matter
    assert torch.equal(tree(inputs), tree(reordered))
    assert FlatGrounder()(inputs).shape == (300, 9)
    assert set(d.texts()[:20]) & {t for t in d.texts() if "that is" in t}


def test_intervention_test_on_an_oracle_and_a_colour_reader():
    s = make_scenes(300, spurious=("circle", "red"), random_state=0)
    edits = standard_interventions()
    oracle = intervention_test(lambda x: execute_program(CIRCLE_Q, x), s, CIRCLE_Q, edits, random_state=0)
    assert oracle.invariance_failure == 0 and oracle.covariance_failure == 0
    reads_red = intervention_test(lambda x: (x.color == 0).any((1, 2)), s, CIRCLE_Q, edits, random_state=0)
    assert reads_red.invariance_failure == 1.0 and reads_red.covariance_failure == 1.0
    assert [r["truth_changed"] for r in reads_red.rows] == [0.0, 0.0, 1.0, 1.0]


def test_augmentation_breaks_the_correlation():
    s = make_scenes(400, spurious=("circle", "red"), random_state=0)
    aug = augment_with_interventions(s, standard_interventions(), random_state=0)
    assert aug.n > s.n
    red = aug.color == 0
    circle = aug.shape == 1
    assert (red & ~circle).any() and (circle & ~red & aug.occupied).any()
    assert concat_scenes([s, s]).n == 2 * s.n


def test_knowledge_graph_queries():
    kg = scene_knowledge_graph()
    assert kg.instances("food") == ["apple", "broccoli", "fruit", "pea", "vegetable"]
    assert kg.ground("food") == [("green", "circle"), ("green", "triangle"), ("red", "circle")]
    assert kg.ground("cold thing") == [("blue", "square")]
    s = make_scenes(200, random_state=0)
    direct = ((s.color == 0) & (s.shape == 1)) | ((s.color == 1) & (s.shape >= 1))
    assert np.array_equal(execute_program(kg.program("food"), s), direct.any((1, 2)))
    kg2 = KnowledgeGraph([("x", "is_a", "y")])
    kg2.add("x", "looks_like", "blue square")
    assert kg2.ground("y") == [("blue", "square")] and len(kg2) == 2
    with pytest.raises(ValueError, match="does not ground"):
        kg2.program("z")
    with pytest.raises(TypeError, match="triple"):
        KnowledgeGraph([("x", "is_a")])
    with pytest.raises(TypeError, match="three non-empty strings"):
        kg2.add("x", "", "y")


def test_bad_inputs():
    with pytest.raises(ValueError, match="shape \\(n, 3, H, W\\)"):
        CellEncoder()(torch.zeros(2, 1, 32, 32))
    with pytest.raises(ValueError, match="whole number"):
        CellEncoder()(torch.zeros(2, 3, 30, 30))
    with pytest.raises(ValueError, match="tnorm"):
        NeuralModuleNetwork(tnorm="max")
    nmn = NeuralModuleNetwork()
    with pytest.raises(ValueError, match="one program per image"):
        nmn.answer(torch.zeros(2, 3, 32, 32), [CIRCLE_Q])
    with pytest.raises(ValueError, match="encode"):
        nmn([torch.zeros(1, 3, 32, 32), torch.tensor([3])])
    with pytest.raises(TypeError, match="pair"):
        nmn(torch.zeros(1, 3, 32, 32))
    with pytest.raises(ValueError, match="must be one of"):
        nmn.channel("color", "pink")
    with pytest.raises(TypeError, match="pair"):
        MonolithicVQA(3)(torch.zeros(1, 3, 32, 32))
    with pytest.raises(ValueError, match="fusion"):
        CountingModel(3, fusion="late")
    with pytest.raises(ValueError, match="weight must have shape"):
        movie_modulation(torch.zeros(1, 2, 1, 1), torch.zeros(1, 2), torch.zeros(3, 3))
    with pytest.raises(ValueError, match="delta_gamma"):
        movie_modulation(torch.zeros(1, 2, 1, 1), torch.zeros(2, 2), torch.zeros(2, 2))
    with pytest.raises(TypeError, match="floating-point"):
        movie_modulation(np.zeros((1, 2, 1, 1)), torch.zeros(1, 2), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="same batch and steps"):
        MultiViewMemory((8, 8))([torch.zeros(2, 3, 8), torch.zeros(2, 4, 8)])
    with pytest.raises(ValueError, match="at least 3 objects"):
        make_grounding_phrases(3, n_objects=(2, 4))
    with pytest.raises(ValueError, match="steps"):
        make_recall_sequences(3, steps=1)
    s = make_scenes(3, random_state=0)
    with pytest.raises(ValueError, match="at least one Intervention"):
        intervention_test(lambda x: np.zeros(x.n), s, CIRCLE_Q, [])
    with pytest.raises(ValueError, match="one answer per scene"):
        intervention_test(lambda x: np.zeros(1), s, CIRCLE_Q, standard_interventions())
    with pytest.raises(TypeError, match="Scenes"):
        augment_with_interventions(object(), standard_interventions())
    with pytest.raises(ValueError, match="same grid"):
        concat_scenes([s, make_scenes(2, grid=3, random_state=0)])
    with pytest.raises(ValueError, match="shape"):
        standard_interventions("hexagon")
    qa = make_scene_qa(4, random_state=0)
    assert qa.n == 4


@pytest.mark.slow
def test_logic_probes_trains_the_plain_model_on_the_forms_asked():
    import mmlab.reason.experiments as rx

    nmn = NeuralModuleNetwork(dim=8)
    with pytest.raises(ValueError, match="forms must be"):
        rx.logic_probes(nmn, n=10, epochs=1, train_forms=("tautology",))
    # trained on contradictions only (always "no"), the plain model says "no" to them on the probes
    scores = rx.logic_probes(nmn, n=300, epochs=5, train_forms=("contradiction",), random_state=0).scores
    assert scores["contradiction_yes"]["plain"] < 0.2
