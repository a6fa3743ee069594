"""The catalogue of the workbook's data sets: what each one holds, and a check that it still does.

One entry per data set of :mod:`mmlab.data`, shipped (a file under ``data/``
with a card) or generated (a seeded generator), saying which public function
makes it, which modalities it has (their structure, per-sample shape and
noise), and the shapes its documentation promises. The orientation notebook
(``lectures/0_orientation/01_tour.ipynb``) draws its tour table from here and
checks every entry with :func:`verify_dataset`; ``tests/data/test_catalogue.py``
does the same for every entry.

Adding a data set is one ``_register(DatasetInfo(...))`` call in the section
"the catalogue" at the bottom of this file. A loader that returns a pandas
frame, a :class:`~mmlab.data.MultimodalSplit` or a
:class:`~mmlab.data.SyntheticMultimodal` needs nothing else; another return
type passes ``views=`` (a function from the loader's result to the per-modality
arrays and the target).

References
----------
Baltrušaitis, T., Ahuja, C. and Morency, L.-P. Multimodal machine learning: a
survey and taxonomy. IEEE TPAMI 41(2), 2019.
Gebru, T. et al. Datasheets for datasets. Communications of the ACM 64(12), 2021
(the idea behind the data cards).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from mmlab.data._av_digits import (
    AV_DIGITS_AUDIO_SHAPE,
    AV_DIGITS_IMAGE_SHAPE,
    MultimodalSplit,
    load_av_digits,
)
from mmlab.data._book_reviews import load_book_reviews
from mmlab.data._scenes import make_scene_qa, qa_vocabulary
from mmlab.data._shipped import card_checksums, data_dir, sha256_of
from mmlab.data._synthetic import SyntheticMultimodal, make_cue_flip, make_interaction, make_polynomial

__all__ = [
    "DATASETS",
    "DATASET_KINDS",
    "MODALITY_STRUCTURES",
    "DatasetCheck",
    "DatasetInfo",
    "DatasetSample",
    "ModalityInfo",
    "catalogue_table",
    "dataset_info",
    "load_dataset",
    "verify_dataset",
]

#: How a modality's elements are arranged: a 2-D grid of pixels, an ordered
#: sequence of frames, an unordered feature vector, one scalar column of a
#: table, or counts of text tokens (words, character n-grams).
MODALITY_STRUCTURES: tuple[str, ...] = ("image", "sequence", "vector", "table", "text tokens")

#: ``"shipped"``: a file under ``data/`` with a card; ``"generated"``: drawn by a seeded generator.
DATASET_KINDS: tuple[str, ...] = ("shipped", "generated")

_ALL = "all"  # the name of the only part of a data set that has no splits


@dataclass(frozen=True)
class ModalityInfo:
    """One modality of a catalogued data set.

    Attributes
    ----------
    name : str
        Its key in :attr:`DatasetSample.modalities` (a column name, or the
        loader's modality name, e.g. ``"audio"``).
    structure : str
        One of :data:`MODALITY_STRUCTURES`.
    shape : tuple of int
        Shape of one sample as the loader returns it, without the sample axis;
        ``()`` for a scalar column, ``(480,)`` for a flattened spectrogram.
    layout : tuple of int
        Shape one sample reshapes to for display (``(20, 24)`` mel bands x
        frames); equal to ``shape`` when nothing is flattened.
    axes : tuple of str
        Names of the ``layout`` axes (``("mel band", "frame")``).
    noise : str
        How this modality is degraded (its own kind of noise).
    description : str
        What it records.
    """

    name: str
    structure: str
    shape: tuple[int, ...]
    noise: str
    description: str
    layout: tuple[int, ...] | None = None
    axes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.structure not in MODALITY_STRUCTURES:
            raise ValueError(
                f"modality {self.name!r}: structure must be one of {list(MODALITY_STRUCTURES)}; got {self.structure!r}."
            )
        if not all(isinstance(d, int) and d > 0 for d in self.shape):
            raise ValueError(f"modality {self.name!r}: shape must hold positive ints; got {self.shape!r}.")
        layout = self.shape if self.layout is None else tuple(self.layout)
        if math.prod(layout) != math.prod(self.shape):
            raise ValueError(
                f"modality {self.name!r}: layout {layout} must hold as many values as shape "
                f"{self.shape} ({math.prod(self.shape)})."
            )
        object.__setattr__(self, "layout", layout)
        if self.axes and len(self.axes) != len(layout):
            raise ValueError(
                f"modality {self.name!r}: axes must name each of the {len(layout)} layout axes; got {self.axes!r}."
            )

    @property
    def dim(self) -> int:
        """Number of values per sample (1 for a scalar column)."""
        return math.prod(self.shape)


@dataclass(frozen=True, eq=False)
class DatasetInfo:
    """One data set of the workbook: how to get it, what it holds, and its documented shapes.

    Attributes
    ----------
    name : str
        Catalogue key, e.g. ``"av_digits"``.
    kind : str
        ``"shipped"`` or ``"generated"`` (:data:`DATASET_KINDS`).
    summary : str
        One sentence on what the data set is.
    source : callable
        The public loader or generator of :mod:`mmlab.data`.
    modalities : tuple of ModalityInfo
        The modalities, in the order the loader returns them.
    target : str
        What the label or target is.
    parts : mapping of str to int
        Documented number of samples of each part (split): e.g.
        ``{"train": 1078, "val": 359, "test": 360}``, or ``{"all": n}`` for a
        data set without splits.
    arguments : mapping
        Keyword arguments of the documented call (the draw that :func:`load_dataset`
        makes, e.g. ``{"n": 1000, "random_state": 0}``).
    part_argument : str or None
        The keyword of ``source`` that selects a part (``"split"``), or None.
    card : str or None
        The data card ``data/<card>.md`` of a shipped data set.
    files : tuple of str
        The shipped files, as named in the card's checksum lines.
    target_shape : tuple of int
        Shape of one sample's target without the sample axis (``()`` for a label).
    target_column : str or None
        For a loader that returns a table: the column holding the target.
    views : callable, optional
        ``views(result) -> (dict of modality name to array, target array)`` for
        a loader whose return type the catalogue does not know.
    """

    name: str
    kind: str
    summary: str
    source: Callable[..., Any]
    modalities: tuple[ModalityInfo, ...]
    target: str
    parts: Mapping[str, int]
    arguments: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    part_argument: str | None = None
    card: str | None = None
    files: tuple[str, ...] = ()
    target_shape: tuple[int, ...] = ()
    target_column: str | None = None
    views: Callable[[Any], tuple[dict[str, np.ndarray], np.ndarray]] | None = None

    def __post_init__(self) -> None:
        where = f"data set {self.name!r}"
        if self.kind not in DATASET_KINDS:
            raise ValueError(f"{where}: kind must be one of {list(DATASET_KINDS)}; got {self.kind!r}.")
        if self.kind == "shipped" and not (self.card and self.files):
            raise ValueError(f"{where}: a shipped data set names its card and its files.")
        if self.kind == "generated" and (self.card or self.files):
            raise ValueError(f"{where}: a generated data set has no card or files; got card={self.card!r}.")
        names = [m.name for m in self.modalities]
        if len(names) < 1 or len(set(names)) != len(names):
            raise ValueError(f"{where}: modalities must be at least one, with distinct names; got {names}.")
        if not self.parts or not all(isinstance(n, int) and n > 0 for n in self.parts.values()):
            raise ValueError(f"{where}: parts must map each part to a positive sample count; got {dict(self.parts)}.")
        if (self.part_argument is None) != (list(self.parts) == [_ALL]):
            raise ValueError(
                f"{where}: a data set with splits names its part_argument; one without has the "
                f"single part {_ALL!r}. Got parts {list(self.parts)}, part_argument "
                f"{self.part_argument!r}."
            )
        object.__setattr__(self, "parts", MappingProxyType(dict(self.parts)))
        object.__setattr__(self, "arguments", MappingProxyType(dict(self.arguments)))

    @property
    def source_name(self) -> str:
        """The public path of the loader or generator, e.g. ``"mmlab.data.load_av_digits"``."""
        return f"mmlab.data.{self.source.__name__}"

    def documented_shapes(self, part: str | None = None) -> dict[str, tuple[int, ...]]:
        """The shapes the documentation promises for one part: each modality's array, then ``"y"``.

        Raises
        ------
        ValueError
            If ``part`` is not one of :attr:`parts`.
        """
        n = self.parts[self._part(part)]
        shapes = {m.name: (n, *m.shape) for m in self.modalities}
        shapes["y"] = (n, *self.target_shape)
        return shapes

    def _part(self, part: str | None) -> str:
        if part is None:
            return next(iter(self.parts))
        if part not in self.parts:
            raise ValueError(f"data set {self.name!r} has the parts {list(self.parts)}; got {part!r}.")
        return part


@dataclass(frozen=True, eq=False)
class DatasetSample:
    """One part of a catalogued data set, as NumPy arrays, one per modality.

    Attributes
    ----------
    info : DatasetInfo
        The catalogue entry.
    part : str
        Which part (split) this is.
    modalities : mapping of str to ndarray
        ``(n, *shape)`` per modality, in the entry's order.
    y : ndarray
        The labels or target, ``(n, *target_shape)``.
    raw : object
        What the loader returned (a data frame, a ``MultimodalSplit``, a
        ``SyntheticMultimodal``), for anything beyond the arrays.
    """

    info: DatasetInfo
    part: str
    modalities: Mapping[str, np.ndarray]
    y: np.ndarray
    raw: Any

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.y.shape[0])

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """The shape of every array, keyed as in :meth:`DatasetInfo.documented_shapes`."""
        out = {name: tuple(int(d) for d in x.shape) for name, x in self.modalities.items()}
        out["y"] = tuple(int(d) for d in self.y.shape)
        return out

    def __getitem__(self, name: str) -> np.ndarray:
        """The array of the modality called ``name``."""
        if name not in self.modalities:
            raise KeyError(f"{self.info.name} has the modalities {list(self.modalities)}; got {name!r}.")
        return self.modalities[name]


@dataclass(frozen=True)
class DatasetCheck:
    """What :func:`verify_dataset` found for one data set.

    Attributes
    ----------
    name : str
        The data set.
    shapes : mapping of str to mapping of str to (tuple, tuple)
        Per part, per array: ``(documented shape, loaded shape)``.
    checksums : mapping of str to (str, str)
        Per shipped file: ``(sha256 in the card, sha256 of the file)``; empty
        for generated data sets.
    """

    name: str
    shapes: Mapping[str, Mapping[str, tuple[tuple[int, ...], tuple[int, ...]]]]
    checksums: Mapping[str, tuple[str, str]]

    @property
    def shape_mismatches(self) -> list[str]:
        """``"part/array: documented (a, b), loaded (c, d)"`` for every array whose shape differs."""
        return [
            f"{part}/{key}: documented {doc}, loaded {got}"
            for part, table in self.shapes.items()
            for key, (doc, got) in table.items()
            if doc != got
        ]

    @property
    def checksum_mismatches(self) -> list[str]:
        """The shipped files whose sha256 differs from their card's."""
        return [f for f, (card, actual) in self.checksums.items() if card != actual]

    @property
    def shapes_ok(self) -> bool:
        """Every part loads with its documented shapes."""
        return not self.shape_mismatches

    @property
    def checksums_ok(self) -> bool:
        """Every shipped file matches its card (True for generated data sets)."""
        return not self.checksum_mismatches

    @property
    def ok(self) -> bool:
        """Both of the above."""
        return self.shapes_ok and self.checksums_ok


# --------------------------------------------------------------------------- #
# public functions
# --------------------------------------------------------------------------- #
def dataset_info(name: str) -> DatasetInfo:
    """Return the catalogue entry of the data set called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`, e.g. ``"av_digits"``.

    Returns
    -------
    DatasetInfo

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no data set of that name is catalogued (the message lists them).

    Examples
    --------
    >>> info = dataset_info("av_digits")
    >>> info.kind, [m.structure for m in info.modalities]
    ('shipped', ['image', 'sequence', 'text tokens'])
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a data set name (str) such as 'av_digits'; got {type(name).__name__} {name!r}.")
    if name not in _REGISTRY:
        raise ValueError(
            f"no data set called {name!r} in the catalogue; the catalogued data sets are {sorted(_REGISTRY)}."
        )
    return _REGISTRY[name]


def load_dataset(name: str, part: str | None = None) -> DatasetSample:
    """Load (shipped) or draw (generated) one part of a catalogued data set, as NumPy arrays.

    Calls the entry's loader or generator with its documented arguments, so a
    generated data set is the same on every call.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    part : str, optional
        One of the entry's parts (``"train"``, ``"val"``, ``"test"`` for
        AV-Digits); default its first part (``"all"`` for a data set without splits).

    Returns
    -------
    DatasetSample
        Per-modality arrays ``(n, *shape)``, the target, and the loader's own result.

    Raises
    ------
    TypeError
        If ``name`` is not a string, or the loader returns a type the catalogue cannot read.
    ValueError
        If ``name`` or ``part`` is unknown, or a shipped file does not match its card.

    Examples
    --------
    >>> sample = load_dataset("av_digits", "test")
    >>> sample.shapes
    {'image': (360, 64), 'audio': (360, 480), 'text': (360, 64), 'y': (360,)}
    """
    info = dataset_info(name)
    part = info._part(part)
    kwargs = dict(info.arguments)
    if info.part_argument is not None:
        kwargs[info.part_argument] = part
    raw = info.source(**kwargs)
    arrays, y = _default_views(raw, info) if info.views is None else info.views(raw)
    missing = [m.name for m in info.modalities if m.name not in arrays]
    if missing:
        raise TypeError(
            f"{info.source_name} returned no modality {missing}; the catalogue entry {name!r} and the loader disagree."
        )
    modalities = MappingProxyType({m.name: np.asarray(arrays[m.name]) for m in info.modalities})
    return DatasetSample(info=info, part=part, modalities=modalities, y=np.asarray(y), raw=raw)


def verify_dataset(name: str) -> DatasetCheck:
    """Load every part of a data set, compare its shapes with the documented ones, and check its files' sha256.

    The checksum is recomputed from the file and compared with the line in the
    card, independently of the loader's own (cached) verification.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.

    Returns
    -------
    DatasetCheck
        Documented and loaded shapes per part, and card and file checksums;
        ``check.ok`` says whether everything matches.

    Raises
    ------
    TypeError, ValueError
        As :func:`load_dataset` (an unknown name; a file that no longer
        matches its card fails already when it is loaded).

    Examples
    --------
    >>> check = verify_dataset("book_reviews")
    >>> check.ok, check.shapes["all"]["smiling"]
    (True, ((300,), (300,)))
    """
    info = dataset_info(name)
    shapes = {}
    for part in info.parts:
        got = load_dataset(name, part).shapes
        doc = info.documented_shapes(part)
        shapes[part] = MappingProxyType({k: (doc[k], got.get(k, ())) for k in doc})
    checksums = {}
    if info.card is not None:
        listed = card_checksums(info.card)
        for filename in info.files:
            checksums[filename] = (listed.get(filename, ""), sha256_of(data_dir() / filename))
    return DatasetCheck(name=name, shapes=MappingProxyType(shapes), checksums=MappingProxyType(checksums))


def catalogue_table() -> Any:
    """One row per data set and modality: kind, structure, shape, dimensionality, noise, source and card.

    Returns
    -------
    pandas.DataFrame
        Columns ``dataset``, ``kind``, ``modality``, ``structure``, ``layout``
        (per-sample shape for display), ``dim`` (values per sample),
        ``noise``, ``samples`` (per part), ``source`` and ``card``.

    Examples
    --------
    >>> table = catalogue_table()
    >>> table.loc[table.modality == "audio", ["dataset", "structure", "dim"]].to_numpy().tolist()
    [['av_digits', 'sequence', 480]]
    """
    import pandas as pd

    rows = []
    for info in _REGISTRY.values():
        samples = " / ".join(f"{n}" if p == _ALL else f"{p} {n}" for p, n in info.parts.items())
        for m in info.modalities:
            rows.append(
                {
                    "dataset": info.name,
                    "kind": info.kind,
                    "modality": m.name,
                    "structure": m.structure,
                    "layout": " x ".join(map(str, m.layout)) or "scalar",
                    "dim": m.dim,
                    "noise": m.noise,
                    "samples": samples,
                    "source": info.source_name,
                    "card": info.card or "",
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _default_views(raw: Any, info: DatasetInfo) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per-modality arrays and target of the loader results the catalogue knows."""
    import pandas as pd

    if isinstance(raw, pd.DataFrame):
        columns = [m.name for m in info.modalities] + [info.target_column or "y"]
        missing = [c for c in columns if c not in raw.columns]
        if missing:
            raise TypeError(
                f"{info.source_name} returned a table without the columns {missing}; the catalogue "
                f"entry {info.name!r} and the loader disagree."
            )
        return {m.name: raw[m.name].to_numpy() for m in info.modalities}, raw[columns[-1]].to_numpy()
    if isinstance(raw, MultimodalSplit):
        return {n: _numpy(x) for n, x in zip(raw.names, raw.modalities, strict=True)}, _numpy(raw.y)
    if isinstance(raw, SyntheticMultimodal):
        if raw.n_modalities != len(info.modalities):
            raise TypeError(
                f"{info.source_name} returned {raw.n_modalities} modalities; the catalogue entry "
                f"{info.name!r} lists {len(info.modalities)}."
            )
        return {m.name: x for m, x in zip(info.modalities, raw.modalities, strict=True)}, raw.y
    raise TypeError(
        f"{info.source_name} returned a {type(raw).__name__}, which the catalogue cannot read; "
        "pass views= to the entry's DatasetInfo."
    )


def _numpy(x: Any) -> np.ndarray:
    return x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x)


_REGISTRY: dict[str, DatasetInfo] = {}

#: The catalogue: data set name -> :class:`DatasetInfo`, in registration order (read-only).
DATASETS: Mapping[str, DatasetInfo] = MappingProxyType(_REGISTRY)


def _register(info: DatasetInfo) -> DatasetInfo:
    """Add one data set to the catalogue (names are unique)."""
    if info.name in _REGISTRY:
        raise ValueError(f"a data set called {info.name!r} is already catalogued.")
    _REGISTRY[info.name] = info
    return info


# --------------------------------------------------------------------------- #
# the catalogue: one _register(DatasetInfo(...)) per data set
# --------------------------------------------------------------------------- #
_SYNTHETIC_NOISE = "Gaussian, sd 0.5 on unit-variance features (set by noise=)"

_register(
    DatasetInfo(
        name="book_reviews",
        kind="shipped",
        summary="300 simulated video book reviews: the reviewer's smiling, critic status, and the book's score "
        "(lecture 1.1's interaction regression).",
        source=load_book_reviews,
        modalities=(
            ModalityInfo(
                "smiling",
                "table",
                (),
                "a simulated measurement, log-normal within each group",
                "share of the review video's frames with a smile, in tens of percent (visual behaviour)",
            ),
            ModalityInfo(
                "critic",
                "table",
                (),
                "none (a recorded attribute, 0 or 1)",
                "the reviewer is a professional critic (1) or not (0)",
            ),
        ),
        target="the book's audience score, 0-10 (regression; residual sd 1.89 around the interaction model)",
        parts={_ALL: 300},
        card="book_reviews",
        files=("book_reviews.csv",),
        target_column="score",
    )
)

_register(
    DatasetInfo(
        name="av_digits",
        kind="shipped",
        summary="AV-Digits: each handwritten 8x8 digit paired, by class only, with a synthetic spoken digit and a "
        "written digit word.",
        source=load_av_digits,
        modalities=(
            ModalityInfo(
                "image",
                "image",
                (64,),
                "half occluded by a 3-5 pixel block; pixel noise sd 0.05-0.40",
                "handwritten digit, 8 x 8 grey levels in [0, 1]",
                layout=AV_DIGITS_IMAGE_SHAPE,
                axes=("row", "column"),
            ),
            ModalityInfo(
                "audio",
                "sequence",
                (480,),
                "144 voices incl. whispers; noise at -8 to +10 dB SNR; gain, time shift",
                "spoken digit, log-mel spectrogram in [0, 1]",
                layout=AV_DIGITS_AUDIO_SHAPE,
                axes=("mel band", "frame"),
            ),
            ModalityInfo(
                "text",
                "text tokens",
                (64,),
                "20 % missing, 10 % wrong words; typos; 5 languages",
                "written digit word, hashed character-trigram counts",
                axes=("hash bucket",),
            ),
        ),
        target="the digit, 10 classes",
        parts={"train": 1078, "val": 359, "test": 360},
        arguments={"as_tensors": False},
        part_argument="split",
        card="av_digits",
        files=("av_digits.npz",),
    )
)

_register(
    DatasetInfo(
        name="interaction",
        kind="generated",
        summary="Two modalities rendered from discrete factors, with a planted interaction deciding the label "
        "(redundancy, uniqueness or synergy; here synergy).",
        source=make_interaction,
        modalities=(
            ModalityInfo("m0", "vector", (16,), _SYNTHETIC_NOISE, "random tanh rendering of modality 0's factors"),
            ModalityInfo("m1", "vector", (16,), _SYNTHETIC_NOISE, "random tanh rendering of modality 1's factors"),
        ),
        target="the planted rule's output, 2 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "interaction": "synergy", "random_state": 0},
    )
)

_register(
    DatasetInfo(
        name="polynomial",
        kind="generated",
        summary="Three modalities whose regression target sums products of one factor per modality, of orders 1-3.",
        source=make_polynomial,
        modalities=tuple(
            ModalityInfo(
                f"m{i}",
                "vector",
                (16,),
                "Gaussian, sd 0.1 on unit-variance features (set by noise=)",
                f"random tanh rendering of modality {i}'s value factor",
            )
            for i in range(3)
        ),
        target="a polynomial of the three value factors (regression)",
        parts={_ALL: 1000},
        arguments={"n": 1000, "n_modalities": 3, "orders": (1, 2, 3), "random_state": 0},
    )
)

_register(
    DatasetInfo(
        name="cue_flip",
        kind="generated",
        summary="A 'language' modality whose binary sentiment a 'nonverbal' cue flips on a quarter of the samples.",
        source=make_cue_flip,
        modalities=(
            ModalityInfo("language", "vector", (16,), _SYNTHETIC_NOISE, "rendering of the sentiment factor"),
            ModalityInfo("nonverbal", "vector", (16,), _SYNTHETIC_NOISE, "rendering of the flipping cue"),
        ),
        target="sentiment XOR cue, 2 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "random_state": 0},
    )
)

_register(
    DatasetInfo(
        name="scenes",
        kind="generated",
        summary="The scene world: coloured shapes on a 4 x 4 grid rendered as images, each with a yes/no question "
        "whose answer its program computes from the planted ground truth.",
        source=make_scene_qa,
        modalities=(
            ModalityInfo(
                "image",
                "image",
                (3, 32, 32),
                "Gaussian pixel noise, sd 0.05 (set by noise=), clipped to [0, 1]",
                "RGB scene, 8 x 8 pixels per grid cell (channels stacked for display)",
                layout=(96, 32),
                axes=("channel x row", "column"),
            ),
            ModalityInfo(
                "question",
                "text tokens",
                (len(qa_vocabulary()),),
                "none (generated from the program)",
                "bag of words of 'is there a <colour> <shape>?'",
                axes=("word",),
            ),
        ),
        target="the program's answer on the ground truth, 2 classes (balanced yes/no)",
        parts={_ALL: 500},
        arguments={"n": 500, "random_state": 0},
        views=lambda qa: ({"image": qa.scenes.images, "question": qa.tokens}, qa.answers),
    )
)

# coordination, fission, intermediate fusion and self-supervision (lectures 1.6-1.10)
from mmlab.data._synthetic import (  # noqa: E402  (kept with the entries below)
    make_local_scenes,
    make_marker_sequences,
    make_nonlinear_pairs,
    make_paired_views,
    make_shared_private,
    make_shifted_signals,
)


def _pair_views(data: Any) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The modalities of a :class:`~mmlab.data.PlantedData`, by its own names."""
    return dict(zip(data.names, data.modalities, strict=True)), data.y


_register(
    DatasetInfo(
        name="paired_views",
        kind="generated",
        summary="Two modalities rendering a shared continuous latent and a private one each (cross-modal retrieval, "
        "contrastive and gated coordination, masked reconstruction).",
        source=make_paired_views,
        modalities=(
            ModalityInfo(
                "a",
                "vector",
                (16,),
                "Gaussian, sd 0.3 on unit-variance features (set by noise=)",
                "random tanh rendering of (shared, private_0)",
            ),
            ModalityInfo(
                "b",
                "vector",
                (16,),
                "Gaussian, sd 0.3 on unit-variance features (set by noise=)",
                "random tanh rendering of (shared, private_1)",
            ),
        ),
        target="sign of the first shared latent, 2 classes (the pairing itself is the real target)",
        parts={_ALL: 1000},
        arguments={"n": 1000, "random_state": 0},
        views=_pair_views,
    )
)

_register(
    DatasetInfo(
        name="nonlinear_pairs",
        kind="generated",
        summary="An angle seen as (cos t, sin t) by one modality and (cos 2t, sin 2t) by the other: no linear "
        "correlation, an almost perfect nonlinear one (deep CCA).",
        source=make_nonlinear_pairs,
        modalities=(
            ModalityInfo(
                "a",
                "vector",
                (8,),
                "Gaussian, sd 0.1 (set by noise=), plus 6 pure-noise coordinates",
                "rotated (cos t, sin t, noise)",
            ),
            ModalityInfo(
                "b",
                "vector",
                (8,),
                "Gaussian, sd 0.1 (set by noise=), plus 6 pure-noise coordinates",
                "rotated (cos 2t, sin 2t, noise)",
            ),
        ),
        target="sector of 2t, 4 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "random_state": 0},
        views=_pair_views,
    )
)

_register(
    DatasetInfo(
        name="shared_private",
        kind="generated",
        summary="Two modalities from one shared and one private discrete factor each (representation fission).",
        source=make_shared_private,
        modalities=(
            ModalityInfo(
                "a",
                "vector",
                (16,),
                "Gaussian, sd 0.3 on unit-variance features (set by noise=)",
                "random tanh rendering of (shared, private_0), 4 levels each",
            ),
            ModalityInfo(
                "b",
                "vector",
                (16,),
                "Gaussian, sd 0.3 on unit-variance features (set by noise=)",
                "random tanh rendering of (shared, private_1), 4 levels each",
            ),
        ),
        target="the shared factor, 4 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "random_state": 0},
        views=_pair_views,
    )
)

_register(
    DatasetInfo(
        name="local_scenes",
        kind="generated",
        summary="Scenes of 2 out of 6 object categories, each seen as one of 4 image regions and heard as one of 4 "
        "sound segments (fine-grained fission by clustering).",
        source=make_local_scenes,
        modalities=(
            ModalityInfo(
                "regions",
                "sequence",
                (4, 8),
                "Gaussian, sd 0.5 on prototypes of norm sqrt(8); background regions are pure noise",
                "4 region features per scene",
                axes=("region", "feature"),
            ),
            ModalityInfo(
                "segments",
                "sequence",
                (4, 8),
                "Gaussian, sd 0.5 on prototypes of norm sqrt(8); background segments are pure noise",
                "4 segment features per scene",
                axes=("segment", "feature"),
            ),
        ),
        target="one of the scene's categories, 6 classes (the element categories are the real ground truth)",
        parts={_ALL: 500},
        arguments={"n": 500, "random_state": 0},
        views=_pair_views,
    )
)

_register(
    DatasetInfo(
        name="marker_sequences",
        kind="generated",
        summary="Two sequences of 8 noise tokens, each with one marker token whose type is a bit; the label is their "
        "XOR (intermediate fusion).",
        source=make_marker_sequences,
        modalities=(
            ModalityInfo(
                "a",
                "sequence",
                (8, 8),
                "standard normal noise tokens; marker sd 0.3",
                "8 tokens of 8 features, one marker",
                axes=("token", "feature"),
            ),
            ModalityInfo(
                "b",
                "sequence",
                (8, 8),
                "standard normal noise tokens; marker sd 0.3",
                "8 tokens of 8 features, one marker at the same position",
                axes=("token", "feature"),
            ),
        ),
        target="XOR of the two marker bits, 2 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "random_state": 0},
        views=_pair_views,
    )
)

_register(
    DatasetInfo(
        name="shifted_signals",
        kind="generated",
        summary="1-D signals of 4 waveform classes at a random circular shift and amplitude (self-supervised "
        "learning with augmentations).",
        source=make_shifted_signals,
        modalities=(
            ModalityInfo(
                "signal",
                "sequence",
                (32,),
                "Gaussian, sd 0.3 (set by noise=); random shift and amplitude",
                "32 samples of a shifted, scaled waveform",
                axes=("time",),
            ),
        ),
        target="the waveform class, 4 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "random_state": 0},
        views=_pair_views,
    )
)

# quantification II (lectures 6.4-6.8): generators in _synthetic/_biased_vqa.py, _protected.py, _unequal.py, _sets.py
from mmlab.data._synthetic import (  # noqa: E402  (kept next to the entries that use them)
    make_biased_vqa,
    make_protected_attribute,
    make_sets,
    make_unequal_modalities,
)

_register(
    DatasetInfo(
        name="biased_vqa",
        kind="generated",
        summary="A VQA-like task ('what colour is the <object>?') whose question gives the answer away on 90 % of the "
        "samples: a planted language prior, with counter-bias samples marked.",
        source=make_biased_vqa,
        modalities=(
            ModalityInfo(
                "question",
                "vector",
                (16,),
                "Gaussian, sd 0.3 on unit-variance features (question_noise=)",
                "rendering of the object asked about and a phrasing factor",
            ),
            ModalityInfo(
                "image",
                "vector",
                (32,),
                "Gaussian, sd 2.0 on unit-variance features (image_noise=)",
                "rendering of the object, its colour and a background factor",
            ),
        ),
        target="the object's colour, 4 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "bias": 0.9, "random_state": 0},
    )
)

_register(
    DatasetInfo(
        name="protected_attribute",
        kind="generated",
        summary="A binary decision whose base rate differs by a protected group; the text shows the label, the image "
        "shows only the group.",
        source=make_protected_attribute,
        modalities=(
            ModalityInfo(
                "text",
                "vector",
                (16,),
                "Gaussian, sd 1 around class means at distance 1.5 (signal=)",
                "the label, through orthonormal class means",
            ),
            ModalityInfo(
                "image",
                "vector",
                (16,),
                "Gaussian, sd 0.5 on unit-variance features (image_noise=)",
                "rendering of the protected group and a nuisance factor",
            ),
        ),
        target="the decision, 2 classes (base rates 0.3 and 0.7 by group)",
        parts={_ALL: 1000},
        arguments={"n": 1000, "random_state": 0},
    )
)

_register(
    DatasetInfo(
        name="unequal_modalities",
        kind="generated",
        summary="Two modalities that render the same label unequally: one small and clear, one large, weak and in "
        "larger units (easy to memorise).",
        source=make_unequal_modalities,
        modalities=(
            ModalityInfo(
                "m0",
                "vector",
                (16,),
                "Gaussian, sd 1 around class means at distance 1.7 (signal=)",
                "the label, through orthonormal class means",
            ),
            ModalityInfo(
                "m1",
                "vector",
                (256,),
                "Gaussian, sd 3 around class means at distance 2.1 (signal=, scale=)",
                "the label, weakly, through orthonormal class means, scaled by 3",
            ),
        ),
        target="the class, 2 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "dims": (16, 256), "signal": (1.7, 0.7), "scale": (1.0, 3.0), "random_state": 0},
    )
)

_register(
    DatasetInfo(
        name="sets",
        kind="generated",
        summary="Sets of six typed elements labelled by whether at least two are of type 0; the order of the elements "
        "carries no information.",
        source=make_sets,
        modalities=(
            ModalityInfo(
                "elements",
                "vector",
                (48,),
                "Gaussian, sd 0.3 around unit-norm type embeddings (noise=)",
                "a set of 6 elements of 8 features each, listed in random order",
                layout=(6, 8),
                axes=("element", "feature"),
            ),
        ),
        target="1 if at least two elements are of type 0, 2 classes",
        parts={_ALL: 1000},
        arguments={"n": 1000, "random_state": 0},
    )
)

# alignment (lectures 2.x): the shipped digit strings, in _alignment.py
from mmlab.data._alignment import _CATALOGUE_FRAMES, _catalogue_views, load_digit_strings  # noqa: E402

_register(
    DatasetInfo(
        name="digit_strings",
        kind="shipped",
        summary="Strings of 3-5 distinct digits spoken twice by a synthetic voice (known frames of every digit), with "
        "their written digits and a strip of handwritten images: data with known alignment.",
        source=load_digit_strings,
        modalities=(
            ModalityInfo(
                "speech",
                "sequence",
                (20, _CATALOGUE_FRAMES),
                "104 voices; per-digit rate 120-320 wpm, gain +-6 dB, pauses 0-0.3 s; noise at 15-30 dB SNR",
                "spoken string, log-mel in [0, 1] (rendering a), zero-padded to 160 frames",
                axes=("mel band", "frame"),
            ),
            ModalityInfo(
                "images",
                "image",
                (8, 40),
                "none (sklearn digits as drawn)",
                "handwritten 8 x 8 image of each digit, side by side, zero-padded to 5",
                axes=("row", "column"),
            ),
            ModalityInfo(
                "digits", "text tokens", (5,), "none", "the written digits, padded with -1", axes=("position",)
            ),
        ),
        target="the digit string (5 positions, -1 after its end); every digit's spoken segment is known",
        parts={"train": 600, "val": 200, "test": 200},
        part_argument="split",
        card="digit_strings",
        files=("digit_strings.npz",),
        target_shape=(5,),
        views=_catalogue_views,
    )
)

# transference (lectures 5.x): digit captions, in _digit_captions.py
from mmlab.data._digit_captions import caption_bag_of_words, caption_vocabulary, make_digit_captions  # noqa: E402

_register(
    DatasetInfo(
        name="digit_captions",
        kind="generated",
        summary="Short English captions that name a digit as a word, numeral, ordinal, multiplicative or group noun in "
        "six sentence frames, a quarter of them generic: text for a pretrained language model to read.",
        source=make_digit_captions,
        modalities=(
            ModalityInfo(
                "caption",
                "text tokens",
                (len(caption_vocabulary()),),
                "25 % generic captions that name no digit (set by informative=)",
                "bag of words of the caption (the strings are in .captions)",
                axes=("word",),
            ),
        ),
        target="the digit the caption belongs to, 10 classes",
        parts={_ALL: 1000},
        arguments={"y": tuple(i % 10 for i in range(1000)), "random_state": 0},
        views=lambda caps: ({"caption": caption_bag_of_words(caps)}, caps.y),
    )
)
