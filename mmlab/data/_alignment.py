"""Data with known alignment: spoken digit strings (shipped) and two seeded generators.

Alignment can only be taught where the true correspondence is known. This
module gives three sources of it:

- **Digit strings** (:func:`load_digit_strings`, shipped as
  ``data/digit_strings.npz``): 1,000 strings of three to five distinct digits,
  each spoken twice by a synthetic voice (espeak-ng) at per-digit random rates,
  gains and pauses, as log-mel frames, with the first and last frame of every
  spoken digit; the written digits; and a strip of handwritten digit images,
  one per digit, in order. The two renderings of a string are time-warped
  versions of each other whose warping is known at the digit boundaries.
- **Warped pairs** (:func:`make_warped_pair`): a random sequence and a copy
  whose time axis is stretched and squeezed along a planted warping path, the
  path that dynamic time warping should recover.
- **Scene graphs** (:func:`make_scene_graphs`): scenes of object nodes (an
  "image" modality) and one word node (a "text" modality) that refers to one
  of the objects; the label is an attribute of the referred object, so a
  model must find the one relevant neighbour.

Used by: ``lectures/2_alignment/`` and ``labs/2_alignment/``.

References
----------
Sakoe, H. and Chiba, S. Dynamic programming algorithm optimization for spoken
word recognition. IEEE Trans. ASSP 26(1), 1978.
Alpaydin, E. and Kaynak, C. "Optical Recognition of Handwritten Digits", UCI
Machine Learning Repository, 1998.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np

from mmlab._validation import (
    RandomState,
    check_choice,
    check_positive_int,
    check_random_state,
    check_scalar,
)
from mmlab.data._shipped import read_card, shipped_path

__all__ = [
    "DIGIT_STRINGS_CLASSES",
    "DIGIT_STRINGS_FRAME_RATE",
    "DIGIT_STRINGS_MAX_DIGITS",
    "DIGIT_STRINGS_N_MELS",
    "DIGIT_STRINGS_RENDERINGS",
    "DIGIT_STRINGS_SPLITS",
    "DigitStrings",
    "SceneGraphs",
    "WarpedPair",
    "digit_strings_card",
    "load_digit_strings",
    "make_scene_graphs",
    "make_warped_pair",
]

#: The fixed splits: consecutive blocks of 600 / 200 / 200 strings; their digit images come from disjoint pools.
DIGIT_STRINGS_SPLITS: tuple[str, ...] = ("train", "val", "test")

#: The two renderings of every string: same voice, independently drawn rates, gains, pauses and noise.
DIGIT_STRINGS_RENDERINGS: tuple[str, ...] = ("a", "b")

#: Class names of the digits 0-9.
DIGIT_STRINGS_CLASSES: tuple[str, ...] = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)

#: Mel bands per frame.
DIGIT_STRINGS_N_MELS: int = 20

#: Frames per second (hop of 551 samples at 22,050 Hz, about 25 ms).
DIGIT_STRINGS_FRAME_RATE: float = 22050 / 551

#: The most digits a string holds (strings hold 3, 4 or 5 distinct digits).
DIGIT_STRINGS_MAX_DIGITS: int = 5

_CARD = "digit_strings"
_FILE = "digit_strings.npz"


# --------------------------------------------------------------------------- #
# the shipped digit strings
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class DigitStrings:
    """One split of the spoken digit strings: speech frames with known digit segments, written digits, images.

    String ``i`` holds ``K_i`` distinct digits. Every per-string field is a
    tuple with one array per string, in the same order.

    Attributes
    ----------
    split : str
        ``"train"``, ``"val"`` or ``"test"``.
    digits : tuple of ndarray
        int64 ``(K_i,)``: the written digits, in spoken order.
    text : tuple of str
        The written digits as text, e.g. ``"3 7 0 1"``.
    frames : tuple of ndarray
        float32 ``(T_i, 20)``: log-mel frames of rendering "a", in [0, 1]
        (value ``v`` means ``100 v - 80`` dB), 40 frames per second.
    segments : tuple of ndarray
        int64 ``(K_i, 2)``: digit ``k`` of rendering "a" occupies frames
        ``segments[i][k, 0] <= t < segments[i][k, 1]``; the other frames are silence (with noise).
    frames_b, segments_b : tuple of ndarray
        The same for rendering "b" of the same strings (other rates, gains, pauses and noise).
    images : tuple of ndarray
        float32 ``(K_i, 8, 8)``: a handwritten image of each digit, in order, in [0, 1].
    index : ndarray
        int64 ``(n,)``: rows of the full data set (0-999).
    meta : mapping of str to ndarray or tuple
        How each string was made. Per string (arrays of length n): ``voice``,
        ``pitch``, ``pitch_range``, ``snr_db``, ``snr_db_b``, ``noise``,
        ``noise_b``. Per digit (tuples of ``(K_i,)`` arrays): ``rate``,
        ``rate_b`` (words per minute), ``gain_db``, ``gain_db_b``,
        ``image_index`` (row of ``sklearn.datasets.load_digits``); ``pause_s``,
        ``pause_s_b`` hold ``K_i + 1`` silences (lead, gaps, tail) and
        ``segments_samples``, ``segments_samples_b`` the segments in samples at 22,050 Hz.
    """

    split: str
    digits: tuple
    text: tuple
    frames: tuple
    segments: tuple
    frames_b: tuple
    segments_b: tuple
    images: tuple
    index: np.ndarray
    meta: Mapping[str, Any]

    @property
    def n(self) -> int:
        """Number of strings."""
        return len(self.digits)

    def __len__(self) -> int:
        return self.n

    def lengths(self, rendering: str = "a") -> np.ndarray:
        """int64 ``(n,)``: the number of frames of every string in one rendering."""
        return np.array([len(f) for f in self._frames(rendering)], dtype=np.int64)

    def padded(self, rendering: str = "a", *, device: Any = None) -> tuple[Any, Any]:
        """The frames of one rendering as one zero-padded tensor and the lengths.

        Returns
        -------
        frames : torch.Tensor
            float32 ``(n, T_max, 20)``, zeros after each string's end.
        lengths : torch.Tensor
            int64 ``(n,)``.
        """
        import torch

        frames = self._frames(rendering)
        lengths = self.lengths(rendering)
        out = np.zeros((self.n, int(lengths.max()), DIGIT_STRINGS_N_MELS), dtype=np.float32)
        for i, f in enumerate(frames):
            out[i, : len(f)] = f
        return torch.from_numpy(out).to(device), torch.from_numpy(lengths).to(device)

    def padded_digits(self, *, fill: int = -1, device: Any = None) -> Any:
        """int64 tensor ``(n, 5)``: each string's digits, padded with ``fill``."""
        import torch

        out = np.full((self.n, DIGIT_STRINGS_MAX_DIGITS), fill, dtype=np.int64)
        for i, d in enumerate(self.digits):
            out[i, : len(d)] = d
        return torch.from_numpy(out).to(device)

    def frame_labels(self, rendering: str = "a", *, silence: int = -1) -> tuple:
        """Per string, int64 ``(T_i,)``: the digit spoken in each frame, ``silence`` between digits."""
        out = []
        for frames, segs, digits in zip(self._frames(rendering), self._segments(rendering), self.digits, strict=True):
            labels = np.full(len(frames), silence, dtype=np.int64)
            for (start, stop), d in zip(segs, digits, strict=True):
                labels[start:stop] = d
            out.append(labels)
        return tuple(out)

    def _frames(self, rendering: str) -> tuple:
        return self.frames if check_choice(rendering, "rendering", DIGIT_STRINGS_RENDERINGS) == "a" else self.frames_b

    def _segments(self, rendering: str) -> tuple:
        return (
            self.segments if check_choice(rendering, "rendering", DIGIT_STRINGS_RENDERINGS) == "a" else self.segments_b
        )


def load_digit_strings(split: str = "train") -> DigitStrings:
    r"""Load one split of the spoken digit strings, whose every digit boundary is known.

    The shipped file is checked against the sha256 in ``data/digit_strings.md``
    and decoded: log-mel frames are stored as uint8 codes :math:`q` and
    returned as :math:`x = q / 255`, where

    .. math::

        x_{t,b} \approx \frac{\operatorname{clip}(10 \log_{10} S_{t,b},\, -80,\, 20) + 80}{100},

    :math:`S_{t,b}` being the mel power of frame :math:`t` in band :math:`b`;
    images are stored as sklearn's grey levels 0-16 and returned divided by 16.
    Frame :math:`t` (centred at sample :math:`551\, t`) belongs to digit
    :math:`k` when its centre lies in the digit's samples :math:`[s_k, e_k)`,
    i.e. :math:`\lceil s_k / 551 \rceil \le t < \lceil e_k / 551 \rceil`.

    Parameters
    ----------
    split : {"train", "val", "test"}, default="train"
        600, 200 or 200 strings.

    Returns
    -------
    DigitStrings
        Per string: digits, text, frames and segments of both renderings,
        images, and how it was made (``meta``).

    Raises
    ------
    ValueError
        If ``split`` is unknown or the shipped file does not match its card.
    FileNotFoundError
        If ``data/digit_strings.npz`` is missing.

    See Also
    --------
    digit_strings_card : the data card.
    make_warped_pair : a synthetic pair with a planted warping path.

    Notes
    -----
    The digits of a string are distinct, so every written digit and every
    image has exactly one spoken segment. Within each string the two
    renderings share the voice (accent, variant, pitch) and differ in the rate
    and gain of every digit, the pauses and the background noise, so they are
    warped versions of each other: their true correspondence is known at
    every digit boundary, not frame by frame inside a digit.

    Examples
    --------
    >>> test = load_digit_strings("test")
    >>> len(test), test.frames[0].shape[1], test.text[0]
    (200, 20, '8 3 6 1')
    >>> test.segments[0].tolist()
    [[3, 12], [18, 25], [33, 43], [45, 55]]
    >>> test.images[0].shape
    (4, 8, 8)
    """
    split = check_choice(split, "split", DIGIT_STRINGS_SPLITS)
    return _load_split(split)


@lru_cache(maxsize=3)
def _load_split_cached(split: str, path: str, mtime_ns: int) -> DigitStrings:
    z = _read(path, mtime_ns)
    rows = np.flatnonzero(z["split"] == split).astype(np.int64)
    off = z["digit_offsets"]

    def per_digit(key: str, rows_: np.ndarray = rows) -> tuple:
        return tuple(_frozen(z[key][off[i] : off[i + 1]]) for i in rows_)

    def per_pause(key: str) -> tuple:
        return tuple(_frozen(z[key][off[i] + i : off[i + 1] + i + 1]) for i in rows)

    def frames_of(name: str) -> tuple:
        foff = z[f"frame_offsets_{name}"]
        return tuple(
            _frozen(z[f"frames_{name}"][foff[i] : foff[i + 1]].astype(np.float32) / np.float32(255.0)) for i in rows
        )

    digits = tuple(_frozen(d.astype(np.int64)) for d in per_digit("digits"))
    images = tuple(
        _frozen(z["images"][off[i] : off[i + 1]].reshape(-1, 8, 8).astype(np.float32) / np.float32(16.0)) for i in rows
    )
    meta: dict[str, Any] = {
        "voice": _frozen(z["voice"][rows]),
        "pitch": _frozen(z["voice_pitch"][rows]),
        "pitch_range": _frozen(z["voice_pitch_range"][rows]),
        "image_index": per_digit("image_index"),
    }
    for name, suffix in (("a", ""), ("b", "_b")):
        meta[f"snr_db{suffix}"] = _frozen(z[f"snr_db_{name}"][rows])
        meta[f"noise{suffix}"] = _frozen(z[f"noise_{name}"][rows])
        meta[f"rate{suffix}"] = per_digit(f"rate_{name}")
        meta[f"gain_db{suffix}"] = per_digit(f"gain_db_{name}")
        meta[f"pause_s{suffix}"] = per_pause(f"pause_s_{name}")
        meta[f"segments_samples{suffix}"] = tuple(
            _frozen(s.astype(np.int64)) for s in per_digit(f"segments_samples_{name}")
        )
    return DigitStrings(
        split=split,
        digits=digits,
        text=tuple(" ".join(str(int(v)) for v in d) for d in digits),
        frames=frames_of("a"),
        segments=tuple(_frozen(s.astype(np.int64)) for s in per_digit("segments_a")),
        frames_b=frames_of("b"),
        segments_b=tuple(_frozen(s.astype(np.int64)) for s in per_digit("segments_b")),
        images=images,
        index=_frozen(rows),
        meta=MappingProxyType(meta),
    )


def _load_split(split: str) -> DigitStrings:
    path = shipped_path(_CARD, _FILE)
    return _load_split_cached(split, str(path), path.stat().st_mtime_ns)


#: Frames every string's speech is padded to in the catalogue's fixed-size view (the longest string has 150).
_CATALOGUE_FRAMES = 160


def _catalogue_views(data: DigitStrings) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Fixed-size arrays of a split for :mod:`mmlab.data`'s catalogue: padded speech, image strip, written digits.

    ``speech``: rendering a, band-major ``(n, 20, 160)``, zero after the end;
    ``images``: the strip side by side ``(n, 8, 40)``, zero after the last digit;
    ``digits``: ``(n, 5)`` padded with -1 (also the target).
    """
    n = len(data)
    speech = np.zeros((n, DIGIT_STRINGS_N_MELS, _CATALOGUE_FRAMES), dtype=np.float32)
    strip = np.zeros((n, 8, 8 * DIGIT_STRINGS_MAX_DIGITS), dtype=np.float32)
    digits = np.full((n, DIGIT_STRINGS_MAX_DIGITS), -1, dtype=np.int64)
    for i in range(n):
        speech[i, :, : len(data.frames[i])] = data.frames[i].T
        k = len(data.digits[i])
        strip[i, :, : 8 * k] = np.concatenate(list(data.images[i]), axis=1)
        digits[i, :k] = data.digits[i]
    return {"speech": speech, "images": strip, "digits": digits}, digits


def digit_strings_card() -> str:
    """Return the data card ``data/digit_strings.md``: what the digit strings are and how they were made."""
    return read_card(_CARD)


@lru_cache(maxsize=2)
def _read(path: str, mtime_ns: int) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


# --------------------------------------------------------------------------- #
# a synthetic pair with a planted warping path
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class WarpedPair:
    """Two sequences and the warping path that aligns them, planted by :func:`make_warped_pair`.

    Attributes
    ----------
    x : ndarray
        float64 ``(n, d)``.
    y : ndarray
        float64 ``(m, d)``.
    path : ndarray
        int64 ``(L, 2)``: the planted warping path, from ``(0, 0)`` to
        ``(n - 1, m - 1)``, each step one of ``(1, 0)``, ``(0, 1)``, ``(1, 1)``.
    base : ndarray
        float64 ``(K, d)``: the sequence both were made from.
    """

    x: np.ndarray
    y: np.ndarray
    path: np.ndarray
    base: np.ndarray


def make_warped_pair(
    n_base: int = 30, *, dim: int = 2, max_run: int = 3, noise: float = 0.0, random_state: RandomState = None
) -> WarpedPair:
    r"""Draw a sequence and a time-warped copy of it, and return the warping path that relates them.

    A base sequence :math:`s_1, \dots, s_K` is a random walk in
    :math:`\mathbb{R}^d` (steps :math:`\mathcal N(0, I)`, so consecutive
    elements differ). Each base element is repeated :math:`r_k` times in
    :math:`x` and :math:`c_k` times in :math:`y`, where one of the two is 1
    and the other is drawn from :math:`\{1, \dots, \text{max\_run}\}`: the
    copy is slowed down where :math:`c_k > 1` and sped up where
    :math:`r_k > 1`. Gaussian noise of standard deviation ``noise`` is then
    added to both. The planted path visits, for each :math:`k`, the
    :math:`r_k c_k` cells pairing the copies of :math:`s_k`, so with
    ``noise=0`` it is the only path of zero DTW cost.

    Parameters
    ----------
    n_base : int, default=30
        :math:`K`, the length of the base sequence (>= 2).
    dim : int, default=2
        :math:`d`.
    max_run : int, default=3
        Longest run of one repeated element (>= 1; 1 gives no warping).
    noise : float, default=0.0
        Standard deviation of the noise added to ``x`` and ``y`` (>= 0).
    random_state : int, numpy.random.Generator or None
        Seed or generator.

    Returns
    -------
    WarpedPair
        ``x`` ``(n, d)``, ``y`` ``(m, d)``, the planted ``path`` ``(L, 2)`` and the ``base``.

    Raises
    ------
    TypeError
        If a size is not an integer, ``noise`` not a real number or ``random_state`` invalid.
    ValueError
        If ``n_base < 2``, ``dim < 1``, ``max_run < 1`` or ``noise < 0``.

    See Also
    --------
    mmlab.align.dtw : recovers the path.

    Examples
    --------
    >>> pair = make_warped_pair(5, max_run=2, random_state=0)
    >>> pair.path[0].tolist(), pair.path[-1].tolist() == [len(pair.x) - 1, len(pair.y) - 1]
    ([0, 0], True)
    """
    n_base = check_positive_int(n_base, "n_base", minimum=2)
    dim = check_positive_int(dim, "dim")
    max_run = check_positive_int(max_run, "max_run")
    noise = check_scalar(noise, "noise", min_val=0.0)
    rng = check_random_state(random_state)
    base = np.cumsum(rng.standard_normal((n_base, dim)), axis=0)
    runs = rng.integers(1, max_run + 1, size=n_base)
    slow = rng.random(n_base) < 0.5  # True: the copy y repeats s_k; False: x does
    r = np.where(slow, 1, runs)  # r_k: copies of s_k in x
    c = np.where(slow, runs, 1)  # c_k: copies of s_k in y
    x, y = np.repeat(base, r, axis=0), np.repeat(base, c, axis=0)
    path, i0, j0 = [], 0, 0
    for rk, ck in zip(r, c, strict=True):
        path.extend((i0 + a, j0 + b) for a in range(rk) for b in range(ck))  # one of rk, ck is 1: a line
        i0, j0 = i0 + rk, j0 + ck
    if noise > 0:
        x = x + noise * rng.standard_normal(x.shape)
        y = y + noise * rng.standard_normal(y.shape)
    return WarpedPair(x=x, y=y, path=np.array(path, dtype=np.int64), base=base)


# --------------------------------------------------------------------------- #
# scene graphs: object nodes and a referring word node
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class SceneGraphs:
    """Scenes as graphs: node 0 is a word node, nodes 1..n_objects are objects; made by :func:`make_scene_graphs`.

    Attributes
    ----------
    x : ndarray
        float32 ``(n_scenes, 1 + n_objects, feature_dim)``: node features. The
        word node holds the "text" rendering of the category it names, object
        nodes the "image" rendering of their category and colour; the last
        feature is 1 on word nodes and 0 on object nodes.
    adjacency : ndarray
        bool ``(n_scenes, n_nodes, n_nodes)``: the word is linked to every
        object and the objects to each other (no self loops; symmetric).
    y : ndarray
        int64 ``(n_scenes,)``: the colour of the object the word refers to.
    referent : ndarray
        int64 ``(n_scenes,)``: the node index (1..n_objects) of that object.
    categories, colours : ndarray
        int64 ``(n_scenes, n_objects)``: every object's category and colour.
    """

    x: np.ndarray
    adjacency: np.ndarray
    y: np.ndarray
    referent: np.ndarray
    categories: np.ndarray
    colours: np.ndarray

    @property
    def n(self) -> int:
        """Number of scenes."""
        return int(self.y.shape[0])

    def __len__(self) -> int:
        return self.n

    def subset(self, rows: Any) -> SceneGraphs:
        """The scenes selected by ``rows`` (a slice, integer indices or a boolean mask), same renderings."""
        return SceneGraphs(
            x=self.x[rows],
            adjacency=self.adjacency[rows],
            y=self.y[rows],
            referent=self.referent[rows],
            categories=self.categories[rows],
            colours=self.colours[rows],
        )

    def tensors(self, device: Any = None) -> tuple[list, Any]:
        """``([x, adjacency], y)`` as torch tensors, the inputs and targets of :class:`mmlab.align.GraphClassifier`."""
        import torch

        return (
            [torch.from_numpy(self.x).to(device), torch.from_numpy(self.adjacency).to(device)],
            torch.from_numpy(self.y).to(device),
        )


def make_scene_graphs(
    n_scenes: int,
    *,
    n_objects: int = 6,
    n_categories: int = 10,
    n_colours: int = 4,
    feature_dim: int = 16,
    noise: float = 0.3,
    random_state: RandomState = None,
) -> SceneGraphs:
    r"""Draw scenes of objects plus a word that names one of them; the label is the named object's colour.

    Each scene has ``n_objects`` objects of distinct categories
    :math:`c_j \in \{0..C-1\}`, each with a colour :math:`a_j \in \{0..A-1\}`
    (uniform), and one word naming the category of one object, the referent
    :math:`r` (uniform). Node features are fixed random renderings, one map
    per modality, plus Gaussian noise:

    .. math::

        x_{\text{object } j} = W_{\text{img}} [e_{c_j}; e_{a_j}] + \varepsilon_j, \qquad
        x_{\text{word}} = W_{\text{txt}}\, e_{c_r} + \varepsilon_0, \qquad y = a_r,

    with :math:`e` one-hot vectors and :math:`W` drawn once per call
    (entries :math:`\mathcal N(0, 1/\sqrt{\cdot})`). Only one of the word's
    neighbours decides the label; averaging over all of them blurs it. The
    renderings are drawn from ``random_state`` too, so draw the training and
    test scenes in one call and split them with :meth:`SceneGraphs.subset`.

    Parameters
    ----------
    n_scenes : int
        Number of scenes (graphs).
    n_objects : int, default=6
        Objects per scene (2 <= n_objects <= n_categories).
    n_categories : int, default=10
        :math:`C`.
    n_colours : int, default=4
        :math:`A`, the number of classes (>= 2).
    feature_dim : int, default=16
        Size of each rendering (the node features have one more entry: the word flag).
    noise : float, default=0.3
        Standard deviation of :math:`\varepsilon` (>= 0).
    random_state : int, numpy.random.Generator or None
        Seed or generator (the renderings are drawn from it too).

    Returns
    -------
    SceneGraphs

    Raises
    ------
    TypeError
        If a size is not an integer, ``noise`` is not a real number or ``random_state`` invalid.
    ValueError
        If a size is out of range or ``noise < 0``.

    Examples
    --------
    >>> g = make_scene_graphs(8, n_objects=3, random_state=0)
    >>> g.x.shape, g.adjacency.shape, g.y.shape
    ((8, 4, 17), (8, 4, 4), (8,))
    >>> bool((g.colours[np.arange(8), g.referent - 1] == g.y).all())
    True
    """
    n_scenes = check_positive_int(n_scenes, "n_scenes")
    n_categories = check_positive_int(n_categories, "n_categories", minimum=2)
    n_objects = check_positive_int(n_objects, "n_objects", minimum=2)
    if n_objects > n_categories:
        raise ValueError(
            f"n_objects must be at most n_categories (objects have distinct categories); got "
            f"n_objects={n_objects} > n_categories={n_categories}."
        )
    n_colours = check_positive_int(n_colours, "n_colours", minimum=2)
    feature_dim = check_positive_int(feature_dim, "feature_dim")
    noise = check_scalar(noise, "noise", min_val=0.0)
    rng = check_random_state(random_state)
    w_img = rng.standard_normal((n_categories + n_colours, feature_dim)) / np.sqrt(2.0)
    w_txt = rng.standard_normal((n_categories, feature_dim))
    cats = np.argsort(rng.random((n_scenes, n_categories)), axis=1)[:, :n_objects]  # distinct per scene
    cols = rng.integers(n_colours, size=(n_scenes, n_objects))
    ref = rng.integers(n_objects, size=n_scenes)
    rows = np.arange(n_scenes)
    obj = w_img[cats] + w_img[n_categories + cols]  # W_img [e_c; e_a]
    word = w_txt[cats[rows, ref]]  # W_txt e_{c_r}
    feats = np.concatenate([word[:, None, :], obj], axis=1)
    feats = feats + noise * rng.standard_normal(feats.shape)
    flag = np.zeros((n_scenes, n_objects + 1, 1))
    flag[:, 0] = 1.0
    x = np.concatenate([feats, flag], axis=2).astype(np.float32)
    adj = np.ones((n_scenes, n_objects + 1, n_objects + 1), dtype=bool)
    adj[:, np.arange(n_objects + 1), np.arange(n_objects + 1)] = False
    return SceneGraphs(
        x=x,
        adjacency=adj,
        y=cols[rows, ref].astype(np.int64),
        referent=(ref + 1).astype(np.int64),
        categories=cats.astype(np.int64),
        colours=cols.astype(np.int64),
    )
