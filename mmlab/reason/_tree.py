"""Hierarchical structure: ground a phrase by composing along its parse tree, or all at once (flat).

"Point at the red circle", said as "the red circle" or as "the circle that
is red": the surface order of the words differs, the parse tree does not.
Its leaves are the content words (the colour and the shape), and the node
above them says "both". A **tree** model grounds each leaf on the objects
of the scene (a score per object: how red is it, how circular is it) and
composes the scores bottom-up along the tree (the node adds the leaves'
log-scores: a soft AND), so what it learns about "red" does not depend on
which noun it was seen with. A **flat** model reads the whole phrase as one
sequence of word slots and scores every object against it with one MLP: it
has to learn each combination of colour and shape, and the order in which
they were said.

Objects are given as detector outputs (noisy codes of colour and shape),
so the comparison is about composition, not vision.

Used by: ``lectures/3_reasoning/01_memory_and_tree_structure.ipynb``.

References
----------
Hong, R., Liu, D., Mo, X., He, X. and Zhang, H. Learning to compose and
reason with language tree structures for visual grounding. IEEE TPAMI, 2019.
Socher, R. et al. Recursive deep models for semantic compositionality over a
sentiment treebank. EMNLP 2013.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_random_state, check_scalar

__all__ = [
    "FlatGrounder",
    "GroundingPhrases",
    "PHRASE_TEMPLATES",
    "PHRASE_WORDS",
    "TreeGrounder",
    "make_grounding_phrases",
]

#: The surface forms of a phrase; ``{c}`` is the colour word, ``{s}`` the shape word.
PHRASE_TEMPLATES: tuple[str, ...] = ("the {c} {s}", "the {s} that is {c}")


def _words() -> tuple[str, ...]:
    from mmlab.data import SCENE_COLORS, SCENE_SHAPES

    return ("<pad>", "the", "that", "is") + SCENE_COLORS + SCENE_SHAPES


#: The vocabulary of the phrases (index 0 pads).
PHRASE_WORDS: tuple[str, ...] = _words()
_MAX_LEN = 5


@dataclass(frozen=True, eq=False)
class GroundingPhrases:
    """Scenes as object detections, a referring phrase per scene, and the object it refers to.

    Attributes
    ----------
    objects : ndarray
        float32 ``(n, cells, 6)``: per cell, a noisy one-hot code of colour
        (first 3) and shape (last 3); zeros for an empty cell.
    mask : ndarray
        bool ``(n, cells)``: where an object is.
    words : ndarray
        int64 ``(n, 5)``: the phrase's words in surface order (indices into
        :data:`PHRASE_WORDS`, padded with 0).
    leaves : ndarray
        int64 ``(n, 2)``: the parse tree's leaves, (colour word, shape word),
        whatever the surface order.
    target : ndarray
        int64 ``(n,)``: the cell of the one object the phrase refers to.
    pair : ndarray
        int64 ``(n, 2)``: the (colour, shape) indices the phrase names.
    """

    objects: np.ndarray
    mask: np.ndarray
    words: np.ndarray
    leaves: np.ndarray
    target: np.ndarray
    pair: np.ndarray

    @property
    def n(self) -> int:
        """Number of phrases."""
        return int(self.target.shape[0])

    def inputs(self) -> list[torch.Tensor]:
        """``[objects, mask, words, leaves]`` as tensors: the input of both grounders."""
        return [torch.as_tensor(a) for a in (self.objects, self.mask, self.words, self.leaves)]

    def texts(self) -> list[str]:
        """The phrases in words."""
        return [" ".join(PHRASE_WORDS[w] for w in row if w) for row in self.words]


def make_grounding_phrases(
    n: int,
    *,
    grid: int = 3,
    n_objects: tuple[int, int] = (3, 6),
    noise: float = 0.3,
    exclude: Sequence[tuple[str, str]] = (),
    only: Sequence[tuple[str, str]] | None = None,
    random_state: RandomState = None,
) -> GroundingPhrases:
    """Draw scenes and a phrase that refers to exactly one object, with distractors sharing its colour or shape.

    Each scene holds ``k`` objects on a ``grid x grid`` board; the referred
    object's (colour, shape) pair is drawn from the allowed pairs, one
    distractor shares its colour and another its shape (when ``k`` allows),
    and no other object has both. The phrase uses one of
    :data:`PHRASE_TEMPLATES` at random.

    Parameters
    ----------
    n : int
    grid : int, default=3
    n_objects : (int, int), default=(3, 6)
        At least 3 objects (the referent and two distractors).
    noise : float, default=0.3
        Standard deviation of the noise on the detection codes.
    exclude, only : sequences of (colour, shape)
        Pairs never referred to / the only pairs referred to (as in
        :func:`mmlab.data.make_scene_qa`); they still occur as distractors.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    GroundingPhrases

    Raises
    ------
    TypeError, ValueError
        On a bad size, fewer than 3 objects, too many objects for the grid,
        a negative ``noise`` or an unknown pair.

    Examples
    --------
    >>> d = make_grounding_phrases(4, random_state=0)
    >>> d.texts()[:2]
    ['the blue circle', 'the green triangle']
    >>> bool(d.mask[np.arange(4), d.target].all())
    True
    """
    from mmlab.data._scenes import SCENE_COLORS, SCENE_SHAPES, _allowed_pairs, _check_n_objects

    n = check_positive_int(n, "n")
    grid = check_positive_int(grid, "grid", minimum=2)
    lo, hi = _check_n_objects(n_objects, grid)
    if lo < 3:
        raise ValueError(
            f"n_objects must allow at least 3 objects (the referent and two distractors); got {n_objects}."
        )
    noise = check_scalar(noise, "noise", min_val=0)
    rng = check_random_state(random_state)
    pairs = np.array([(SCENE_COLORS.index(c), SCENE_SHAPES.index(s)) for c, s in _allowed_pairs(exclude, only)])
    cells = grid * grid
    pair = pairs[rng.integers(0, len(pairs), size=n)]
    k = rng.integers(lo, hi + 1, size=n)
    color = rng.integers(0, 3, size=(n, hi))
    shape = rng.integers(0, 3, size=(n, hi))
    color[:, 0], shape[:, 0] = pair[:, 0], pair[:, 1]  # the referent
    color[:, 1], shape[:, 1] = pair[:, 0], (pair[:, 1] + rng.integers(1, 3, size=n)) % 3  # same colour
    color[:, 2], shape[:, 2] = (pair[:, 0] + rng.integers(1, 3, size=n)) % 3, pair[:, 1]  # same shape
    clash = (color[:, 3:] == pair[:, :1]) & (shape[:, 3:] == pair[:, 1:])
    shape[:, 3:] = np.where(clash, (shape[:, 3:] + 1) % 3, shape[:, 3:])  # only the referent has both
    place = np.argsort(rng.random((n, cells)), axis=1)[:, :hi]  # distinct cells
    present = np.arange(hi)[None, :] < k[:, None]
    objects = np.zeros((n, cells, 6), dtype=np.float32)
    mask = np.zeros((n, cells), dtype=bool)
    codes = np.concatenate([np.eye(3)[color], np.eye(3)[shape]], axis=2)  # (n, hi, 6)
    codes = codes + noise * rng.normal(size=codes.shape)
    rows = np.repeat(np.arange(n)[:, None], hi, axis=1)
    objects[rows[present], place[present]] = codes[present]
    mask[rows[present], place[present]] = True
    template = rng.integers(0, len(PHRASE_TEMPLATES), size=n)
    index = {w: i for i, w in enumerate(PHRASE_WORDS)}
    words = np.zeros((n, _MAX_LEN), dtype=np.int64)
    for i in range(n):
        text = PHRASE_TEMPLATES[template[i]].format(c=SCENE_COLORS[pair[i, 0]], s=SCENE_SHAPES[pair[i, 1]])
        ids = [index[w] for w in text.split()]
        words[i, : len(ids)] = ids
    leaves = np.stack([index[SCENE_COLORS[0]] + pair[:, 0], index[SCENE_SHAPES[0]] + pair[:, 1]], axis=1)
    return GroundingPhrases(
        objects=objects,
        mask=mask,
        words=words,
        leaves=leaves.astype(np.int64),
        target=place[:, 0].astype(np.int64),
        pair=pair.astype(np.int64),
    )


def _check_inputs(inputs: Sequence[torch.Tensor]) -> tuple[torch.Tensor, ...]:
    if not isinstance(inputs, (list, tuple)) or len(inputs) != 4:
        raise TypeError("inputs must be [objects, mask, words, leaves] (GroundingPhrases.inputs()).")
    return tuple(inputs)


class TreeGrounder(nn.Module):
    """Ground each leaf of the parse tree on the objects, then compose the scores up the tree.

    .. math::

        \\ell_w(o) = x_o^\\top W e_w + b^\\top e_w, \\qquad
        s(o) = \\ell_{colour}(o) + \\ell_{shape}(o), \\qquad
        p(o) = \\mathrm{softmax}_o\\, s(o)

    (the node's sum of log-scores is a soft AND of its children).

    Parameters
    ----------
    feature_dim : int, default=6
    embed_dim : int, default=16

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> d = make_grounding_phrases(3, random_state=0)
    >>> TreeGrounder()(d.inputs()).shape
    torch.Size([3, 9])
    """

    def __init__(self, feature_dim: int = 6, embed_dim: int = 16) -> None:
        super().__init__()
        feature_dim = check_positive_int(feature_dim, "feature_dim")
        embed_dim = check_positive_int(embed_dim, "embed_dim")
        self.embed = nn.Embedding(len(PHRASE_WORDS), embed_dim)
        self.ground = nn.Linear(feature_dim, embed_dim)  # x_o^T W e_w + b^T e_w

    def leaf_scores(self, objects: torch.Tensor, word: torch.Tensor) -> torch.Tensor:
        """``(n, cells)``: how well each object fits one leaf word per phrase."""
        return (self.ground(objects) * self.embed(word)[:, None, :]).sum(-1)

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Scores ``(n, cells)`` over the cells (empty ones at -inf-like), from ``[objects, mask, words, leaves]``.

        Raises
        ------
        TypeError
            If ``inputs`` is not the four tensors of :meth:`GroundingPhrases.inputs`.
        """
        objects, mask, _, leaves = _check_inputs(inputs)
        s = self.leaf_scores(objects, leaves[:, 0]) + self.leaf_scores(objects, leaves[:, 1])
        return s.masked_fill(~mask, -1e4)


class FlatGrounder(nn.Module):
    """Score every object against the whole phrase at once: an MLP on [object; word slots].

    .. math::

        s(o) = \\mathrm{MLP}\\big([x_o;\\, e_{w_1}; \\dots; e_{w_L}]\\big), \\qquad p(o) = \\mathrm{softmax}_o\\, s(o)

    Parameters
    ----------
    feature_dim : int, default=6
    embed_dim : int, default=16
    hidden : int, default=64

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> d = make_grounding_phrases(3, random_state=0)
    >>> FlatGrounder()(d.inputs()).shape
    torch.Size([3, 9])
    """

    def __init__(self, feature_dim: int = 6, embed_dim: int = 16, hidden: int = 64) -> None:
        super().__init__()
        feature_dim = check_positive_int(feature_dim, "feature_dim")
        embed_dim = check_positive_int(embed_dim, "embed_dim")
        hidden = check_positive_int(hidden, "hidden")
        self.embed = nn.Embedding(len(PHRASE_WORDS), embed_dim, padding_idx=0)
        self.score = nn.Sequential(
            nn.Linear(feature_dim + _MAX_LEN * embed_dim, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Scores ``(n, cells)`` from ``[objects, mask, words, leaves]`` (the leaves are not used).

        Raises
        ------
        TypeError
            If ``inputs`` is not the four tensors of :meth:`GroundingPhrases.inputs`.
        """
        objects, mask, words, _ = _check_inputs(inputs)
        phrase = self.embed(words).flatten(1)  # (n, L * embed): the words in their slots
        x = torch.cat([objects, phrase[:, None, :].expand(-1, objects.shape[1], -1)], dim=2)
        return self.score(x).squeeze(-1).masked_fill(~mask, -1e4)
