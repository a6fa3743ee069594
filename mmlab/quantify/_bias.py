"""Modality bias: the unimodal shortcut ("what colour is the banana?") and greedy learning, measured.

When one modality predicts the label well enough on the training
distribution (the question "what colour is the banana?" is usually answered
"yellow"), a multimodal model can lean on it and underuse the other (the
image). Its accuracy then looks fine where the bias holds and collapses on
*counter-bias* samples (a green banana). Watching accuracy on both kinds of
samples during training shows the order in which the modalities are learned:
the easy, biased modality first (greedy learning, Wu et al. 2022).

- :func:`probe_training`: train a model and record its accuracy on named
  evaluation sets every few optimisation steps (:class:`ProbeCurves`);
- :func:`modality_utilisation`: how much accuracy a trained model loses when
  one modality is shuffled across samples;
- :func:`biased_vqa_study`: question-only, image-only and fused models trained
  on the same data, scored on several test sets, with their training curves.

Used by: ``lectures/6_quantification/04_modality_bias_and_fairness.ipynb``.

References
----------
Goyal, Y. et al. Making the V in VQA matter: elevating the role of image
understanding in visual question answering. CVPR 2017.
Agrawal, A. et al. Don't just assume; look and answer: overcoming priors for
visual question answering. CVPR 2018.
Wu, N., Jastrzębski, S., Cho, K. and Geras, K. J. Characterizing and
overcoming the greedy nature of learning in multi-modal deep neural networks.
ICML 2022.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import (
    RandomState,
    check_positive_int,
    check_scalar,
    seed_from_random_state,
    split_modalities_and_labels,
)
from mmlab.runtime import seeded

__all__ = ["BiasStudy", "ProbeCurves", "biased_vqa_study", "modality_utilisation", "probe_training"]


# --------------------------------------------------------------------------- #
# training curves on several evaluation sets
# --------------------------------------------------------------------------- #
@dataclass
class ProbeCurves:
    """Accuracy on named evaluation sets during training.

    Attributes
    ----------
    steps : list of int
        Optimisation steps at which the probes were evaluated (0 = before training).
    accuracy : dict of str to list of float
        Per evaluation set, the accuracy at each of ``steps``.
    """

    steps: list[int] = field(default_factory=list)
    accuracy: dict[str, list[float]] = field(default_factory=dict)

    def first_step_reaching(self, name: str, level: float) -> int | None:
        """The first recorded step at which ``accuracy[name] >= level`` (None if never)."""
        for step, acc in zip(self.steps, self.accuracy[name], strict=True):
            if acc >= level:
                return step
        return None

    def at_step(self, name: str, step: int) -> float:
        """The accuracy on ``name`` at a recorded step.

        Raises
        ------
        ValueError
            If ``step`` was not recorded.
        """
        if step not in self.steps:
            raise ValueError(f"step {step} was not recorded; the recorded steps are {self.steps[:5]}...")
        return self.accuracy[name][self.steps.index(step)]


def probe_training(
    model: nn.Module,
    xs: Sequence[torch.Tensor],
    y: torch.Tensor,
    *,
    probes: Mapping[str, tuple[Sequence[torch.Tensor], torch.Tensor]],
    epochs: int,
    every: int = 4,
    lr: float = 1e-3,
    batch_size: int = 64,
    random_state: RandomState = 0,
) -> ProbeCurves:
    """Train ``model`` with Adam on cross-entropy and record its accuracy on every probe set every ``every`` steps.

    Parameters
    ----------
    model : torch.nn.Module
        Called with the list of modalities, returning logits.
    xs : sequence of torch.Tensor
        Training modalities ``(n, d_m)``.
    y : torch.Tensor of shape (n,)
        Integer labels.
    probes : mapping of str to (xs, y)
        Evaluation sets, each in the same form as the training data.
    epochs : int
    every : int, default=4
        Evaluate after every ``every`` optimisation steps (and before the first).
    lr : float, default=1e-3
    batch_size : int, default=64
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the batch order.

    Returns
    -------
    ProbeCurves

    Raises
    ------
    TypeError
        If ``model`` is not a module or ``probes`` is not a mapping.
    ValueError
        If the data are not paired, ``probes`` is empty, or a size or rate is not positive.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    xs, y = _check_xy(xs, y, "xs")
    if not isinstance(probes, Mapping):
        raise TypeError(f"probes must be a mapping of name to (xs, y); got {type(probes).__name__}.")
    if not probes:
        raise ValueError("probes must name at least one evaluation set.")
    checked = {name: _check_xy(px, py, f"probes[{name!r}]") for name, (px, py) in probes.items()}
    dev = next((p.device for p in model.parameters()), xs[0].device)  # train and evaluate where the model lives
    xs, y = [x.to(dev) for x in xs], y.to(dev)
    checked = {name: ([x.to(dev) for x in px], py.to(dev)) for name, (px, py) in checked.items()}
    epochs = check_positive_int(epochs, "epochs")
    every = check_positive_int(every, "every")
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = seed_from_random_state(random_state)
    curves = ProbeCurves(accuracy={name: [] for name in checked})

    def record(step: int) -> None:
        model.eval()
        with torch.no_grad():
            for name, (px, py) in checked.items():
                curves.accuracy[name].append(float((model(px).argmax(dim=1) == py).double().mean()))
        curves.steps.append(step)
        model.train()

    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    record(0)
    step = 0
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(y.shape[0], generator=torch.Generator().manual_seed(seed * 7919 + epoch))
        for idx in order.split(batch_size):
            loss = nn.functional.cross_entropy(model([x[idx] for x in xs]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % every == 0:
                record(step)
    if curves.steps[-1] != step:
        record(step)
    model.eval()
    return curves


def modality_utilisation(
    model: nn.Module, xs: Sequence[torch.Tensor], y: torch.Tensor, *, modality: int, random_state: RandomState = 0
) -> float:
    r"""How much of a model's accuracy rests on one modality: the drop when that modality is shuffled.

    .. math::

        u_m = \frac{\mathrm{acc}(x_1, \dots, x_M) - \mathrm{acc}(x_1, \dots, x_{\pi(m)}, \dots, x_M)}
                   {\mathrm{acc}(x_1, \dots, x_M)},

    where :math:`x_{\pi(m)}` pairs every sample with another sample's
    modality :math:`m` (a random permutation): the modality keeps its
    distribution but loses its link to the rest and to the label. A
    permutation variant of Wu et al.'s conditional utilisation rate; 0 when
    the model ignores the modality.

    Parameters
    ----------
    model : torch.nn.Module
        Called with the list of modalities.
    xs : sequence of torch.Tensor
    y : torch.Tensor of shape (N,)
    modality : int
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the permutation.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``model`` is not a module.
    ValueError
        If ``modality`` is out of range, the data are not paired, or the
        model's accuracy is 0.

    References
    ----------
    Wu, N. et al. ICML 2022 (conditional utilisation rate).

    Examples
    --------
    >>> from mmlab.fusion import MultimodalClassifier
    >>> net = MultimodalClassifier.build([2, 2], 2, "additive")
    >>> xs, y = [torch.randn(50, 2), torch.randn(50, 2)], torch.randint(0, 2, (50,))
    >>> isinstance(modality_utilisation(net, xs, y, modality=0), float)
    True
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    xs, y = _check_xy(xs, y, "xs")
    if isinstance(modality, bool) or not isinstance(modality, int) or not 0 <= modality < len(xs):
        raise ValueError(f"modality must be an index in 0 .. {len(xs) - 1}; got {modality!r}.")
    seed = seed_from_random_state(random_state)
    dev = next((p.device for p in model.parameters()), xs[0].device)  # evaluate where the model lives
    xs, y = [x.to(dev) for x in xs], y.to(dev)
    perm = torch.randperm(y.shape[0], generator=torch.Generator().manual_seed(seed))
    shuffled = list(xs)
    shuffled[modality] = xs[modality][perm.to(xs[modality].device)]
    was = model.training
    model.eval()
    with torch.no_grad():
        full = float((model(xs).argmax(dim=1) == y).double().mean())
        broken = float((model(shuffled).argmax(dim=1) == y).double().mean())
    model.train(was)
    if full == 0:
        raise ValueError("the model's accuracy is 0, so a relative drop is undefined.")
    return (full - broken) / full


# --------------------------------------------------------------------------- #
# the study
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class BiasStudy:
    """Unimodal and fused models trained on the same (biased) data, scored on several test sets.

    Attributes
    ----------
    accuracy : dict of str to dict of str to float
        ``accuracy[model][test set]`` for models ``"question"``, ``"image"``
        and ``"fused"``.
    curves : dict of str to ProbeCurves
        Each model's accuracy on every test set during training.
    models : dict of str to torch.nn.Module
    """

    accuracy: dict[str, dict[str, float]]
    curves: dict[str, ProbeCurves]
    models: dict[str, nn.Module]


def biased_vqa_study(
    train: Any,
    tests: Mapping[str, Any],
    *,
    epochs: int,
    every: int = 4,
    lr: float = 1e-3,
    batch_size: int = 64,
    embed_dim: int = 16,
    hidden: int = 32,
    random_state: RandomState = 0,
) -> BiasStudy:
    """Train question-only, image-only and fused (concatenation) models; score and trace them on every test set.

    Every model is an encoders + concatenation + linear head
    :class:`mmlab.fusion.MultimodalClassifier` (a unimodal one has one
    encoder), initialised from the same seed and trained by
    :func:`probe_training` with the same batches.

    Parameters
    ----------
    train : data set with ``modalities`` (question, image) and ``y``
        E.g. :func:`mmlab.data.make_biased_vqa`.
    tests : mapping of str to data set
        Named evaluation sets (in-distribution, counter-bias, ...).
    epochs, every, lr, batch_size, random_state
        As :func:`probe_training`.
    embed_dim, hidden : int
        Encoder sizes.

    Returns
    -------
    BiasStudy

    Raises
    ------
    TypeError
        If a data argument has no modalities and labels, or ``tests`` is not a mapping.
    ValueError
        If the data do not have two modalities, or as :func:`probe_training`.
    """
    from mmlab.fusion import MultimodalClassifier

    xs, y = _as_xy(train, "train")
    if len(xs) != 2:
        raise ValueError(f"train must have two modalities (question, image); got {len(xs)}.")
    if not isinstance(tests, Mapping) or not tests:
        raise TypeError("tests must be a non-empty mapping of name to data set.")
    probes = {name: _as_xy(data, f"tests[{name!r}]") for name, data in tests.items()}
    seed = seed_from_random_state(random_state)
    n_classes = int(max([int(y.max())] + [int(py.max()) for _, py in probes.values()]) + 1)
    accuracy, curves, models = {}, {}, {}
    for name, keep in (("question", (0,)), ("image", (1,)), ("fused", (0, 1))):
        with seeded(seed):
            net = MultimodalClassifier.build(
                [int(xs[i].shape[1]) for i in keep], n_classes, "concat", embed_dim=embed_dim, hidden=hidden
            )

        def pick(data: Sequence[torch.Tensor], keep: tuple[int, ...] = keep) -> list[torch.Tensor]:
            return [data[i] for i in keep]

        curves[name] = probe_training(
            net,
            pick(xs),
            y,
            probes={k: (pick(px), py) for k, (px, py) in probes.items()},
            epochs=epochs,
            every=every,
            lr=lr,
            batch_size=batch_size,
            random_state=seed,
        )
        accuracy[name] = {k: v[-1] for k, v in curves[name].accuracy.items()}
        models[name] = net
    return BiasStudy(accuracy=accuracy, curves=curves, models=models)


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _check_xy(xs: Any, y: Any, name: str) -> tuple[list[torch.Tensor], torch.Tensor]:
    if (
        isinstance(xs, torch.Tensor)
        or not isinstance(xs, Sequence)
        or not xs
        or not all(isinstance(x, torch.Tensor) for x in xs)
    ):
        raise ValueError(f"{name} must be a non-empty list of modality tensors.")
    if not isinstance(y, torch.Tensor) or y.ndim != 1 or any(x.shape[0] != y.shape[0] for x in xs) or y.shape[0] == 0:
        raise ValueError(f"the labels of {name} must be a non-empty 1-D tensor paired with its modalities.")
    return list(xs), y.long()


def _as_xy(data: Any, name: str) -> tuple[list[torch.Tensor], torch.Tensor]:
    xs, y = split_modalities_and_labels(data, name)
    return [torch.as_tensor(np.asarray(x), dtype=torch.float32) for x in xs], torch.as_tensor(np.asarray(y)).long()
