"""AV-Digits: a small image + speech + text data set of the digits 0-9, shipped with the repository.

Each of the 1,797 8x8 handwritten digit images that scikit-learn ships is paired,
by class only, with its own synthetic spoken digit (espeak-ng, many English voices,
rates and pitches, with noise, gain and time-shift augmentation, as a log-mel
spectrogram) and its own written digit word (five languages, with typos, wrong
and missing words, as hashed character trigrams). Every modality is degraded per
sample, so each one alone is clearly imperfect while their fusion is much better:
the data set of the course's unimodal-versus-fused comparisons.

The features were computed once by ``data/make_av_digits.py`` and ship as
``data/av_digits.npz``; loading needs neither espeak-ng nor librosa. The data
card ``data/av_digits.md`` (also :func:`av_digits_card`) says how every step was
made, the licences, and logistic-regression baselines.

============  ===========  ======================================================
modality      shape (row)  features
============  ===========  ======================================================
``image``     64           8x8 pixels, row-major, in [0, 1] (occluded and noisy)
``audio``     480          log-mel, 20 mel bands x 24 frames (band-major), in [0, 1]
``text``      64           counts of hashed character trigrams of the word (0 if missing)
============  ===========  ======================================================

Used by: the fusion notebooks of ``lectures/1_representation/`` (unimodal versus
fused accuracy) and, later, the quantification lectures.

References
----------
Alpaydin, E. and Kaynak, C. "Optical Recognition of Handwritten Digits", UCI
Machine Learning Repository, 1998 (the source of scikit-learn's ``load_digits``).
Pedregosa, F. et al. "Scikit-learn: Machine Learning in Python", JMLR 12, 2011.
McFee, B. et al. "librosa: Audio and Music Signal Analysis in Python", Proc. 14th
Python in Science Conference (SciPy), 2015.
Weinberger, K. et al. "Feature Hashing for Large Scale Multitask Learning", ICML 2009.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np

from mmlab._validation import check_choice
from mmlab.data._shipped import read_card, shipped_path

__all__ = [
    "AV_DIGITS_AUDIO_SHAPE",
    "AV_DIGITS_IMAGE_SHAPE",
    "AV_DIGITS_MODALITIES",
    "AV_DIGITS_SPLITS",
    "MultimodalSplit",
    "av_digits_card",
    "load_av_digits",
]

#: The modalities, in their default order.
AV_DIGITS_MODALITIES: tuple[str, ...] = ("image", "audio", "text")

#: The fixed splits (stratified by class, 60/20/20, seed 0): 1,078 / 359 / 360 samples.
AV_DIGITS_SPLITS: tuple[str, ...] = ("train", "val", "test")

#: Shape of one image row before flattening (rows, columns).
AV_DIGITS_IMAGE_SHAPE: tuple[int, int] = (8, 8)

#: Shape of one audio row before flattening (mel bands, frames); ``x.reshape(-1, *AV_DIGITS_AUDIO_SHAPE)``.
AV_DIGITS_AUDIO_SHAPE: tuple[int, int] = (20, 24)

_CARD = "av_digits"
_FILE = "av_digits.npz"

# per-sample descriptions of how each row was made; returned in MultimodalSplit.meta
_META_KEYS: tuple[str, ...] = (
    "image_clean",
    "image_noise_sigma",
    "image_box",
    "audio_voice",
    "audio_rate",
    "audio_pitch",
    "audio_pitch_range",
    "audio_gain_db",
    "audio_snr_db",
    "audio_shift_s",
    "audio_speech_s",
    "audio_noise",
    "word",
    "text_kind",
    "text_said",
    "text_lang",
)


@dataclass(frozen=True, eq=False)
class MultimodalSplit:
    """One split of a multimodal data set: paired feature matrices, labels and per-sample notes.

    Attributes
    ----------
    modalities : list of torch.Tensor or list of ndarray
        One float32 matrix of shape ``(n, d_i)`` per modality, in the order of
        ``names``; row ``j`` of every matrix describes the same sample.
    names : tuple of str
        The modality names, e.g. ``("image", "audio", "text")``.
    y : torch.Tensor or ndarray
        int64 labels of shape ``(n,)``, in ``0 .. len(classes) - 1``.
    classes : tuple of str
        Class names; ``classes[k]`` is the name of label ``k``.
    index : ndarray
        int64 ``(n,)``: the rows of the full data set (for AV-Digits, the rows of
        ``sklearn.datasets.load_digits``) that this split holds.
    split : str
        Which split this is.
    meta : mapping of str to ndarray
        Per-sample NumPy arrays of length ``n`` that say how each row was made
        (the keys are listed in ``data/av_digits.md``).
    """

    modalities: list
    names: tuple[str, ...]
    y: Any
    classes: tuple[str, ...]
    index: np.ndarray
    split: str
    meta: Mapping[str, np.ndarray]

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.y.shape[0])

    @property
    def dims(self) -> tuple[int, ...]:
        """Feature size ``d_i`` of each modality."""
        return tuple(int(x.shape[1]) for x in self.modalities)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> Any:
        """Return the feature matrix of the modality called ``name``.

        Raises
        ------
        KeyError
            If this split does not hold that modality.
        """
        if name not in self.names:
            raise KeyError(f"this split holds the modalities {list(self.names)}; got {name!r}.")
        return self.modalities[self.names.index(name)]


def load_av_digits(
    split: str = "train",
    *,
    modalities: Sequence[str] = AV_DIGITS_MODALITIES,
    as_tensors: bool = True,
    device: Any = None,
) -> MultimodalSplit:
    r"""Load one split of AV-Digits (image, speech and text features of the digits 0-9).

    The shipped file is checked against the sha256 in ``data/av_digits.md`` and
    then decoded. The stored integers are mapped to features by

    .. math::

        x^{\mathrm{img}} = \frac{q^{\mathrm{img}}}{255}, \qquad
        x^{\mathrm{aud}}_{b,t} = \frac{q^{\mathrm{aud}}_{b,t}}{255}
          \approx \frac{\operatorname{clip}(10\log_{10} S_{b,t}, -80, 20) + 80}{100}, \qquad
        x^{\mathrm{txt}}_j = \bigl|\{\, g \in G(w) : \operatorname{crc32}(g) \bmod 64 = j \,\}\bigr|,

    where :math:`q` are the stored uint8 codes, :math:`S_{b,t}` is the mel power
    of band :math:`b` in frame :math:`t` of the spoken digit (quantised to 1/255
    of the 100 dB range), :math:`w` is the written word (case-folded, accents
    removed), :math:`G(w)` the multiset of character trigrams of ``"<" + w + ">"``
    and :math:`j \in \{0, \dots, 63\}` a hash bucket.

    Parameters
    ----------
    split : {"train", "val", "test"}, default="train"
        Which fixed split to load (1,078 / 359 / 360 samples, stratified by class).
    modalities : sequence of {"image", "audio", "text"}, default=("image", "audio", "text")
        Which modalities to return, in this order; at least one, no repeats.
    as_tensors : bool, default=True
        Return torch tensors; ``False`` returns NumPy arrays.
    device : torch.device or str, optional
        Where to put the tensors (default: the CPU). Only with ``as_tensors=True``.

    Returns
    -------
    MultimodalSplit
        ``modalities``: float32 ``(n, 64)`` image, ``(n, 480)`` audio (reshape to
        ``(n, 20, 24)``: mel band x frame), ``(n, 64)`` text, in the requested
        order; ``y``: int64 ``(n,)``; ``classes``: ``("zero", ..., "nine")``;
        ``index``: rows of ``sklearn.datasets.load_digits``; ``meta``: how each
        row was made.

    Raises
    ------
    ValueError
        If ``split`` or a modality name is unknown, ``modalities`` is empty or
        repeats a name, ``device`` is given with ``as_tensors=False``, or the
        shipped file does not match its card's sha256.
    TypeError
        If ``modalities`` is a single string or ``as_tensors`` is not a bool.
    FileNotFoundError
        If ``data/av_digits.npz`` is missing.

    See Also
    --------
    av_digits_card : the data card (how the data was made, licences, baselines).
    mmlab.data : controlled synthetic data with a planted interaction.

    Notes
    -----
    The three modalities are paired by class only: image, recording and word of a
    sample share the label and nothing else. Each is degraded independently
    (occlusion and pixel noise; voice, noise at -8 to 10 dB SNR, gain and time
    shift; typos, other languages, 10 % wrong and 20 % missing words), so their
    errors are nearly independent and fusion pays. Logistic regression reaches
    about 75 % (image), 78 % (audio) and 62 % (text) test accuracy alone and
    93 % on the concatenation (the card has the exact figures). The features are
    not standardised; fit any scaling on the training split.

    References
    ----------
    Alpaydin, E. and Kaynak, C. "Optical Recognition of Handwritten Digits", UCI
    Machine Learning Repository, 1998.

    Examples
    --------
    >>> data = load_av_digits("train")
    >>> data.names, data.dims
    (('image', 'audio', 'text'), (64, 480, 64))
    >>> tuple(data.y.shape), data.classes[7]
    ((1078,), 'seven')
    >>> load_av_digits("test", modalities=("audio",), as_tensors=False).modalities[0].dtype
    dtype('float32')
    """
    split = check_choice(split, "split", AV_DIGITS_SPLITS)
    names = _check_modalities(modalities)
    if not isinstance(as_tensors, (bool, np.bool_)):
        raise TypeError(f"as_tensors must be True or False; got {type(as_tensors).__name__} {as_tensors!r}.")
    if device is not None and not as_tensors:
        raise ValueError(
            f"device applies only to tensors; got device={device!r} with as_tensors=False. "
            "Drop device or set as_tensors=True."
        )
    return _load_core(split, names, bool(as_tensors), device)


def _load_core(split: str, names: tuple[str, ...], as_tensors: bool, device: Any) -> MultimodalSplit:
    """Decode one split; the arguments are assumed validated."""
    path = shipped_path(_CARD, _FILE)
    arrays = _read(str(path), path.stat().st_mtime_ns)
    idx = arrays[f"{split}_idx"]
    feats = [_decode(name, arrays[name][idx]) for name in names]
    y = arrays["y"][idx].astype(np.int64)
    meta = {key: _frozen(arrays[key][idx]) for key in _META_KEYS}
    meta["image_clean"] = _frozen(meta["image_clean"].astype(np.float32) / 16.0)
    meta["text_kind"] = _frozen(arrays["text_kind_names"][meta["text_kind"]])
    if as_tensors:
        import torch

        feats = [torch.from_numpy(x).to(device) if device is not None else torch.from_numpy(x) for x in feats]
        y = torch.from_numpy(y).to(device) if device is not None else torch.from_numpy(y)
    return MultimodalSplit(
        modalities=feats,
        names=names,
        y=y,
        classes=tuple(str(c) for c in arrays["classes"]),
        index=_frozen(idx.astype(np.int64)),
        split=split,
        meta=MappingProxyType(meta),
    )


def av_digits_card() -> str:
    """Return the data card ``data/av_digits.md``: what AV-Digits is, how it was made, licences, baselines.

    Raises
    ------
    FileNotFoundError
        If the data folder is missing.
    ValueError
        If the card is missing.
    """
    return read_card(_CARD)


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _check_modalities(modalities: Any) -> tuple[str, ...]:
    if isinstance(modalities, str):
        raise TypeError(
            f"modalities must be a sequence of names from {list(AV_DIGITS_MODALITIES)}; got the string "
            f"{modalities!r}. Write ({modalities!r},) for a single modality."
        )
    if not isinstance(modalities, Sequence):
        raise TypeError(
            f"modalities must be a sequence of names from {list(AV_DIGITS_MODALITIES)}; "
            f"got {type(modalities).__name__}."
        )
    names = tuple(modalities)
    if not names:
        raise ValueError(f"modalities must name at least one of {list(AV_DIGITS_MODALITIES)}; got an empty sequence.")
    unknown = [m for m in names if m not in AV_DIGITS_MODALITIES]
    if unknown:
        raise ValueError(f"modalities must be names from {list(AV_DIGITS_MODALITIES)}; got unknown {unknown}.")
    if len(set(names)) != len(names):
        raise ValueError(f"modalities must not repeat a name; got {list(names)}.")
    return names


@lru_cache(maxsize=2)
def _read(path: str, mtime_ns: int) -> dict[str, np.ndarray]:
    """Read every array of the (verified) file once per file version; arrays are read-only."""
    with np.load(path, allow_pickle=False) as npz:
        return {key: _frozen(npz[key]) for key in npz.files}


def _decode(name: str, codes: np.ndarray) -> np.ndarray:
    """Stored codes -> float32 features (see load_av_digits); returns a new, writable array."""
    x = codes.astype(np.float32)
    if name in ("image", "audio"):
        x /= 255.0
    return x


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a
