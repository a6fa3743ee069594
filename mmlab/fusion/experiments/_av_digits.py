"""Unimodal versus fused models on AV-Digits: digit images, synthesised speech, words; paired by class (lecture 05)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mmlab._validation import RandomState, seed_from_random_state
from mmlab.fusion.experiments._train import _TRAIN_DEFAULTS, FitResult, train_fusion

__all__ = ["av_digits_accuracies"]


def av_digits_accuracies(
    operators: Sequence[str] = ("additive", "concat", "tensor", "low_rank", "gated"),
    *,
    epochs: int,
    random_state: RandomState = 0,
    unimodal: bool = True,
    **train_kwargs: Any,
) -> dict[str, FitResult]:
    r"""Train unimodal and fused models on AV-Digits (image, audio, text) and score them on its test split.

    Every feature is standardised with the training split's mean and standard
    deviation, :math:`\tilde x = (x - \mu_{train}) / (\sigma_{train} + 10^{-6})`.
    A unimodal model is an encoder and a linear head on one modality; a fused
    model has one encoder per modality, the fusion operator and a linear head
    (:func:`train_fusion`).

    Parameters
    ----------
    operators : sequence of str
        Fusion operators (names of :func:`mmlab.fusion.make_fusion`).
    epochs : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the models and the batch order (the splits are fixed by the data set).
    unimodal : bool, default=True
        Also train one model per modality.
    **train_kwargs
        Other keyword arguments of :func:`train_fusion`: model options
        (``embed_dim=``, ``head=`` ...), training options (``lr=``,
        ``weight_decay=``, ``batch_size=`` ...) and ``fusion_options=``.

    Returns
    -------
    dict
        ``{modality name or operator: FitResult}``; unimodal entries first.
        Each result's ``test`` is the pair ``(standardised test modalities,
        test labels)`` it was scored on.

    Raises
    ------
    TypeError
        If ``random_state`` has the wrong type, or ``train_kwargs`` holds an
        option :func:`train_fusion` does not take.
    ValueError
        If ``epochs`` is not a positive int or an operator is unknown.
    """
    seed = seed_from_random_state(random_state)
    from mmlab.data import load_av_digits

    train, test = load_av_digits("train"), load_av_digits("test")
    mean = [x.mean(dim=0) for x in train.modalities]
    std = [x.std(dim=0) + 1e-6 for x in train.modalities]
    xs = [(x - m) / s for x, m, s in zip(train.modalities, mean, std, strict=True)]
    xt = [(x - m) / s for x, m, s in zip(test.modalities, mean, std, strict=True)]
    kw = {**_TRAIN_DEFAULTS, **train_kwargs}
    out: dict[str, FitResult] = {}
    if unimodal:
        for i, name in enumerate(train.names):
            out[name] = train_fusion(
                ([xs[i]], train.y), ([xt[i]], test.y), "concat", epochs=epochs, random_state=seed, **kw
            )
    for op in operators:
        out[op] = train_fusion((xs, train.y), (xt, test.y), op, epochs=epochs, random_state=seed, **kw)
    return out
