"""AV-Digits arranged for generation: clean images to draw, and the other modalities to condition on.

The generation lectures draw the *clean* 8x8 digit (``meta["image_clean"]``, values k/16) from the
written word or the spoken digit of the same AV-Digits sample. :func:`av_digits_for_generation`
loads the three splits once and returns, per split, the clean and noisy images, the audio and text
features raw (values for Bernoulli decoders) and standardised with the training split's statistics
(inputs for condition encoders and classifiers), the words and their character tokens, the labels, and the digit each
word names (``-1`` when the word is missing).

Used by: every lecture of ``lectures/4_generation/`` and the generation lab.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from mmlab.generate._prior import text_tokens

__all__ = ["GenerationSplit", "av_digits_for_generation"]


@dataclass(frozen=True, eq=False)
class GenerationSplit:
    """One AV-Digits split prepared for generation (every tensor float32 unless said otherwise, on the CPU).

    Attributes
    ----------
    image : Tensor (n, 64)
        Clean pixels in [0, 1] (the generation target).
    image_noisy : Tensor (n, 64)
        The occluded, noisy pixels of the ``image`` modality.
    audio, text : Tensor (n, 480), (n, 64)
        Raw features (log-mel in [0, 1]; trigram counts).
    audio_std, text_std, image_noisy_std : Tensor
        The audio, text and noisy-image features standardised with the training split's mean and standard
        deviation.
    words : ndarray of str (n,)
        The written words (``""`` when missing).
    text_tokens : Tensor (n, 10)
        int64 character tokens of the words (:func:`~mmlab.generate.text_tokens`).
    y : Tensor (n,)
        int64 digit of the sample (what the image shows and the audio says).
    said : ndarray (n,)
        int64 digit the word names (differs from ``y`` for wrong words; -1 for missing ones).
    kind : ndarray of str (n,)
        ``"clean"``, ``"typo"``, ``"wrong"`` or ``"missing"``.
    """

    image: torch.Tensor
    image_noisy: torch.Tensor
    audio: torch.Tensor
    text: torch.Tensor
    audio_std: torch.Tensor
    text_std: torch.Tensor
    image_noisy_std: torch.Tensor
    words: np.ndarray
    text_tokens: torch.Tensor
    y: torch.Tensor
    said: np.ndarray
    kind: np.ndarray

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.y.shape[0])


def av_digits_for_generation() -> dict[str, GenerationSplit]:
    """Load AV-Digits' train, val and test splits prepared for generation (see :class:`GenerationSplit`).

    Returns
    -------
    dict of str to GenerationSplit
        Keys ``"train"``, ``"val"``, ``"test"`` (1,078 / 359 / 360 samples).

    Raises
    ------
    FileNotFoundError, ValueError
        If the shipped data file is missing or fails its checksum (see :func:`mmlab.data.load_av_digits`).

    Examples
    --------
    >>> data = av_digits_for_generation()
    >>> data["train"].image.shape, data["test"].text_tokens.shape
    (torch.Size([1078, 64]), torch.Size([360, 10]))
    """
    from mmlab.data import load_av_digits

    raw = {s: load_av_digits(s) for s in ("train", "val", "test")}
    stats = {m: (raw["train"][m].mean(dim=0), raw["train"][m].std(dim=0) + 1e-3) for m in ("image", "audio", "text")}
    out = {}
    for split, d in raw.items():
        out[split] = GenerationSplit(
            image=torch.from_numpy(np.array(d.meta["image_clean"], dtype=np.float32)),
            image_noisy=d["image"],
            audio=d["audio"],
            text=d["text"],
            audio_std=(d["audio"] - stats["audio"][0]) / stats["audio"][1],
            text_std=(d["text"] - stats["text"][0]) / stats["text"][1],
            image_noisy_std=(d["image"] - stats["image"][0]) / stats["image"][1],
            words=np.array(d.meta["word"]),
            text_tokens=text_tokens(d.meta["word"]),
            y=d.y,
            said=np.array(d.meta["text_said"], dtype=np.int64),
            kind=np.array(d.meta["text_kind"]),
        )
    return out
