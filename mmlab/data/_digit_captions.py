"""Digit captions: short English texts that name a digit in many ways, drawn from templates by a seeded generator.

A caption of digit 7 may say ``"7"``, ``"it says seven"``, ``"the writer meant
seventh"``, ``"read as a septet"`` or ``"seven times"``: five *forms*
(word, numeral, ordinal, multiplicative, group noun) inside six templates. A
share of captions (``1 - informative``) says nothing about the digit
(``"a scanned number"``). A pretrained language model knows that "septet",
"seventh" and "7" are about seven; a model trained from scratch on a handful of
captions has seen only some of these words. That gap is what the transference
chapter measures. Paired with AV-Digits images by label, the captions make a
small image + text task (``lectures/5_transference/``).

Also :func:`number_name`: the English name of 0-99 (``"forty-two"``), the class
names of the chapter's zero-shot experiment with two-digit numbers.

The ground truth is returned with the captions: the form and template of every
caption, and whether it is informative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import RandomState, check_array, check_fraction, check_random_state

__all__ = [
    "CAPTION_FORMS",
    "CAPTION_GENERIC",
    "CAPTION_TEMPLATES",
    "DigitCaptions",
    "caption_vocabulary",
    "make_digit_captions",
    "number_name",
]

#: The ways a caption names digit d: ``CAPTION_FORMS[form][d]``.
CAPTION_FORMS: MappingProxyType = MappingProxyType(
    {
        "word": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
        "numeral": tuple(str(d) for d in range(10)),
        "ordinal": ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"),
        "times": (
            "no times",
            "once",
            "twice",
            "thrice",
            "four times",
            "five times",
            "six times",
            "seven times",
            "eight times",
            "nine times",
        ),
        "group": (
            "nothing",
            "a single",
            "a pair",
            "a trio",
            "a quartet",
            "a quintet",
            "a sextet",
            "a septet",
            "an octet",
            "a nonet",
        ),
    }
)

#: Sentence frames; ``{}`` is replaced by the digit's form.
CAPTION_TEMPLATES: tuple[str, ...] = (
    "{}",
    "digit: {}",
    "it says {}",
    "the writer meant {}",
    "read as {}",
    "scribbled: {}",
)

#: Captions that say nothing about the digit.
CAPTION_GENERIC: tuple[str, ...] = (
    "a handwritten digit",
    "a scanned number",
    "ink on paper",
    "a blurry sample",
    "someone wrote this",
    "a digit from a form",
)

_ONES = CAPTION_FORMS["word"]
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_name(n: int) -> str:
    """The English name of an integer 0-99, hyphenated as usual (``42 -> "forty-two"``).

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` is outside 0-99.

    Examples
    --------
    >>> number_name(7), number_name(15), number_name(40), number_name(42)
    ('seven', 'fifteen', 'forty', 'forty-two')
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer; got {type(n).__name__} {n!r}.")
    if not 0 <= n <= 99:
        raise ValueError(f"n must be in 0..99; got {n}.")
    n = int(n)
    if n < 10:
        return _ONES[n]
    if n < 20:
        return _TEENS[n - 10]
    tens, ones = divmod(n, 10)
    return _TENS[tens] if ones == 0 else f"{_TENS[tens]}-{_ONES[ones]}"


@dataclass(frozen=True)
class DigitCaptions:
    """Captions of digits, with how each was made.

    Attributes
    ----------
    captions : ndarray of str, shape (n,)
    y : ndarray of int64, shape (n,)
        The digit each caption belongs to.
    form : ndarray of str, shape (n,)
        The form used (a key of :data:`CAPTION_FORMS`), or ``"generic"``.
    template : ndarray of int64, shape (n,)
        Index into :data:`CAPTION_TEMPLATES` (−1 for a generic caption).
    informative : ndarray of bool, shape (n,)
    """

    captions: np.ndarray
    y: np.ndarray
    form: np.ndarray
    template: np.ndarray
    informative: np.ndarray

    def __len__(self) -> int:
        return int(self.y.shape[0])


def make_digit_captions(
    y: npt.ArrayLike, *, informative: float = 0.75, forms: Sequence[str] | None = None, random_state: RandomState = 0
) -> DigitCaptions:
    """Draw one caption for each label of ``y``.

    With probability ``informative`` a caption names its digit: a form is drawn
    uniformly from ``forms`` and a template uniformly from
    :data:`CAPTION_TEMPLATES`; otherwise it is drawn uniformly from
    :data:`CAPTION_GENERIC` and says nothing about the digit.

    Parameters
    ----------
    y : array-like of int, shape (n,)
        Digits 0-9 (e.g. ``load_av_digits("train", as_tensors=False).y``).
    informative : float in [0, 1], default=0.75
    forms : sequence of str, optional
        Keys of :data:`CAPTION_FORMS` to draw from; default all five.
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    DigitCaptions

    Raises
    ------
    TypeError
        If ``y`` is not numeric or ``random_state`` has the wrong type.
    ValueError
        If ``y`` is not 1-D or holds values outside 0-9, ``informative`` is
        outside [0, 1], or ``forms`` is empty or names an unknown form.

    Examples
    --------
    >>> caps = make_digit_captions([7, 7, 2], informative=1.0, random_state=3)
    >>> len(caps), set(caps.form) <= set(CAPTION_FORMS)
    (3, True)
    """
    labels = check_array(y, "y", ndim=1)
    if labels.size and (not np.all(labels == np.round(labels)) or labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"y must hold digits 0..9; got values from {labels.min()} to {labels.max()}.")
    labels = labels.astype(np.int64)
    informative = check_fraction(informative, "informative")
    forms = tuple(CAPTION_FORMS) if forms is None else tuple(forms)
    unknown = [f for f in forms if f not in CAPTION_FORMS]
    if not forms or unknown:
        raise ValueError(f"forms must be a non-empty selection of {list(CAPTION_FORMS)}; got {list(forms)}.")
    rng = check_random_state(random_state)
    n = labels.shape[0]
    says = rng.random(n) < informative
    form_idx = rng.integers(len(forms), size=n)
    template = rng.integers(len(CAPTION_TEMPLATES), size=n)
    generic = rng.integers(len(CAPTION_GENERIC), size=n)
    captions, used = [], []
    for j in range(n):
        if says[j]:
            form = forms[form_idx[j]]
            captions.append(CAPTION_TEMPLATES[template[j]].format(CAPTION_FORMS[form][labels[j]]))
            used.append(form)
        else:
            captions.append(CAPTION_GENERIC[generic[j]])
            used.append("generic")
    return DigitCaptions(
        captions=np.array(captions, dtype=str),
        y=labels,
        form=np.array(used, dtype=str),
        template=np.where(says, template, -1).astype(np.int64),
        informative=says,
    )


def caption_vocabulary() -> tuple[str, ...]:
    """Every word any caption can contain, sorted (the bag-of-words columns of the catalogue's view).

    Examples
    --------
    >>> "septet" in caption_vocabulary() and "scribbled" in caption_vocabulary()
    True
    """
    words: set[str] = set()
    texts: list[Any] = [*CAPTION_TEMPLATES, *CAPTION_GENERIC]
    texts += [w for forms in CAPTION_FORMS.values() for w in forms]
    for text in texts:
        words.update(_words(text.replace("{}", " ")))
    return tuple(sorted(words))


def _words(text: str) -> list[str]:
    return [w for w in text.replace(":", " ").split() if w]


def caption_bag_of_words(captions: DigitCaptions) -> np.ndarray:
    """Word counts of each caption over :func:`caption_vocabulary` (float32, (n, V))."""
    vocab = {w: i for i, w in enumerate(caption_vocabulary())}
    out = np.zeros((len(captions), len(vocab)), dtype=np.float32)
    for j, text in enumerate(captions.captions):
        for w in _words(str(text)):
            out[j, vocab[w]] += 1
    return out
