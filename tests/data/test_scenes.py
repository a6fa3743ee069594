"""The scene world (mmlab/data/_scenes.py): ground truth, rendering, programs, interventions, questions."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import (
    SCENE_COLORS,
    SCENE_RGB,
    SCENE_SHAPES,
    Scenes,
    bag_of_words,
    edit_scenes,
    execute_program,
    make_scene_qa,
    make_scenes,
    program_text,
    program_tokens,
    qa_vocabulary,
)

RED = ("filter", "color", "red", ("scene",))
CIRCLE = ("filter", "shape", "circle", ("scene",))


def test_shapes_object_counts_and_seed(seed):
    s = make_scenes(50, n_objects=(2, 5), random_state=seed)
    assert s.images.shape == (50, 3, 32, 32) and s.images.dtype == np.float32
    assert ((s.n_objects >= 2) & (s.n_objects <= 5)).all()
    assert ((s.color >= 0) == (s.shape >= 0)).all() and ((s.color >= 0) == (s.fill >= 0)).all()
    again = make_scenes(50, n_objects=(2, 5), random_state=seed)
    assert np.array_equal(s.images, again.images) and np.array_equal(s.color, again.color)


def test_pixels_follow_the_ground_truth():
    """Without noise an empty cell is black, and an object's pixels carry exactly its colour."""
    s = make_scenes(40, noise=0.0, random_state=0)
    cells = s.images.reshape(40, 3, 4, 8, 4, 8).transpose(0, 2, 4, 1, 3, 5)  # (n, row, col, 3, 8, 8)
    assert np.all(cells[~s.occupied] == 0)
    for i, r, c in zip(*np.nonzero(s.occupied), strict=True):
        patch = cells[i, r, c].reshape(3, -1)
        lit = patch[:, patch.sum(0) > 0]
        assert lit.shape[1] > 5
        assert np.allclose(lit, np.array(SCENE_RGB[SCENE_COLORS[s.color[i, r, c]]])[:, None], atol=1e-6)


def test_hollow_glyphs_have_fewer_pixels_than_filled_ones():
    s = make_scenes(200, noise=0.0, random_state=1)
    cells = s.images.reshape(200, 3, 4, 8, 4, 8).transpose(0, 2, 4, 1, 3, 5).max(3).reshape(200, 4, 4, -1)
    area = (cells > 0).sum(-1)
    for shape in range(3):
        filled = area[(s.shape == shape) & (s.fill == 0)]
        hollow = area[(s.shape == shape) & (s.fill == 1)]
        assert filled.min() > hollow.max()


def test_programs_against_direct_counts(seed):
    s = make_scenes(100, random_state=seed)
    by_hand = np.array([sum(o["color"] == "red" and o["shape"] == "circle" for o in s.objects(i)) for i in range(100)])
    red_circle = ("filter", "color", "red", CIRCLE)
    assert np.array_equal(execute_program(("count", red_circle), s), by_hand)
    assert np.array_equal(execute_program(("exists", red_circle), s), by_hand > 0)
    both = execute_program(("and", RED, CIRCLE), s)
    assert np.array_equal(both, execute_program(red_circle, s))
    assert np.array_equal(execute_program(("or", RED, CIRCLE), s), execute_program(RED, s) | execute_program(CIRCLE, s))
    assert np.array_equal(execute_program(("not", RED), s), s.occupied & (s.color != 0))
    q = ("exists", RED)
    assert np.array_equal(execute_program(("not", q), s), ~execute_program(q, s))


def test_relate_by_hand():
    s = make_scenes(1, grid=3, n_objects=(0, 0), random_state=0)
    s = edit_scenes(
        s,
        np.array([[[False, False, False], [False, False, True], [False, False, False]]]),
        color="red",
        shape="square",
        fill="filled",
        random_state=0,
    )
    s = edit_scenes(
        s,
        np.array([[[False, False, False], [True, False, False], [False, False, False]]]),
        color="blue",
        shape="circle",
        fill="filled",
        random_state=0,
    )
    s = edit_scenes(
        s,
        np.array([[[False, True, False], [False, False, False], [False, False, False]]]),
        color="green",
        shape="triangle",
        fill="hollow",
        random_state=0,
    )
    left_of_red = execute_program(("relate", "left", RED), s)[0]
    assert left_of_red.tolist() == [[False] * 3, [True, False, False], [False] * 3]  # blue circle, same row
    assert not execute_program(("relate", "right", RED), s).any()
    assert not execute_program(("exists", ("relate", "above", RED)), s)[0]
    assert execute_program(("count", ("relate", "above", ("filter", "color", "blue", ("scene",)))), s)[0] == 0
    assert execute_program(("count", ("relate", "right", ("filter", "color", "blue", ("scene",)))), s)[0] == 1


def test_spurious_correlation_is_planted_and_absent_by_default():
    biased = make_scenes(300, spurious=("circle", "red"), random_state=0)
    occ = biased.occupied
    assert np.all(biased.color[occ & (biased.shape == 1)] == 0)
    assert np.all(biased.color[occ & (biased.shape != 1)] != 0)
    plain = make_scenes(300, random_state=0)
    assert (plain.color[plain.occupied & (plain.shape != 1)] == 0).any()
    half = make_scenes(2000, spurious=("circle", "red"), spurious_strength=0.5, random_state=0)
    share = (half.color[half.occupied & (half.shape == 1)] == 0).mean()
    assert 0.55 < share < 0.75  # 0.5 + 0.5 / 3


def test_edit_scenes_intervenes_and_recomputes(seed):
    s = make_scenes(60, random_state=seed)
    circles = s.shape == 1
    recoloured = edit_scenes(s, circles, color="green", random_state=0)
    assert np.array_equal(execute_program(("exists", CIRCLE), recoloured), execute_program(("exists", CIRCLE), s))
    assert not execute_program(("exists", ("filter", "color", "red", CIRCLE)), recoloured).any()
    assert np.array_equal(recoloured.shape, s.shape) and np.array_equal(recoloured.fill, s.fill)
    removed = edit_scenes(s, circles, remove=True, random_state=0)
    assert np.array_equal(removed.n_objects, s.n_objects - circles.sum((1, 2)))
    assert not np.shares_memory(removed.color, s.color)


@pytest.mark.parametrize("family", ["exists_pair", "exists_single", "exists_mixed", "count_pair"])
def test_questions_answers_and_tokens(family):
    qa = make_scene_qa(400, family=family, random_state=0)
    for i in range(0, 400, 37):
        assert qa.answers[i] == int(execute_program(qa.programs[i], qa.scenes.subset([i]))[0])
    assert qa.tokens.shape == (400, len(qa_vocabulary()))
    assert np.array_equal(qa.tokens.sum(1), [len(program_tokens(p)) for p in qa.programs])
    if family != "count_pair":
        assert abs(qa.answers.mean() - 0.5) < 0.06


def test_excluded_pairs_are_never_asked():
    held = [("red", "circle"), ("blue", "square")]
    qa = make_scene_qa(500, exclude=held, random_state=0)
    asked = {(p[1][2], p[1][3][2]) for p in qa.programs}
    assert asked.isdisjoint(held) and len(asked) == 7
    only = make_scene_qa(100, only=held, random_state=0)
    assert {(p[1][2], p[1][3][2]) for p in only.programs} == set(held)


def test_program_text():
    assert program_text(("exists", ("filter", "fill", "hollow", RED))) == "is there a hollow red object?"
    assert program_text(("or", ("exists", RED), ("not", ("exists", CIRCLE)))) == "is there a red object or no circle?"
    assert program_text(("count", CIRCLE)) == "how many circles are there?"
    assert bag_of_words([("exists", CIRCLE)]).sum() == 4


@pytest.mark.parametrize(
    "program,match",
    [
        (("exists", ("filter", "color", "pink", ("scene",))), "needs attr"),
        (("exists",), "takes 1 argument"),
        (("count", ("exists", RED)), "needs a set"),
        (("and", RED, ("exists", RED)), "combines two sets or two yes/no answers"),
        (("relate", "behind", RED), "direction"),
        (("fly",), "unknown program operation"),
        ((), "non-empty tuple"),
    ],
)
def test_malformed_programs(program, match):
    s = make_scenes(2, random_state=0)
    with pytest.raises(ValueError, match=match):
        execute_program(program, s)


def test_bad_inputs():
    with pytest.raises(ValueError, match="grid must be between"):
        make_scenes(2, grid=9)
    with pytest.raises(ValueError, match="cell must be between"):
        make_scenes(2, cell=20)
    with pytest.raises(ValueError, match="fewest <= most"):
        make_scenes(2, n_objects=(5, 2))
    with pytest.raises(TypeError, match="pair"):
        make_scenes(2, n_objects=3)
    with pytest.raises(ValueError, match="spurious"):
        make_scenes(2, spurious=("circle", "pink"))
    with pytest.raises(ValueError, match="noise"):
        make_scenes(2, noise=-1.0)
    with pytest.raises(ValueError, match="asks for"):
        make_scenes(10**7)
    s = make_scenes(2, random_state=0)
    with pytest.raises(TypeError, match="Scenes"):
        execute_program(RED, object())
    with pytest.raises(TypeError, match="tuple"):
        execute_program(["scene"], s)
    with pytest.raises(ValueError, match="shape"):
        edit_scenes(s, np.zeros((2, 3, 3), dtype=bool), remove=True)
    with pytest.raises(TypeError, match="boolean"):
        edit_scenes(s, np.zeros((2, 4, 4)), remove=True)
    with pytest.raises(ValueError, match="nothing to edit"):
        edit_scenes(s, s.occupied)
    with pytest.raises(ValueError, match="do not also give"):
        edit_scenes(s, s.occupied, remove=True, color="red")
    with pytest.raises(ValueError, match="adding an object needs"):
        edit_scenes(s, ~s.occupied, color="red")
    with pytest.raises(ValueError, match="family"):
        make_scene_qa(5, family="why")
    with pytest.raises(ValueError, match="not a \\(colour, shape\\) pair"):
        make_scene_qa(5, exclude=[("pink", "circle")])
    with pytest.raises(ValueError, match="no \\(colour, shape\\) pair is left"):
        make_scene_qa(5, only=[("red", "circle")], exclude=[("red", "circle")])
    with pytest.raises(ValueError, match="index one of"):
        s.objects(5)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        bag_of_words([("exists", RED)], vocabulary=("is",))
    assert isinstance(s.subset(np.array([True, False])), Scenes) and len(s.subset([1])) == 1
    assert SCENE_SHAPES[1] == "circle"
