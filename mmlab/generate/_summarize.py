r"""Extractive multimodal summarisation: pick the few input units (image rows, audio frames, the word) that
together keep the label, scored by one fused classifier trained to tolerate missing units.

Summarisation in the generation taxonomy produces a shorter output that keeps what matters of a long
multimodal input (e.g. a summary of an instructional video from its frames and transcript; How2, Sanabria
et al., 2018). Its fusion is *complementary*: the best summary takes from each modality what the others
lack. This file holds a small, honest version of the extractive step: a fused classifier that has seen
random subsets of units while training (:class:`UnitDropoutClassifier`) scores any subset, and greedy
forward selection (:func:`greedy_selection`) adds, one at a time, the unit that helps most.

Used by: ``lectures/4_generation/03_creation_and_summarization.ipynb``.

References: Sanabria, R. et al. How2: a large-scale dataset for multimodal language understanding.
NeurIPS ViGIL workshop 2018. Palaskar, S., Libovický, J., Gella, S. and Metze, F. Multimodal abstractive
summarization for How2 videos. ACL 2019. Srivastava, N. et al. Dropout: a simple way to prevent neural
networks from overfitting. JMLR 2014.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from mmlab._validation import check_fraction, check_positive_int
from mmlab.generate._common import check_tensor, mlp

__all__ = ["UnitDropoutClassifier", "av_digits_units", "greedy_selection", "subset_accuracy"]


def av_digits_units(
    image: torch.Tensor,
    audio: torch.Tensor,
    text: torch.Tensor,
) -> tuple[list[torch.Tensor], list[str]]:
    """Cut AV-Digits features into units: 8 image rows, 24 audio frames, 1 word.

    Parameters
    ----------
    image : Tensor of shape (n, 64)
        8x8 pixels, row-major.
    audio : Tensor of shape (n, 480)
        Log-mel, band-major (20 bands x 24 frames).
    text : Tensor of shape (n, 64)
        The word's hashed trigram counts.

    Returns
    -------
    units : list of Tensor
        ``[(n, 8, 8), (n, 24, 20), (n, 1, 64)]``: modality tensors of shape (n, units, features per unit).
    names : list of str
        33 names, ``"image row 0"`` ... ``"audio frame 23"``, ``"text word"``, in the order of the units.

    Raises
    ------
    TypeError, ValueError
        If an input is not a floating-point tensor of the stated shape, or the rows are not paired.

    Examples
    --------
    >>> units, names = av_digits_units(torch.zeros(2, 64), torch.zeros(2, 480), torch.zeros(2, 64))
    >>> [tuple(u.shape) for u in units], len(names)
    ([(2, 8, 8), (2, 24, 20), (2, 1, 64)], 33)
    """
    for name, x, width in (("image", image, 64), ("audio", audio, 480), ("text", text, 64)):
        check_tensor(x, name, ndim=2)
        if x.shape[1] != width:
            raise ValueError(f"{name} must have {width} columns (AV-Digits); got shape {tuple(x.shape)}.")
    if not image.shape[0] == audio.shape[0] == text.shape[0]:
        raise ValueError(
            f"image, audio and text must hold paired samples; got {image.shape[0]}, {audio.shape[0]} "
            f"and {text.shape[0]} rows."
        )
    n = image.shape[0]
    units = [image.reshape(n, 8, 8), audio.reshape(n, 20, 24).transpose(1, 2).contiguous(), text.reshape(n, 1, 64)]
    names = [f"image row {r}" for r in range(8)] + [f"audio frame {t}" for t in range(24)] + ["text word"]
    return units, names


class UnitDropoutClassifier(nn.Module):
    r"""A fused classifier over units that learns to work with any subset of them.

    .. math::

        \hat y = f\big([m_1 u_1; \dots; m_U u_U]\big), \qquad m_j \sim \operatorname{Bernoulli}(1 - p)
        \text{ while training},

    with :math:`u_j` the (standardised) features of unit :math:`j` of every modality, concatenated, and
    :math:`f` a one-hidden-layer MLP. Dropping whole units at random while training (with probability
    :math:`p`) makes the model meaningful on a subset: at evaluation, the mask :math:`m` keeps the
    selected units and zeroes the others (the training mean after standardisation).

    Parameters
    ----------
    unit_shapes : sequence of (int, int)
        ``(units, features per unit)`` of each modality, e.g. ``[(8, 8), (24, 20), (1, 64)]``.
    n_classes : int
    hidden : int, default=128
    drop : float, default=0.5
        :math:`p`, the probability of dropping a unit while training.

    Raises
    ------
    TypeError, ValueError
        If a shape or size is not a positive integer or ``drop`` is outside [0, 1).

    Examples
    --------
    >>> model = UnitDropoutClassifier([(8, 8), (1, 4)], 3)
    >>> model([torch.zeros(5, 8, 8), torch.zeros(5, 1, 4)], mask=torch.ones(9)).shape
    torch.Size([5, 3])
    """

    def __init__(
        self, unit_shapes: Sequence[Sequence[int]], n_classes: int, *, hidden: int = 128, drop: float = 0.5
    ) -> None:
        super().__init__()
        if isinstance(unit_shapes, (str, bytes)) or not isinstance(unit_shapes, Sequence) or not unit_shapes:
            raise ValueError(f"unit_shapes must list (units, features) per modality; got {unit_shapes!r}.")
        shapes = []
        for i, shape in enumerate(unit_shapes):
            if not isinstance(shape, Sequence) or len(shape) != 2:
                raise ValueError(f"unit_shapes[{i}] must be a pair (units, features); got {shape!r}.")
            shapes.append(
                (
                    check_positive_int(shape[0], f"unit_shapes[{i}][0]"),
                    check_positive_int(shape[1], f"unit_shapes[{i}][1]"),
                )
            )
        self.unit_shapes = tuple(shapes)
        self.n_units = sum(u for u, _ in shapes)
        self.drop = check_fraction(drop, "drop", inclusive=(True, False))
        self.net = mlp(
            sum(u * f for u, f in shapes),
            check_positive_int(n_classes, "n_classes", minimum=2),
            check_positive_int(hidden, "hidden"),
        )

    def forward(self, xs: Sequence[torch.Tensor], mask: torch.Tensor | None = None) -> torch.Tensor:
        """Logits ``(n, n_classes)``; ``mask`` (``(n_units,)`` or ``(n, n_units)``) keeps units (1) or drops them (0).

        Without a mask, units are dropped at random while training and all kept in evaluation mode.

        Raises
        ------
        TypeError, ValueError
            If ``xs`` does not match ``unit_shapes`` or ``mask`` has the wrong shape.
        """
        if isinstance(xs, torch.Tensor) or not isinstance(xs, Sequence) or len(xs) != len(self.unit_shapes):
            raise ValueError(f"xs must be a list of {len(self.unit_shapes)} tensors (n, units, features).")
        for i, (x, shape) in enumerate(zip(xs, self.unit_shapes, strict=True)):
            check_tensor(x, f"xs[{i}]", ndim=3, finite=False)
            if tuple(x.shape[1:]) != shape:
                raise ValueError(f"xs[{i}] must have shape (n, {shape[0]}, {shape[1]}); got {tuple(x.shape)}.")
        n = xs[0].shape[0]
        if mask is None:
            if self.training:
                mask = (torch.rand(n, self.n_units, device=xs[0].device) >= self.drop).to(xs[0].dtype)
            else:
                mask = torch.ones(self.n_units, device=xs[0].device, dtype=xs[0].dtype)
        check_tensor(mask, "mask", finite=False)
        if mask.shape not in ((self.n_units,), (n, self.n_units)):
            raise ValueError(
                f"mask must have shape ({self.n_units},) or ({n}, {self.n_units}); got {tuple(mask.shape)}."
            )
        mask = mask.to(xs[0].device, xs[0].dtype).expand(n, self.n_units)
        parts, start = [], 0
        for x, (u, _) in zip(xs, self.unit_shapes, strict=True):
            parts.append((x * mask[:, start : start + u, None]).flatten(1))
            start += u
        return self.net(torch.cat(parts, dim=1))


@torch.no_grad()
def subset_accuracy(
    model: UnitDropoutClassifier, xs: Sequence[torch.Tensor], y: torch.Tensor, selected: Sequence[int]
) -> float:
    """Accuracy of ``model`` when it sees only the units in ``selected`` (evaluation mode).

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a :class:`UnitDropoutClassifier`, ``selected`` holds an index out of range
        or a repeat, or the inputs do not match.
    """
    if not isinstance(model, UnitDropoutClassifier):
        raise TypeError(f"model must be a UnitDropoutClassifier; got {type(model).__name__}.")
    selected = [int(j) for j in selected]
    if any(not 0 <= j < model.n_units for j in selected) or len(set(selected)) != len(selected):
        raise ValueError(f"selected must hold distinct unit indices in 0 .. {model.n_units - 1}; got {selected}.")
    dev = next(model.parameters()).device
    mask = torch.zeros(model.n_units, device=dev)
    mask[selected] = 1.0
    was = model.training
    model.eval()
    pred = model([x.to(dev) for x in xs], mask).argmax(dim=1).cpu()
    model.train(was)
    return float((pred == y.cpu()).float().mean())


def greedy_selection(score: Callable[[list[int]], float], candidates: Sequence[int], budget: int) -> list[int]:
    r"""Greedy forward selection: add, ``budget`` times, the candidate whose addition scores best.

    .. math::

        S_0 = \varnothing, \qquad S_{t+1} = S_t \cup \Big\{\operatorname*{arg\,max}_{j \notin S_t}
        \operatorname{score}(S_t \cup \{j\})\Big\}.

    Ties go to the candidate listed first. Greedy selection is exact for modular scores and a good
    heuristic for the diminishing returns of redundant units; it is blind to units that only help
    together (synergy).

    Parameters
    ----------
    score : callable
        ``score(list_of_indices) -> float`` (e.g. validation accuracy on that subset).
    candidates : sequence of int
        The units to choose from.
    budget : int
        How many to pick (at most ``len(candidates)``).

    Returns
    -------
    list of int
        The picked units, in the order they were added.

    Raises
    ------
    TypeError
        If ``score`` is not callable.
    ValueError
        If ``candidates`` is empty or repeats a unit, or ``budget`` is out of range.

    Examples
    --------
    >>> greedy_selection(lambda s: sum(s) - 3 * (4 in s), [1, 2, 3, 4], 2)
    [3, 2]
    """
    if not callable(score):
        raise TypeError(f"score must be callable(list of indices) -> float; got {type(score).__name__}.")
    pool = [int(c) for c in candidates]
    if not pool or len(set(pool)) != len(pool):
        raise ValueError(f"candidates must be a non-empty list of distinct units; got {pool}.")
    budget = check_positive_int(budget, "budget")
    if budget > len(pool):
        raise ValueError(f"budget must be at most the number of candidates ({len(pool)}); got {budget}.")
    chosen: list[int] = []
    for _ in range(budget):
        best = max((c for c in pool if c not in chosen), key=lambda c: float(score([*chosen, c])))
        chosen.append(best)
    return chosen
