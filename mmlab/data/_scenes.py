"""The scene world: small rendered scenes of coloured shapes on a grid, with their ground truth and programs.

A scene is a ``grid x grid`` board; each cell is empty or holds one object
with a colour (:data:`SCENE_COLORS`), a shape (:data:`SCENE_SHAPES`) and a
fill (:data:`SCENE_FILLS`, ``"filled"`` or its antonym ``"hollow"``). The
generator renders every scene as an RGB image (``cell`` pixels per grid
cell, pixel noise on top) and returns, with the pixels, the planted ground
truth: per cell the colour, shape and fill indices (``-1`` for an empty
cell), from which positions and relations follow.

Questions are **functional programs** (nested tuples, as in CLEVR) that
:func:`execute_program` evaluates on the ground truth, vectorised over
scenes:

=================================  ==================================================================
program                            value
=================================  ==================================================================
``("scene",)``                      the set of occupied cells, a ``(n, grid, grid)`` bool mask
``("filter", attr, value, s)``      the objects of set ``s`` whose ``attr`` (colour/shape/fill) is ``value``
``("relate", direction, s)``        objects in the same row (``left``/``right``) or column
                                    (``above``/``below``) on that side of some object of ``s``
``("and", a, b)``, ``("or", a, b)`` intersection / union of two sets, or conjunction / disjunction of
                                    two yes/no answers
``("not", a)``                      the occupied cells outside set ``a``, or the negated answer
``("exists", s)``, ``("count", s)`` a yes/no answer (bool) or a number (int) per scene
=================================  ==================================================================

Two options serve the reasoning chapter. ``spurious=(shape, colour)`` plants
a correlation that holds only where you ask for it (training data): objects
of that shape take that colour, and no other object does, with probability
``spurious_strength``. :func:`edit_scenes` intervenes on scenes (removes an
object, adds one, changes an attribute) and re-renders them, so the answer
to any program can be recomputed after the edit (the intervention of
Causal VQA).

Used by: the reasoning lectures and lab (``lectures/3_reasoning``,
``labs/3_reasoning``) through :mod:`mmlab.reason`.

References
----------
Johnson, J. et al. CLEVR: a diagnostic dataset for compositional language and
elementary visual reasoning. CVPR 2017.
Andreas, J., Rohrbach, M., Darrell, T. and Klein, D. Neural module networks.
CVPR 2016 (the SHAPES data set this world resembles).
Agarwal, V., Shetty, R. and Fritz, M. Towards causal VQA: revealing and
reducing spurious correlations by invariant and covariant semantic editing.
CVPR 2020.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import (
    RandomState,
    check_array,
    check_choice,
    check_fraction,
    check_positive_int,
    check_random_state,
    check_scalar,
    check_size,
)

__all__ = [
    "PROGRAM_OPS",
    "SCENE_ATTRIBUTES",
    "SCENE_COLORS",
    "SCENE_FILLS",
    "SCENE_RELATIONS",
    "SCENE_RGB",
    "SCENE_SHAPES",
    "SceneQA",
    "Scenes",
    "bag_of_words",
    "edit_scenes",
    "execute_program",
    "make_scene_qa",
    "make_scenes",
    "program_text",
    "program_tokens",
    "qa_vocabulary",
]

#: Object colours, in index order.
SCENE_COLORS: tuple[str, ...] = ("red", "green", "blue")
#: Object shapes, in index order.
SCENE_SHAPES: tuple[str, ...] = ("square", "circle", "triangle")
#: Object fills; ``"hollow"`` is the antonym of ``"filled"``.
SCENE_FILLS: tuple[str, ...] = ("filled", "hollow")
#: The attributes of an object and their values.
SCENE_ATTRIBUTES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"color": SCENE_COLORS, "shape": SCENE_SHAPES, "fill": SCENE_FILLS}
)
#: Spatial relations of ``("relate", direction, s)``.
SCENE_RELATIONS: tuple[str, ...] = ("left", "right", "above", "below")
#: RGB values of the colours, in [0, 1].
SCENE_RGB: Mapping[str, tuple[float, float, float]] = MappingProxyType(
    {"red": (0.95, 0.15, 0.1), "green": (0.1, 0.8, 0.2), "blue": (0.15, 0.3, 0.95)}
)
#: The operations a program may use.
PROGRAM_OPS: tuple[str, ...] = ("scene", "filter", "relate", "and", "or", "not", "exists", "count")

_QA_FAMILIES = ("exists_pair", "count_pair", "exists_single", "exists_mixed")


# --------------------------------------------------------------------------- #
# containers
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class Scenes:
    """Rendered scenes and the ground truth planted in them.

    Attributes
    ----------
    images : ndarray
        float32 ``(n, 3, grid * cell, grid * cell)``, RGB in [0, 1].
    color, shape, fill : ndarray
        int64 ``(n, grid, grid)``: the index (into :data:`SCENE_COLORS`,
        :data:`SCENE_SHAPES`, :data:`SCENE_FILLS`) of the object in each
        cell, ``-1`` where the cell is empty.
    cell : int
        Pixels per grid cell.
    noise : float
        Standard deviation of the Gaussian pixel noise.
    spurious : tuple of (str, str) or None
        ``(shape, colour)`` of the planted correlation, if any.
    spurious_strength : float
        Probability with which each object follows the planted correlation.
    """

    images: np.ndarray
    color: np.ndarray
    shape: np.ndarray
    fill: np.ndarray
    cell: int
    noise: float
    spurious: tuple[str, str] | None = None
    spurious_strength: float = 0.0

    @property
    def n(self) -> int:
        """Number of scenes."""
        return int(self.color.shape[0])

    @property
    def grid(self) -> int:
        """Cells per side."""
        return int(self.color.shape[1])

    def __len__(self) -> int:
        return self.n

    @property
    def occupied(self) -> np.ndarray:
        """bool ``(n, grid, grid)``: where an object sits."""
        return self.color >= 0

    @property
    def n_objects(self) -> np.ndarray:
        """int64 ``(n,)``: objects per scene."""
        return self.occupied.sum(axis=(1, 2))

    def attribute(self, name: str) -> np.ndarray:
        """The ``(n, grid, grid)`` index array of attribute ``name`` (``"color"``, ``"shape"`` or ``"fill"``).

        Raises
        ------
        ValueError
            If ``name`` is not an attribute.
        """
        check_choice(name, "name", tuple(SCENE_ATTRIBUTES))
        return {"color": self.color, "shape": self.shape, "fill": self.fill}[name]

    def objects(self, i: int) -> list[dict[str, Any]]:
        """The objects of scene ``i``: ``{"row", "col", "color", "shape", "fill"}`` with names, row by row.

        Raises
        ------
        ValueError
            If ``i`` is not the index of a scene.
        """
        i = check_positive_int(i, "i", minimum=0)
        if i >= self.n:
            raise ValueError(f"i must index one of the {self.n} scenes; got {i}.")
        rows, cols = np.nonzero(self.occupied[i])
        return [
            {
                "row": int(r),
                "col": int(c),
                "color": SCENE_COLORS[self.color[i, r, c]],
                "shape": SCENE_SHAPES[self.shape[i, r, c]],
                "fill": SCENE_FILLS[self.fill[i, r, c]],
            }
            for r, c in zip(rows, cols, strict=True)
        ]

    def subset(self, index: npt.ArrayLike) -> Scenes:
        """The scenes at ``index`` (integers or a boolean mask).

        Raises
        ------
        TypeError
            If ``index`` holds neither integers nor booleans.
        ValueError
            If a boolean mask has the wrong length or an index is out of range.
        """
        idx = _check_index(index, self.n)
        return replace(self, images=self.images[idx], color=self.color[idx], shape=self.shape[idx], fill=self.fill[idx])

    def to_torch(self, device: Any = None) -> Any:
        """The images as a float32 torch tensor ``(n, 3, H, W)`` on ``device`` (default the CPU)."""
        import torch

        return torch.as_tensor(self.images, device=device)


@dataclass(frozen=True, eq=False)
class SceneQA:
    """Scenes with one question (a program) per scene and its answer.

    Attributes
    ----------
    scenes : Scenes
        The scenes; question ``i`` is about scene ``i``.
    programs : tuple of tuple
        One program per scene (see :func:`execute_program`).
    answers : ndarray
        int64 ``(n,)``: 0/1 for yes/no questions, the number for counts.
    tokens : ndarray
        float32 ``(n, len(vocabulary))``: bag of words of each question's text.
    vocabulary : tuple of str
        The words indexing ``tokens``' columns.
    family : str
        The question family that drew the programs.
    """

    scenes: Scenes
    programs: tuple[tuple, ...]
    answers: np.ndarray
    tokens: np.ndarray
    vocabulary: tuple[str, ...]
    family: str
    extra: Mapping[str, np.ndarray] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def n(self) -> int:
        """Number of questions (and scenes)."""
        return int(self.answers.shape[0])

    def __len__(self) -> int:
        return self.n

    def texts(self) -> list[str]:
        """The questions in words."""
        return [program_text(p) for p in self.programs]


# --------------------------------------------------------------------------- #
# the generator
# --------------------------------------------------------------------------- #
def make_scenes(
    n: int,
    *,
    grid: int = 4,
    cell: int = 8,
    n_objects: tuple[int, int] = (2, 6),
    noise: float = 0.05,
    spurious: tuple[str, str] | None = None,
    spurious_strength: float = 1.0,
    random_state: RandomState = None,
) -> Scenes:
    r"""Draw ``n`` scenes of coloured shapes on a grid, rendered as small RGB images.

    Each scene gets :math:`k \sim \mathcal U\{k_{min}, \dots, k_{max}\}`
    objects in distinct cells drawn uniformly; each object draws its colour,
    shape and fill uniformly and independently, unless ``spurious`` plants a
    correlation. An object is drawn as a glyph (a square, a disc or an upward
    triangle, filled or as an outline one pixel wide) in its cell's colour on
    a black background; every pixel then gets Gaussian noise of standard
    deviation ``noise`` and is clipped to [0, 1].

    **Planted ground truth.** The returned :class:`Scenes` holds, for every
    cell, the colour, shape and fill indices (``-1`` where empty); the image
    is a deterministic function of them plus the pixel noise, so every
    program's answer is known exactly (:func:`execute_program`).

    **Spurious correlation.** With ``spurious=(s, c)`` every object of shape
    ``s`` is coloured ``c``, and every other object takes one of the other
    colours, with probability ``spurious_strength`` per object (otherwise its
    colour is uniform). Then "is there an ``s``?" can be answered from colour
    alone on such data, but not on data drawn without the option.

    Parameters
    ----------
    n : int
        Number of scenes.
    grid : int, default=4
        Cells per side (2 to 8).
    cell : int, default=8
        Pixels per cell (6 to 16); images are ``grid * cell`` pixels wide.
    n_objects : (int, int), default=(2, 6)
        Smallest and largest number of objects per scene (inclusive).
    noise : float, default=0.05
        Pixel noise standard deviation, >= 0.
    spurious : (str, str), optional
        ``(shape, colour)`` to correlate.
    spurious_strength : float, default=1.0
        In [0, 1]; 0 is the same as no correlation.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    Scenes

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a size is out of range, ``n_objects`` is not an increasing pair
        that fits on the grid, ``spurious`` names an unknown shape or colour,
        or the request is too large for memory.

    See Also
    --------
    make_scene_qa : scenes with questions and answers.
    edit_scenes : intervene on scenes and re-render them.

    Examples
    --------
    >>> from mmlab.data import make_scenes
    >>> s = make_scenes(5, random_state=0)
    >>> s.images.shape, s.color.shape
    ((5, 3, 32, 32), (5, 4, 4))
    >>> bool(((s.n_objects >= 2) & (s.n_objects <= 6)).all())
    True
    """
    n = check_positive_int(n, "n")
    grid = check_positive_int(grid, "grid", minimum=2)
    if grid > 8:
        raise ValueError(f"grid must be between 2 and 8 cells per side; got {grid}.")
    cell = check_positive_int(cell, "cell", minimum=6)
    if cell > 16:
        raise ValueError(f"cell must be between 6 and 16 pixels; got {cell}.")
    lo, hi = _check_n_objects(n_objects, grid)
    noise = check_scalar(noise, "noise", min_val=0)
    strength = check_fraction(spurious_strength, "spurious_strength")
    spurious = _check_spurious(spurious)
    check_size(
        n * 3 * (grid * cell) ** 2,
        f"make_scenes(n={n}, grid={grid}, cell={cell})",
        what="pixels",
        remedy="Draw fewer or smaller scenes.",
    )
    rng = check_random_state(random_state)

    k = rng.integers(lo, hi + 1, size=n)
    order = np.argsort(rng.random((n, grid * grid)), axis=1)  # a random permutation of the cells per scene
    occupied = np.zeros((n, grid * grid), dtype=bool)
    np.put_along_axis(occupied, order, np.arange(grid * grid)[None, :] < k[:, None], axis=1)
    occupied = occupied.reshape(n, grid, grid)
    shape = rng.integers(0, len(SCENE_SHAPES), size=(n, grid, grid))
    color = rng.integers(0, len(SCENE_COLORS), size=(n, grid, grid))
    fill = rng.integers(0, len(SCENE_FILLS), size=(n, grid, grid))
    if spurious is not None:
        s_idx, c_idx = SCENE_SHAPES.index(spurious[0]), SCENE_COLORS.index(spurious[1])
        follows = rng.random((n, grid, grid)) < strength
        others = rng.integers(0, len(SCENE_COLORS) - 1, size=(n, grid, grid))
        others = others + (others >= c_idx)  # one of the other colours
        color = np.where(follows, np.where(shape == s_idx, c_idx, others), color)
    color, shape, fill = (np.where(occupied, a, -1).astype(np.int64) for a in (color, shape, fill))
    images = _render(color, shape, fill, cell, noise, rng)
    return Scenes(
        images=images,
        color=color,
        shape=shape,
        fill=fill,
        cell=cell,
        noise=noise,
        spurious=spurious,
        spurious_strength=strength if spurious is not None else 0.0,
    )


def edit_scenes(
    scenes: Scenes,
    where: npt.ArrayLike,
    *,
    remove: bool = False,
    color: str | None = None,
    shape: str | None = None,
    fill: str | None = None,
    random_state: RandomState = None,
) -> Scenes:
    """Intervene on scenes: remove, add or change objects in the cells ``where`` marks, and re-render.

    This is :math:`\\mathrm{do}(\\cdot)` on the scene's ground truth: the
    edited cells change as asked, every other cell keeps its object, and the
    images are drawn again from the new ground truth (with fresh pixel
    noise). Recompute any answer with :func:`execute_program` on the result.

    Parameters
    ----------
    scenes : Scenes
    where : array-like of bool, shape (n, grid, grid)
        The cells to edit.
    remove : bool, default=False
        Empty the marked cells (then no attribute may be given).
    color, shape, fill : str, optional
        New attribute values for the marked cells. An occupied cell keeps the
        attributes not given; an empty cell becomes an object, so all three
        must be given when ``where`` marks an empty cell.
    random_state : int, numpy.random.Generator or None
        Seeds the new pixel noise.

    Returns
    -------
    Scenes
        The edited scenes (the input is unchanged).

    Raises
    ------
    TypeError
        If ``scenes`` is not a :class:`Scenes` or ``where`` is not boolean.
    ValueError
        If ``where`` has the wrong shape, nothing or contradictory edits are
        asked for, an attribute value is unknown, or an empty cell would get
        only some of its attributes.

    Examples
    --------
    >>> from mmlab.data import edit_scenes, execute_program, make_scenes
    >>> s = make_scenes(4, random_state=1)
    >>> circles = ("filter", "shape", "circle", ("scene",))
    >>> gone = edit_scenes(s, s.shape == 1, remove=True, random_state=0)
    >>> execute_program(("exists", circles), gone).tolist()
    [False, False, False, False]
    """
    if not isinstance(scenes, Scenes):
        raise TypeError(f"scenes must be a Scenes (from make_scenes); got {type(scenes).__name__}.")
    mask = check_array(where, "where", ndim=3)
    if mask.dtype != bool:
        raise TypeError(f"where must be a boolean mask of the cells to edit; got dtype {mask.dtype}.")
    if mask.shape != scenes.color.shape:
        raise ValueError(f"where must have shape {scenes.color.shape} (scenes, grid, grid); got {mask.shape}.")
    given = {"color": color, "shape": shape, "fill": fill}
    if remove and any(v is not None for v in given.values()):
        raise ValueError("remove=True empties the cells; do not also give attributes.")
    if not remove and all(v is None for v in given.values()):
        raise ValueError("nothing to edit: pass remove=True or at least one of color, shape, fill.")
    new = {"color": scenes.color.copy(), "shape": scenes.shape.copy(), "fill": scenes.fill.copy()}
    if remove:
        for a in new.values():
            a[mask] = -1
    else:
        empty = mask & ~scenes.occupied
        if empty.any() and any(v is None for v in given.values()):
            raise ValueError(
                f"where marks {int(empty.sum())} empty cell(s); adding an object needs color, shape and fill."
            )
        for name, value in given.items():
            if value is not None:
                new[name][mask] = SCENE_ATTRIBUTES[name].index(check_choice(value, name, SCENE_ATTRIBUTES[name]))
    rng = check_random_state(random_state)
    images = _render(new["color"], new["shape"], new["fill"], scenes.cell, scenes.noise, rng)
    return replace(scenes, images=images, **new)


# --------------------------------------------------------------------------- #
# programs
# --------------------------------------------------------------------------- #
def execute_program(program: tuple, scenes: Scenes) -> np.ndarray:
    """Evaluate a functional program on the ground truth of every scene.

    Parameters
    ----------
    program : tuple
        A nested tuple built from :data:`PROGRAM_OPS` (see the module
        docstring), e.g. ``("exists", ("filter", "color", "red", ("scene",)))``.
    scenes : Scenes

    Returns
    -------
    ndarray
        bool ``(n, grid, grid)`` for a set, bool ``(n,)`` for a yes/no
        answer, int64 ``(n,)`` for a count.

    Raises
    ------
    TypeError
        If ``scenes`` is not a :class:`Scenes` or the program is not a tuple.
    ValueError
        If the program is malformed (unknown operation or value, wrong number
        of arguments, a set where an answer is expected or the reverse).

    Examples
    --------
    >>> from mmlab.data import execute_program, make_scenes
    >>> s = make_scenes(3, random_state=0)
    >>> red = ("filter", "color", "red", ("scene",))
    >>> bool((execute_program(("count", red), s) == (s.color == 0).sum(axis=(1, 2))).all())
    True
    """
    if not isinstance(scenes, Scenes):
        raise TypeError(f"scenes must be a Scenes (from make_scenes); got {type(scenes).__name__}.")
    kind, value = _execute(program, scenes)
    return value


def program_text(program: tuple) -> str:
    """The question a program asks, in words (``"is there a red circle?"``).

    Raises
    ------
    ValueError
        If the program is malformed.

    Examples
    --------
    >>> from mmlab.data import program_text
    >>> program_text(("count", ("filter", "color", "red", ("filter", "shape", "circle", ("scene",)))))
    'how many red circles are there?'
    >>> program_text(("and", ("exists", ("filter", "color", "red", ("scene",))),
    ...               ("not", ("exists", ("filter", "shape", "circle", ("scene",))))))
    'is there a red object and no circle?'
    """
    _check_program(program)
    op = program[0]
    if op == "count":
        return f"how many {_noun_phrase(program[1], plural=True)} are there?"
    if _kind(program) == "bool":
        return f"is there {_clause(program)}?"
    return f"which {_noun_phrase(program, plural=True)}?"


def _clause(program: tuple) -> str:
    """The words after "is there" for a yes/no program."""
    op = program[0]
    if op == "exists":
        return _article(_noun_phrase(program[1]))
    if op == "not":
        inner = program[1]
        if inner[0] == "exists":
            return "no " + _noun_phrase(inner[1])
        return f"not ({_clause(inner)})"
    left, right = _clause(program[1]), _clause(program[2])
    return f"({left} {op} {right})" if " and " in left + right or " or " in left + right else f"{left} {op} {right}"


def program_tokens(program: tuple) -> list[str]:
    """The words of :func:`program_text`, lower case, without punctuation.

    Raises
    ------
    ValueError
        If the program is malformed.
    """
    return program_text(program).replace("?", " ").replace("(", " ").replace(")", " ").split()


def make_scene_qa(
    n: int,
    *,
    family: str = "exists_pair",
    exclude: Sequence[tuple[str, str]] = (),
    only: Sequence[tuple[str, str]] | None = None,
    balanced: bool = True,
    random_state: RandomState = None,
    **scene_options: Any,
) -> SceneQA:
    """Draw scenes with one question each, and the answer computed by executing the question's program.

    Question families (the colour-shape pair is drawn uniformly from the
    allowed pairs):

    - ``"exists_pair"``: "is there a <colour> <shape>?" (yes/no);
    - ``"count_pair"``: "how many <colour> <shape>s are there?" (a count);
    - ``"exists_single"``: "is there a <colour> object?" or "is there a <shape>?";
    - ``"exists_mixed"``: a third ``"exists_pair"``; two thirds single
      attributes of every pair (also the excluded ones), a fifth of them
      "is there a filled object?" (the antonym "hollow" is never asked).

    Parameters
    ----------
    n : int
        Number of scenes and questions.
    family : str, default="exists_pair"
    exclude : sequence of (colour, shape), default=()
        Pairs never asked about (held out for a compositional test).
    only : sequence of (colour, shape), optional
        Ask only about these pairs (e.g. the held-out ones).
    balanced : bool, default=True
        For yes/no families, make half the answers "yes": place the
        asked-about object in a random cell of scenes that lack it, or remove
        it from scenes that have it (so a scene may hold fewer objects than
        ``n_objects`` asks).
    random_state : int, numpy.random.Generator or None
    **scene_options
        Passed to :func:`make_scenes` (``grid``, ``cell``, ``n_objects``, ``noise``, ...).

    Returns
    -------
    SceneQA

    Raises
    ------
    ValueError
        If ``family`` is unknown, a pair is unknown, or no pair is left to ask about.

    Examples
    --------
    >>> from mmlab.data import make_scene_qa
    >>> qa = make_scene_qa(200, random_state=0)
    >>> qa.texts()[0], bool(qa.answers.mean() == 0.5)
    ('is there a blue triangle?', True)
    """
    check_choice(family, "family", _QA_FAMILIES)
    rng = check_random_state(random_state)
    pairs = _allowed_pairs(exclude, only)
    every_pair = _allowed_pairs((), None)
    scenes = make_scenes(n, random_state=rng, **scene_options)
    pick = rng.integers(0, len(pairs), size=n)
    programs: list[tuple] = []
    for i in range(n):
        c, s = pairs[pick[i]]
        np_ = ("filter", "color", c, ("filter", "shape", s, ("scene",)))
        single = family == "exists_single" or (family == "exists_mixed" and rng.random() < 2 / 3)
        if single:
            c, s = every_pair[int(rng.integers(0, len(every_pair)))] if family == "exists_mixed" else (c, s)
            u = rng.random()
            if family == "exists_mixed" and u < 0.2:  # "is there a filled object?" (never its antonym)
                np_ = ("filter", "fill", "filled", ("scene",))
            else:
                np_ = ("filter", "color", c, ("scene",)) if u < 0.6 else ("filter", "shape", s, ("scene",))
        programs.append(("count" if family == "count_pair" else "exists", np_))
    if balanced and family != "count_pair":
        scenes = _balance(scenes, programs, rng)
    answers = _answer_each(programs, scenes).astype(np.int64)
    vocabulary = qa_vocabulary()
    tokens = bag_of_words(programs, vocabulary)
    return SceneQA(
        scenes=scenes, programs=tuple(programs), answers=answers, tokens=tokens, vocabulary=vocabulary, family=family
    )


def qa_vocabulary() -> tuple[str, ...]:
    """Every word a scene-world question can contain, in a fixed order.

    Examples
    --------
    >>> from mmlab.data import qa_vocabulary
    >>> "circle" in qa_vocabulary() and "not" in qa_vocabulary()
    True
    """
    words = [
        "is",
        "there",
        "a",
        "an",
        "no",
        "how",
        "many",
        "are",
        "and",
        "or",
        "not",
        "that",
        "which",
        "object",
        "objects",
        "of",
        "the",
    ]
    words += list(SCENE_COLORS) + list(SCENE_FILLS) + list(SCENE_SHAPES) + [s + "s" for s in SCENE_SHAPES]
    words += list(SCENE_RELATIONS) + ["thing", "things", "below", "above"]
    return tuple(dict.fromkeys(words))


def bag_of_words(programs: Sequence[tuple], vocabulary: Sequence[str] | None = None) -> np.ndarray:
    """Word counts of each program's question text over ``vocabulary`` (float32 ``(n, |V|)``).

    Raises
    ------
    ValueError
        If a question uses a word outside the vocabulary.
    """
    vocabulary = tuple(qa_vocabulary() if vocabulary is None else vocabulary)
    index = {w: j for j, w in enumerate(vocabulary)}
    out = np.zeros((len(programs), len(vocabulary)), dtype=np.float32)
    for i, p in enumerate(programs):
        for w in program_tokens(p):
            if w not in index:
                raise ValueError(f"the word {w!r} of question {i} is not in the vocabulary; add it.")
            out[i, index[w]] += 1.0
    return out


# --------------------------------------------------------------------------- #
# private helpers: rendering
# --------------------------------------------------------------------------- #
def _glyph(shape: str, fill: str, cell: int) -> np.ndarray:
    """A ``(cell, cell)`` float mask of one glyph, one pixel of margin on every side."""
    size = cell - 2
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    if shape == "square":
        solid = np.ones((size, size), dtype=bool)
        inner = np.zeros_like(solid)
        inner[1:-1, 1:-1] = True
    elif shape == "circle":
        c, r = (size - 1) / 2, size / 2
        d = np.hypot(yy - c, xx - c)
        solid = d <= r - 0.15
        inner = d <= r - 1.25
    else:  # triangle, apex up: half width grows from 0.5 to size/2 from top to bottom
        c = (size - 1) / 2
        half = 0.5 + (size / 2 - 0.5) * yy / max(size - 1, 1)
        solid = np.abs(xx - c) <= half
        inner = (np.abs(xx - c) <= half - 1.2) & (yy >= 2) & (yy <= size - 2)
    mask = solid if fill == "filled" else solid & ~inner
    out = np.zeros((cell, cell))
    out[1:-1, 1:-1] = mask
    return out


def _render(
    color: np.ndarray, shape: np.ndarray, fill: np.ndarray, cell: int, noise: float, rng: np.random.Generator
) -> np.ndarray:
    """RGB images ``(n, 3, G * cell, G * cell)`` from the per-cell attribute indices, plus clipped noise."""
    n, g, _ = color.shape
    n_s, n_f, n_c = len(SCENE_SHAPES), len(SCENE_FILLS), len(SCENE_COLORS)
    glyphs = np.stack([[_glyph(s, f, cell) for f in SCENE_FILLS] for s in SCENE_SHAPES]).astype(np.float32)
    rgb = np.array([SCENE_RGB[c] for c in SCENE_COLORS], dtype=np.float32)  # (C, 3)
    # one coloured glyph per (colour, shape, fill) and a blank one for an empty cell: (C*S*F + 1, 3, cell, cell)
    table = np.einsum("ck,sfyx->csfkyx", rgb, glyphs).reshape(n_c * n_s * n_f, 3, cell, cell)
    table = np.concatenate([table, np.zeros((1, 3, cell, cell), dtype=np.float32)])
    code = np.where(color >= 0, (color * n_s + shape) * n_f + fill, n_c * n_s * n_f)
    img = table[code]  # (n, G, G, 3, cell, cell)
    img = img.transpose(0, 3, 1, 4, 2, 5).reshape(n, 3, g * cell, g * cell)
    if noise > 0:
        img = img + noise * rng.standard_normal(size=img.shape, dtype=np.float32)
    return np.clip(img, 0.0, 1.0, out=img)


# --------------------------------------------------------------------------- #
# private helpers: programs
# --------------------------------------------------------------------------- #
def _check_program(program: Any) -> None:
    if not isinstance(program, tuple) or not program:
        raise ValueError(f"a program is a non-empty tuple such as ('exists', ('scene',)); got {program!r}.")
    _kind(program)


def _kind(program: Any) -> str:
    """``"set"``, ``"bool"`` or ``"count"``: the type of a program's value (validates the program)."""
    if not isinstance(program, tuple) or not program:
        raise ValueError(f"a program is a non-empty tuple such as ('exists', ('scene',)); got {program!r}.")
    op, args = program[0], program[1:]
    if op not in PROGRAM_OPS:
        raise ValueError(f"unknown program operation {op!r}; the operations are {list(PROGRAM_OPS)}.")
    arity = {"scene": 0, "filter": 3, "relate": 2, "and": 2, "or": 2, "not": 1, "exists": 1, "count": 1}[op]
    if len(args) != arity:
        raise ValueError(f"{op!r} takes {arity} argument(s); got {len(args)} in {program!r}.")
    if op == "scene":
        return "set"
    if op == "filter":
        attr, value, child = args
        if attr not in SCENE_ATTRIBUTES or value not in SCENE_ATTRIBUTES[attr]:
            raise ValueError(
                f"('filter', attr, value, ...) needs attr in {list(SCENE_ATTRIBUTES)} and a value of "
                f"it; got {attr!r}, {value!r}."
            )
        _expect(child, "set", op)
        return "set"
    if op == "relate":
        if args[0] not in SCENE_RELATIONS:
            raise ValueError(
                f"('relate', direction, ...) needs a direction in {list(SCENE_RELATIONS)}; got {args[0]!r}."
            )
        _expect(args[1], "set", op)
        return "set"
    if op in ("exists", "count"):
        _expect(args[0], "set", op)
        return "bool" if op == "exists" else "count"
    kinds = {_kind(a) for a in args}
    if len(kinds) != 1 or kinds & {"count"}:
        raise ValueError(f"{op!r} combines two sets or two yes/no answers; got {sorted(kinds)} in {program!r}.")
    return kinds.pop()


def _expect(child: Any, kind: str, op: str) -> None:
    got = _kind(child)
    if got != kind:
        raise ValueError(f"{op!r} needs a {kind} as its argument; got a {got} ({child!r}).")


def _relate(s: np.ndarray, direction: str) -> np.ndarray:
    """Cells on ``direction``'s side of some cell of ``s`` in the same row or column."""
    if direction in ("left", "right"):
        axis, flip = 2, direction == "right"
    else:
        axis, flip = 1, direction == "below"
    x = np.flip(s, axis=axis) if flip else s
    # strictly after along the axis: some later cell is in s
    later = np.flip(np.maximum.accumulate(np.flip(x, axis=axis), axis=axis), axis=axis)
    later = np.concatenate(
        [np.take(later, np.arange(1, x.shape[axis]), axis=axis), np.zeros_like(np.take(later, [0], axis=axis))],
        axis=axis,
    )
    return np.flip(later, axis=axis) if flip else later


def _execute(program: tuple, scenes: Scenes) -> tuple[str, np.ndarray]:
    if not isinstance(program, tuple):
        raise TypeError(f"program must be a tuple such as ('exists', ('scene',)); got {type(program).__name__}.")
    kind = _kind(program)
    op = program[0]
    occ = scenes.occupied
    if op == "scene":
        return kind, occ.copy()
    if op == "filter":
        _, child = _execute(program[3], scenes)
        idx = SCENE_ATTRIBUTES[program[1]].index(program[2])
        return kind, child & (scenes.attribute(program[1]) == idx)
    if op == "relate":
        _, child = _execute(program[2], scenes)
        return kind, _relate(child, program[1]) & occ
    if op == "exists":
        return kind, _execute(program[1], scenes)[1].any(axis=(1, 2))
    if op == "count":
        return kind, _execute(program[1], scenes)[1].sum(axis=(1, 2)).astype(np.int64)
    values = [_execute(a, scenes)[1] for a in program[1:]]
    if op == "and":
        return kind, values[0] & values[1]
    if op == "or":
        return kind, values[0] | values[1]
    return kind, (~values[0] & occ) if kind == "set" else ~values[0]


def _noun_phrase(program: tuple, plural: bool = False) -> str:
    """Words for a set program: adjectives (colour, fill) before a noun (the shape, else "object")."""
    op = program[0]
    if op in ("scene", "filter"):
        adjectives, noun, node = [], None, program
        while node[0] == "filter":
            if node[1] == "shape":
                noun = node[2]
            else:
                adjectives.append(node[2])
            node = node[3]
        if node[0] != "scene":
            inner = _noun_phrase(node, plural)
            return " ".join(adjectives[::-1] + ([noun + ("s" if plural else "")] if noun else []) + [inner])
        word = (noun or "object") + ("s" if plural else "")
        order = sorted(adjectives, key=lambda a: 0 if a in SCENE_FILLS else 1)
        return " ".join(order + [word])
    if op == "relate":
        return f"{'things' if plural else 'thing'} {program[1]} of the {_noun_phrase(program[2])}"
    if op == "not":
        return f"{'things' if plural else 'thing'} that is not a {_noun_phrase(program[1])}"
    word = "things" if plural else "thing"
    return f"{word} that is a {_noun_phrase(program[1])} {op} a {_noun_phrase(program[2])}"


def _article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


# --------------------------------------------------------------------------- #
# private helpers: validation and sampling
# --------------------------------------------------------------------------- #
def _check_index(index: npt.ArrayLike, n: int) -> np.ndarray:
    idx = check_array(index, "index", ndim=1)
    if idx.dtype == bool:
        if idx.shape[0] != n:
            raise ValueError(f"a boolean index must have {n} entries (one per scene); got {idx.shape[0]}.")
        return np.flatnonzero(idx)
    if idx.size and not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"index must hold integers or booleans; got dtype {idx.dtype}.")
    idx = idx.astype(np.int64)
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise ValueError(f"index must lie in [0, {n}); got values from {idx.min()} to {idx.max()}.")
    return idx


def _check_n_objects(n_objects: Any, grid: int) -> tuple[int, int]:
    if not isinstance(n_objects, (tuple, list)) or len(n_objects) != 2:
        raise TypeError(f"n_objects must be a pair (fewest, most), e.g. (2, 6); got {n_objects!r}.")
    lo = check_positive_int(n_objects[0], "n_objects[0]", minimum=0)
    hi = check_positive_int(n_objects[1], "n_objects[1]", minimum=0)
    if lo > hi or hi > grid * grid:
        raise ValueError(f"n_objects must satisfy 0 <= fewest <= most <= grid**2 = {grid * grid}; got {n_objects}.")
    return lo, hi


def _check_spurious(spurious: Any) -> tuple[str, str] | None:
    if spurious is None:
        return None
    if not isinstance(spurious, (tuple, list)) or len(spurious) != 2:
        raise TypeError(f"spurious must be a pair (shape, colour), e.g. ('circle', 'red'); got {spurious!r}.")
    shape = check_choice(spurious[0], "spurious[0] (a shape)", SCENE_SHAPES)
    color = check_choice(spurious[1], "spurious[1] (a colour)", SCENE_COLORS)
    return shape, color


def _allowed_pairs(exclude: Sequence[tuple[str, str]], only: Sequence[tuple[str, str]] | None) -> list[tuple[str, str]]:
    every = [(c, s) for c in SCENE_COLORS for s in SCENE_SHAPES]
    for name, given in (("exclude", exclude), ("only", only or ())):
        for pair in given:
            if tuple(pair) not in every:
                raise ValueError(f"{name} holds {pair!r}, which is not a (colour, shape) pair of the scene world.")
    pairs = [p for p in (every if only is None else [tuple(p) for p in only]) if p not in {tuple(e) for e in exclude}]
    if not pairs:
        raise ValueError("no (colour, shape) pair is left to ask about; exclude fewer pairs.")
    return pairs


def _truth(scenes: Scenes) -> Scenes:
    """The ground truth without pixels (cheap to subset)."""
    return replace(scenes, images=np.zeros((scenes.n, 0), dtype=np.float32))


def _answer_each(programs: Sequence[tuple], scenes: Scenes) -> np.ndarray:
    """``execute_program(programs[i], scene i)`` for every i, one call per distinct program."""
    truth = _truth(scenes)
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(programs):
        groups.setdefault(p, []).append(i)
    out: np.ndarray | None = None
    for p, rows in groups.items():
        value = execute_program(p, truth.subset(rows))
        if out is None:
            out = np.zeros((len(programs), *value.shape[1:]), dtype=value.dtype)
        out[rows] = value
    return out  # type: ignore[return-value]


def _balance(scenes: Scenes, programs: list[tuple], rng: np.random.Generator) -> Scenes:
    """Place the asked-about object into half of the scenes that lack it (answers about half yes)."""
    color, shape, fill = scenes.color.copy(), scenes.shape.copy(), scenes.fill.copy()
    changed = False
    present = _answer_each([("exists", p[1]) for p in programs], scenes)
    absent = np.flatnonzero(~present)
    wanted_yes = len(programs) // 2 - int(present.sum())
    chosen = set(rng.permutation(absent)[: max(wanted_yes, 0)].tolist())
    if wanted_yes < 0:  # too many "yes": remove the asked-about objects from some scenes
        drop = rng.permutation(np.flatnonzero(present))[:-wanted_yes]
        cells = _answer_each([programs[i][1] for i in drop], scenes.subset(drop))
        for k, i in enumerate(drop):
            color[i][cells[k]] = shape[i][cells[k]] = fill[i][cells[k]] = -1
        changed = True
    for i, p in enumerate(programs):
        if i not in chosen:
            continue
        wanted = {}
        node = p[1]
        while node[0] == "filter":
            wanted[node[1]] = SCENE_ATTRIBUTES[node[1]].index(node[2])
            node = node[3]
        r, c = divmod(int(rng.integers(0, scenes.grid**2)), scenes.grid)
        color[i, r, c] = wanted.get("color", rng.integers(0, len(SCENE_COLORS)))
        shape[i, r, c] = wanted.get("shape", rng.integers(0, len(SCENE_SHAPES)))
        fill[i, r, c] = wanted.get("fill", rng.integers(0, len(SCENE_FILLS)))
        changed = True
    if not changed:
        return scenes
    images = _render(color, shape, fill, scenes.cell, scenes.noise, rng)
    return replace(scenes, images=images, color=color, shape=shape, fill=fill)
