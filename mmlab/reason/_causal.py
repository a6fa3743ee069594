"""Causal interventions on scenes: the intervention test of Causal VQA, and augmentation with interventions.

A question's answer depends on some objects (the *relevant* ones: the
circles, for "is there a circle?") and not on others. An edit of a scene is
an intervention :math:`\\mathrm{do}(\\cdot)` on its ground truth
(:func:`mmlab.data.edit_scenes`); after it the true answer is recomputed by
executing the program. A model that answers for the right reason is

- **invariant** to edits that leave the true answer unchanged (recolour the
  circles, add a red square): its answer must not move;
- **covariant** with edits that change the true answer (turn the circles
  into squares, add a circle): its answer must follow.

:func:`intervention_test` measures both failure rates for any predictor;
:func:`augment_with_interventions` adds edited copies of the training scenes
(with recomputed answers) so that a spurious cue no longer predicts the
answer.

Used by: ``lectures/3_reasoning/04_causal_knowledge_counting.ipynb`` and the
reasoning lab.

References
----------
Agarwal, V., Shetty, R. and Fritz, M. Towards causal VQA: revealing and
reducing spurious correlations by invariant and covariant semantic editing.
CVPR 2020.
Pearl, J. Causality: models, reasoning, and inference. Cambridge University
Press, 2nd edition, 2009.
Kaushik, D., Hovy, E. and Lipton, Z. C. Learning the difference that makes a
difference with counterfactually-augmented data. ICLR 2020.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from mmlab._validation import RandomState, check_choice, check_random_state

__all__ = [
    "Intervention",
    "InterventionReport",
    "augment_with_interventions",
    "concat_scenes",
    "intervention_test",
    "standard_interventions",
]


@dataclass(frozen=True)
class Intervention:
    """One kind of edit: a name, whether it may change the answer, and the edit itself.

    Attributes
    ----------
    name : str
        E.g. ``"recolour the circles"``.
    kind : str
        ``"irrelevant"`` (the true answer must not change) or ``"relevant"``
        (it is meant to change the answer; the test uses the recomputed truth).
    apply : callable
        ``apply(scenes, rng) -> (edited Scenes, bool (n,) mask of the scenes
        it applies to)``; scenes outside the mask are left out of the test.
    """

    name: str
    kind: str
    apply: Callable[..., tuple]


@dataclass(frozen=True)
class InterventionReport:
    """What :func:`intervention_test` measured, per intervention and overall.

    Attributes
    ----------
    rows : list of dict
        Per intervention: ``name``, ``kind``, ``n`` (scenes it applied to),
        ``truth_changed`` (share whose true answer changed), ``failure`` (see
        :func:`intervention_test`).
    invariance_failure : float
        Over all irrelevant edits: share of scenes whose predicted answer changed.
    covariance_failure : float
        Over all relevant edits that changed the truth: share of scenes whose
        prediction after the edit is not the new true answer.
    """

    rows: list
    invariance_failure: float
    covariance_failure: float

    @property
    def failure(self) -> float:
        """The mean of the two failure rates."""
        return 0.5 * (self.invariance_failure + self.covariance_failure)


def standard_interventions(shape: str = "circle", color: str = "red") -> list[Intervention]:
    """Four edits for "is there a ``shape``?" on data where ``shape`` and ``color`` are correlated.

    - irrelevant: recolour every ``shape`` to another colour; add a ``color``
      object of another shape to a scene without any ``shape``;
    - relevant: turn every ``shape`` into another shape, keeping its colour;
      add a ``shape`` in another colour to a scene without one.

    Parameters
    ----------
    shape : str, default="circle"
    color : str, default="red"

    Returns
    -------
    list of Intervention

    Raises
    ------
    ValueError
        If ``shape`` or ``color`` is unknown.

    Examples
    --------
    >>> [(e.name, e.kind) for e in standard_interventions()][:2]
    [('recolour the circles', 'irrelevant'), ('add a red non-circle', 'irrelevant')]
    """
    from mmlab.data import SCENE_COLORS, SCENE_FILLS, SCENE_SHAPES, edit_scenes

    check_choice(shape, "shape", SCENE_SHAPES)
    check_choice(color, "color", SCENE_COLORS)
    s_idx = SCENE_SHAPES.index(shape)
    other_colors = [c for c in SCENE_COLORS if c != color]
    other_shapes = [s for s in SCENE_SHAPES if s != shape]

    def recolour(scenes, rng):
        has = (scenes.shape == s_idx).any(axis=(1, 2))
        new = other_colors[int(rng.integers(len(other_colors)))]
        return edit_scenes(scenes, scenes.shape == s_idx, color=new, random_state=rng), has

    def reshape(scenes, rng):
        has = (scenes.shape == s_idx).any(axis=(1, 2))
        new = other_shapes[int(rng.integers(len(other_shapes)))]
        return edit_scenes(scenes, scenes.shape == s_idx, shape=new, random_state=rng), has

    def adder(obj_shape_choices, obj_color_choices):
        def add(scenes, rng):
            lacks = ~(scenes.shape == s_idx).any(axis=(1, 2))
            where = _one_empty_cell(scenes, rng) & lacks[:, None, None]
            ok = where.any(axis=(1, 2))
            s = obj_shape_choices[int(rng.integers(len(obj_shape_choices)))]
            c = obj_color_choices[int(rng.integers(len(obj_color_choices)))]
            f = SCENE_FILLS[int(rng.integers(len(SCENE_FILLS)))]
            return edit_scenes(scenes, where, color=c, shape=s, fill=f, random_state=rng), ok

        return add

    return [
        Intervention(f"recolour the {shape}s", "irrelevant", recolour),
        Intervention(f"add a {color} non-{shape}", "irrelevant", adder(other_shapes, [color])),
        Intervention(f"turn the {shape}s into other shapes", "relevant", reshape),
        Intervention(f"add a {shape} of another colour", "relevant", adder([shape], other_colors)),
    ]


def intervention_test(
    predict: Callable[..., np.ndarray],
    scenes: object,
    program: tuple,
    interventions: Sequence[Intervention],
    *,
    random_state: RandomState = None,
) -> InterventionReport:
    """Apply each intervention, recompute the true answers, and measure how the predictions move.

    For an **irrelevant** edit the failure is the share of scenes whose
    predicted answer changed (the model should be invariant). For a
    **relevant** edit it is the share, among scenes whose true answer
    changed, whose prediction after the edit is wrong (the model should be
    covariant).

    Parameters
    ----------
    predict : callable
        ``predict(scenes) -> (n,)`` answers (0/1 or counts) for a :class:`mmlab.data.Scenes`.
    scenes : mmlab.data.Scenes
        The scenes to edit.
    program : tuple
        The question, as a program (e.g. ``("exists", ("filter", "shape", "circle", ("scene",)))``).
    interventions : sequence of Intervention
    random_state : int, numpy.random.Generator or None
        Seeds the edits.

    Returns
    -------
    InterventionReport

    Raises
    ------
    TypeError
        If ``predict`` is not callable or ``scenes`` is not a :class:`mmlab.data.Scenes`.
    ValueError
        If ``interventions`` is empty, an intervention's kind is unknown, or
        ``predict`` returns the wrong number of answers.

    Examples
    --------
    >>> from mmlab.data import execute_program, make_scenes
    >>> s = make_scenes(200, random_state=0)
    >>> q = ("exists", ("filter", "shape", "circle", ("scene",)))
    >>> oracle = lambda scenes: execute_program(q, scenes)
    >>> r = intervention_test(oracle, s, q, standard_interventions(), random_state=0)
    >>> r.invariance_failure, r.covariance_failure
    (0.0, 0.0)
    """
    from mmlab.data import Scenes, execute_program

    if not callable(predict):
        raise TypeError(f"predict must be a function of the scenes; got {type(predict).__name__}.")
    if not isinstance(scenes, Scenes):
        raise TypeError(f"scenes must be a Scenes (from make_scenes); got {type(scenes).__name__}.")
    if not interventions:
        raise ValueError("interventions must hold at least one Intervention (see standard_interventions()).")
    rng = check_random_state(random_state)

    def answers(s: Scenes) -> np.ndarray:
        out = np.asarray(predict(s)).reshape(-1)
        if out.shape[0] != s.n:
            raise ValueError(f"predict must return one answer per scene; got {out.shape[0]} for {s.n} scenes.")
        return out

    truth0, pred0 = execute_program(program, scenes), answers(scenes)
    rows, inv, cov = [], [], []
    for edit in interventions:
        check_choice(edit.kind, f"the kind of {edit.name!r}", ("irrelevant", "relevant"))
        edited, applies = edit.apply(scenes, rng)
        idx = np.flatnonzero(applies)
        truth1, pred1 = execute_program(program, edited), answers(edited)
        changed = truth1[idx] != truth0[idx]
        if edit.kind == "irrelevant":
            fails = pred1[idx] != pred0[idx]
            inv.append(fails)
        else:
            fails = pred1[idx][changed] != truth1[idx][changed]
            cov.append(fails)
        rows.append(
            {
                "name": edit.name,
                "kind": edit.kind,
                "n": int(idx.size),
                "truth_changed": float(changed.mean()) if idx.size else 0.0,
                "failure": float(fails.mean()) if fails.size else 0.0,
            }
        )
    inv_all, cov_all = np.concatenate(inv or [np.zeros(0)]), np.concatenate(cov or [np.zeros(0)])
    return InterventionReport(
        rows=rows,
        invariance_failure=float(inv_all.mean()) if inv_all.size else 0.0,
        covariance_failure=float(cov_all.mean()) if cov_all.size else 0.0,
    )


def augment_with_interventions(
    scenes: object, interventions: Sequence[Intervention], *, random_state: RandomState = None
) -> object:
    """The scenes followed by one edited copy per intervention (of the scenes each applies to).

    Train on the result with answers recomputed by
    :func:`mmlab.data.execute_program`: the edited copies break the
    correlations that the edits target (a recoloured circle is still a
    circle), which is the augmentation of Causal VQA.

    Parameters
    ----------
    scenes : mmlab.data.Scenes
    interventions : sequence of Intervention
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    mmlab.data.Scenes

    Raises
    ------
    TypeError
        If ``scenes`` is not a :class:`mmlab.data.Scenes`.
    ValueError
        If ``interventions`` is empty.
    """
    from mmlab.data import Scenes

    if not isinstance(scenes, Scenes):
        raise TypeError(f"scenes must be a Scenes (from make_scenes); got {type(scenes).__name__}.")
    if not interventions:
        raise ValueError("interventions must hold at least one Intervention (see standard_interventions()).")
    rng = check_random_state(random_state)
    parts = [scenes]
    for edit in interventions:
        edited, applies = edit.apply(scenes, rng)
        parts.append(edited.subset(applies))
    return concat_scenes(parts)


def concat_scenes(parts: Sequence[object]) -> object:
    """One :class:`mmlab.data.Scenes` from several drawn with the same grid, cell and noise.

    Raises
    ------
    TypeError
        If a part is not a :class:`mmlab.data.Scenes`.
    ValueError
        If ``parts`` is empty or the parts differ in grid, cell or noise.
    """
    from mmlab.data import Scenes

    if not parts:
        raise ValueError("parts must hold at least one Scenes.")
    for i, p in enumerate(parts):
        if not isinstance(p, Scenes):
            raise TypeError(f"parts[{i}] must be a Scenes; got {type(p).__name__}.")
    first = parts[0]
    if any((p.grid, p.cell, p.noise) != (first.grid, first.cell, first.noise) for p in parts):
        raise ValueError("every part must have the same grid, cell and noise.")
    return replace(
        first,
        images=np.concatenate([p.images for p in parts]),
        color=np.concatenate([p.color for p in parts]),
        shape=np.concatenate([p.shape for p in parts]),
        fill=np.concatenate([p.fill for p in parts]),
    )


def _one_empty_cell(scenes: object, rng: np.random.Generator) -> np.ndarray:
    """A mask with one random empty cell per scene (none where the grid is full)."""
    empty = ~scenes.occupied
    score = np.where(empty, rng.random(empty.shape), -1.0).reshape(scenes.n, -1)
    best = score.argmax(axis=1)
    mask = np.zeros_like(score, dtype=bool)
    mask[np.arange(scenes.n), best] = score[np.arange(scenes.n), best] >= 0
    return mask.reshape(empty.shape)
