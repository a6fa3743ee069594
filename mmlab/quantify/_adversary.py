"""Robustness to a single-source adversary: one modality attacked, an odd-one-out network, robust fusion.

An attacker who controls *one* modality (a sticker on a camera, a forged
sensor stream) can push its features anywhere within a small budget. Fusion
by concatenation or by averaging the modalities' predictions lets that one
modality outvote the clean ones. Yang et al. (2021) defend with an
*odd-one-out network*, which reads all modalities and says which one (if any)
disagrees with the rest, and a *robust fusion layer*, which fuses every
subset that leaves one modality out and mixes them by the odd-one-out
probabilities.

- :func:`single_source_attack`: projected gradient ascent (PGD, an
  :math:`\\ell_\\infty` ball) on one modality;
- :class:`MeanFusion`: the average of per-modality branches' log-probabilities;
- :class:`OddOneOutNetwork` and :class:`RobustFusion`: the defence, here on
  the branches' log-probabilities;
- :func:`train_odd_one_out`: trains the odd-one-out network on clean and
  singly-perturbed copies of the training data;
- :func:`single_source_study`: concatenation, mean and robust fusion, clean
  and under the worst single-source attack.

Used by: ``lectures/6_quantification/05_noise_robustness_and_adversaries.ipynb``.

References
----------
Yang, K., Lin, W.-Y., Barman, M., Condessa, F. and Kolter, Z. Defending
multimodal fusion models against single-source adversaries. CVPR 2021.
Madry, A. et al. Towards deep learning models resistant to adversarial
attacks. ICLR 2018 (PGD).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

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

__all__ = [
    "MeanFusion",
    "OddOneOutNetwork",
    "RobustFusion",
    "SingleSourceStudy",
    "single_source_attack",
    "single_source_study",
    "train_odd_one_out",
]


# --------------------------------------------------------------------------- #
# the attack
# --------------------------------------------------------------------------- #
def single_source_attack(
    model: nn.Module,
    xs: Sequence[torch.Tensor],
    y: torch.Tensor,
    *,
    modality: int,
    eps: float,
    steps: int = 20,
    step_size: float | None = None,
    random_state: RandomState = 0,
) -> list[torch.Tensor]:
    r"""Perturb one modality within an :math:`\ell_\infty` ball to maximise the model's loss (PGD).

    .. math::

        \delta^{(t+1)} = \Pi_{\|\delta\|_\infty \le \epsilon}
        \Big(\delta^{(t)} + \alpha\, \operatorname{sign} \nabla_\delta
        \mathrm{CE}\big(g(x_1, \dots, x_m + \delta^{(t)}, \dots, x_M), y\big)\Big),

    from a uniform random start in the ball; only modality :math:`m` moves,
    the others stay clean. The attack is white-box: it differentiates through
    the whole ``model``, defence included.

    Parameters
    ----------
    model : torch.nn.Module
        Called with the list of modalities, returning logits (or
        log-probabilities) ``(N, C)``.
    xs : sequence of torch.Tensor
        ``(N, d_m)`` each.
    y : torch.Tensor of shape (N,)
        Integer labels.
    modality : int
        :math:`m`, the attacked modality.
    eps : float
        :math:`\epsilon > 0`, the budget per feature.
    steps : int, default=20
    step_size : float, optional
        :math:`\alpha`; default :math:`\epsilon / 4`.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the random start.

    Returns
    -------
    list of torch.Tensor
        The modalities with modality :math:`m` perturbed (the others are the
        input tensors themselves).

    Raises
    ------
    TypeError
        If ``model`` is not a module or ``xs`` is not a list of floating-point tensors.
    ValueError
        If ``modality`` is out of range, the inputs are not paired, or
        ``eps``/``steps``/``step_size`` is not positive.

    Examples
    --------
    >>> from mmlab.fusion import MultimodalClassifier
    >>> net = MultimodalClassifier.build([3, 3], 2, "concat")
    >>> xs, y = [torch.randn(6, 3), torch.randn(6, 3)], torch.randint(0, 2, (6,))
    >>> adv = single_source_attack(net, xs, y, modality=1, eps=0.5, steps=3)
    >>> bool((adv[1] - xs[1]).abs().max() <= 0.5 + 1e-6), adv[0] is xs[0]
    (True, True)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module called with a list of modalities; got {type(model).__name__}."
        )
    xs, y = _check_inputs(xs, y)
    if isinstance(modality, bool) or not isinstance(modality, int) or not 0 <= modality < len(xs):
        raise ValueError(f"modality must be an index in 0 .. {len(xs) - 1}; got {modality!r}.")
    eps = check_scalar(eps, "eps", min_val=0, include_boundaries="neither")
    steps = check_positive_int(steps, "steps")
    alpha = (
        eps / 4 if step_size is None else check_scalar(step_size, "step_size", min_val=0, include_boundaries="neither")
    )
    seed = seed_from_random_state(random_state)
    dev = next((p.device for p in model.parameters()), xs[0].device)  # attack where the model lives
    return _pgd(model, [x.to(dev) for x in xs], y.to(dev), modality, eps, steps, alpha, seed)


def _pgd(
    model: nn.Module, xs: list[torch.Tensor], y: torch.Tensor, m: int, eps: float, steps: int, alpha: float, seed: int
) -> list[torch.Tensor]:
    """PGD on validated inputs; the model is put in evaluation mode and restored."""
    was = model.training
    model.eval()
    x = xs[m].detach()
    gen = torch.Generator().manual_seed(seed)
    delta = ((torch.rand(x.shape, generator=gen) * 2 - 1) * eps).to(x)
    for _ in range(steps):
        delta.requires_grad_(True)
        moved = list(xs)
        moved[m] = x + delta
        loss = nn.functional.cross_entropy(model(moved), y)
        (grad,) = torch.autograd.grad(loss, delta)
        delta = (delta.detach() + alpha * grad.sign()).clamp(-eps, eps)
    model.train(was)
    out = list(xs)
    out[m] = (x + delta).detach()
    return out


# --------------------------------------------------------------------------- #
# fusion of per-modality branches, plain and robust
# --------------------------------------------------------------------------- #
class MeanFusion(nn.Module):
    r"""Average the log-probabilities of one classifier per modality: :math:`\frac1M \sum_m \log p_m(y \mid x_m)`.

    Parameters
    ----------
    branches : sequence of torch.nn.Module
        Branch :math:`m` is called as ``branch([x_m])`` and returns logits.

    Raises
    ------
    TypeError
        If ``branches`` is not a non-empty sequence of modules.

    Examples
    --------
    >>> from mmlab.fusion import MultimodalClassifier
    >>> fuse = MeanFusion([MultimodalClassifier.build([3], 4, "concat") for _ in range(2)])
    >>> fuse([torch.randn(5, 3), torch.randn(5, 3)]).shape
    torch.Size([5, 4])
    """

    def __init__(self, branches: Sequence[nn.Module]) -> None:
        super().__init__()
        self.branches = _check_branches(branches)

    def log_probs(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The branches' log-probabilities, ``(N, M, C)``."""
        return torch.stack([torch.log_softmax(b([x]), dim=1) for b, x in zip(self.branches, xs, strict=True)], dim=1)

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        return self.log_probs(xs).mean(dim=1)


class OddOneOutNetwork(nn.Module):
    r"""Which modality, if any, disagrees with the others? A small MLP over the branches' agreement.

    From the branches' class probabilities :math:`p_1, \dots, p_M` it builds
    the total-variation distance of every pair,
    :math:`\tfrac12 \lVert p_i - p_j \rVert_1`, and every branch's confidence
    :math:`\max_c p_m(c)`, and maps them through a one-hidden-layer MLP to
    :math:`M + 1` logits: "none is odd" (index 0), then modality
    :math:`1, \dots, M`. Reading agreement rather than raw features makes the
    decision depend on *which modality stands apart*, the consistency signal
    Yang et al.'s odd-one-out network learns from the features.

    Parameters
    ----------
    n_modalities : int
        :math:`M \ge 3` (with two, the odd one cannot be told from the other).
    hidden : int, default=32

    Raises
    ------
    TypeError, ValueError
        If a size is not an int, or ``n_modalities < 3``.

    Examples
    --------
    >>> net = OddOneOutNetwork(3)
    >>> net(torch.log_softmax(torch.randn(4, 3, 10), dim=2)).shape
    torch.Size([4, 4])
    """

    def __init__(self, n_modalities: int, *, hidden: int = 32) -> None:
        super().__init__()
        self.n_modalities = check_positive_int(n_modalities, "n_modalities", minimum=3)
        hidden = check_positive_int(hidden, "hidden")
        self.pairs = tuple(combinations(range(self.n_modalities), 2))
        self.net = nn.Sequential(
            nn.Linear(len(self.pairs) + self.n_modalities, hidden), nn.ReLU(), nn.Linear(hidden, self.n_modalities + 1)
        )

    def features(self, log_probs: torch.Tensor) -> torch.Tensor:
        """Pairwise total-variation distances, then confidences: ``(N, M(M-1)/2 + M)``."""
        p = log_probs.exp()
        tv = torch.stack([0.5 * (p[:, i] - p[:, j]).abs().sum(dim=1) for i, j in self.pairs], dim=1)
        return torch.cat([tv, p.max(dim=2).values], dim=1)

    def forward(self, log_probs: torch.Tensor) -> torch.Tensor:
        return self.net(self.features(log_probs))


class RobustFusion(nn.Module):
    r"""Fuse every leave-one-out subset and mix them by the odd-one-out probabilities.

    .. math::

        \hat s(x) = q_0\, \frac1M \sum_{m} \ell_m
                  + \sum_{i=1}^{M} q_i\, \frac{1}{M-1} \sum_{m \ne i} \ell_m,
        \qquad q = \operatorname{softmax}\big(o(\ell_1, \dots, \ell_M)\big),

    with :math:`\ell_m = \log p_m(\cdot \mid x_m)` the branches'
    log-probabilities and :math:`o` the :class:`OddOneOutNetwork`. When
    :math:`o` blames modality :math:`i`, that modality drops out of the
    prediction, whatever its features say. Yang et al. fuse intermediate
    features this way; here the branches' outputs are fused.

    Parameters
    ----------
    branches : sequence of torch.nn.Module
        One classifier per modality, called as ``branch([x_m])``.
    detector : OddOneOutNetwork
        For the same number of modalities.

    Raises
    ------
    TypeError
        If ``branches`` is not a sequence of modules or ``detector`` is not an
        :class:`OddOneOutNetwork`.
    ValueError
        If ``detector`` was built for another number of modalities.

    Examples
    --------
    >>> from mmlab.fusion import MultimodalClassifier
    >>> branches = [MultimodalClassifier.build([3], 4, "concat") for _ in range(3)]
    >>> robust = RobustFusion(branches, OddOneOutNetwork(3))
    >>> robust([torch.randn(5, 3) for _ in range(3)]).shape
    torch.Size([5, 4])
    """

    def __init__(self, branches: Sequence[nn.Module], detector: OddOneOutNetwork) -> None:
        super().__init__()
        self.branches = _check_branches(branches)
        if not isinstance(detector, OddOneOutNetwork):
            raise TypeError(f"detector must be an OddOneOutNetwork; got {type(detector).__name__}.")
        if detector.n_modalities != len(self.branches):
            raise ValueError(
                f"detector was built for {detector.n_modalities} modalities but there are "
                f"{len(self.branches)} branches."
            )
        self.detector = detector

    def odd_one_out(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The odd-one-out probabilities :math:`q`, ``(N, M + 1)`` (column 0: none)."""
        return torch.softmax(self.detector(self._log_probs(xs)), dim=1)

    def _log_probs(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        return torch.stack([torch.log_softmax(b([x]), dim=1) for b, x in zip(self.branches, xs, strict=True)], dim=1)

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        lp = self._log_probs(xs)  # (N, M, C)
        q = torch.softmax(self.detector(lp), dim=1)  # (N, M + 1)
        m = lp.shape[1]
        total = lp.sum(dim=1)
        leave_out = (total[:, None, :] - lp) / (m - 1)  # (N, M, C): fusion without modality i
        return q[:, :1] * (total / m) + (q[:, 1:, None] * leave_out).sum(dim=1)


# --------------------------------------------------------------------------- #
# training the odd-one-out network
# --------------------------------------------------------------------------- #
def train_odd_one_out(
    detector: OddOneOutNetwork,
    branches: Sequence[nn.Module],
    xs: Sequence[torch.Tensor],
    y: torch.Tensor,
    *,
    eps: float,
    steps: int = 10,
    epochs: int = 30,
    lr: float = 3e-3,
    random_state: RandomState = 0,
) -> OddOneOutNetwork:
    r"""Train an odd-one-out network on clean and singly-perturbed copies of the training data.

    The training set holds every training sample once clean (label 0, "none
    is odd") and, for each modality :math:`i`, three perturbed copies with
    label :math:`i + 1`: PGD attacks on :class:`MeanFusion` of the branches
    restricted to modality :math:`i` with budgets :math:`\epsilon/2` and
    :math:`\epsilon`, and Gaussian noise of standard deviation
    :math:`2\epsilon`. The branches are frozen; only the detector learns
    (cross-entropy, Adam, :func:`mmlab.train.fit`).

    Parameters
    ----------
    detector : OddOneOutNetwork
        Trained in place.
    branches : sequence of torch.nn.Module
        The trained per-modality classifiers.
    xs, y : training data
    eps : float
        The budget the defence is trained for.
    steps : int, default=10
        PGD steps of the training attacks.
    epochs : int, default=30
    lr : float, default=3e-3
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    OddOneOutNetwork
        ``detector``, trained and in evaluation mode.

    Raises
    ------
    TypeError
        If ``detector`` is not an :class:`OddOneOutNetwork` or the branches are not modules.
    ValueError
        If the branches and the detector disagree on the number of
        modalities, the inputs are not paired, or an option is not positive.
    """
    from mmlab.train import fit

    if not isinstance(detector, OddOneOutNetwork):
        raise TypeError(f"detector must be an OddOneOutNetwork; got {type(detector).__name__}.")
    mean = MeanFusion(branches)
    xs, y = _check_inputs(xs, y)
    if not len(xs) == len(mean.branches) == detector.n_modalities:
        raise ValueError(
            f"the detector, the branches and the data must have the same number of modalities; got "
            f"{detector.n_modalities}, {len(mean.branches)} and {len(xs)}."
        )
    eps = check_scalar(eps, "eps", min_val=0, include_boundaries="neither")
    steps = check_positive_int(steps, "steps")
    seed = seed_from_random_state(random_state)
    for p in mean.parameters():
        p.requires_grad_(False)
    inputs, labels = [], []
    with torch.no_grad():
        inputs.append(mean.log_probs(xs))
    labels.append(torch.zeros(len(y), dtype=torch.long))
    for i in range(len(xs)):
        copies = [
            _pgd(mean, xs, y, i, budget, steps, budget / 4, seed + 31 * i + k)
            for k, budget in enumerate((eps / 2, eps))
        ]
        noisy = list(xs)
        gen = torch.Generator().manual_seed(seed + 977 + i)
        noisy[i] = xs[i] + 2 * eps * torch.randn(xs[i].shape, generator=gen).to(xs[i])
        copies.append(noisy)
        for c in copies:
            with torch.no_grad():
                inputs.append(mean.log_probs(c))
            labels.append(torch.full((len(y),), i + 1, dtype=torch.long))
    for p in mean.parameters():
        p.requires_grad_(True)
    with seeded(seed):
        for layer in detector.net:
            if isinstance(layer, nn.Linear):
                layer.reset_parameters()
    fit(
        detector,
        torch.cat(inputs),
        torch.cat(labels),
        epochs=check_positive_int(epochs, "epochs"),
        lr=lr,
        random_state=seed,
        progress=False,
        device=xs[0].device,
    )
    return detector.eval()


# --------------------------------------------------------------------------- #
# the study
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class SingleSourceStudy:
    """Clean accuracy and accuracy under single-source attacks of several fusion models.

    Attributes
    ----------
    clean : dict of str to float
        Clean test accuracy per model.
    attacked : dict of str to dict of int to float
        ``attacked[model][m]``: accuracy when modality ``m`` is attacked (for
        the robust model, the worse of a white-box attack on it and an attack
        transferred from mean fusion).
    eps : float
        The attack budget.
    models : dict of str to torch.nn.Module
        The trained models (``"concat"``, ``"mean"``, ``"robust"``).
    """

    clean: dict[str, float]
    attacked: dict[str, dict[int, float]]
    eps: float
    models: dict[str, nn.Module]

    def worst(self, model: str) -> float:
        """Accuracy under the most damaging single-source attack."""
        return min(self.attacked[model].values())

    def kept(self, model: str) -> float:
        """Worst attacked accuracy as a share of the clean accuracy."""
        return self.worst(model) / self.clean[model]


def single_source_study(
    train: Any,
    test: Any,
    *,
    eps: float,
    epochs: int = 20,
    detector_epochs: int = 30,
    steps: int = 20,
    embed_dim: int = 16,
    hidden: int = 32,
    random_state: RandomState = 0,
) -> SingleSourceStudy:
    """Train concatenation, mean and robust fusion on ``train``; attack each modality of ``test`` in turn.

    - ``"concat"``: :class:`mmlab.fusion.MultimodalClassifier` with
      concatenation fusion, trained jointly;
    - ``"mean"``: :class:`MeanFusion` of one classifier per modality, each
      trained alone;
    - ``"robust"``: :class:`RobustFusion` of the same branches with an
      :class:`OddOneOutNetwork` trained by :func:`train_odd_one_out` at
      budget ``eps``.

    Every model is attacked by :func:`single_source_attack` (white-box, budget
    ``eps``) on each modality; the robust model is also attacked with the
    perturbations that break mean fusion (transfer), and the worse of the two
    counts, so that a defence that merely hides its gradients gains nothing.

    Parameters
    ----------
    train, test : data set with ``modalities`` and ``y`` (or a pair)
        At least three modalities.
    eps : float
        Attack budget (per feature, in the features' units).
    epochs : int, default=20
        Training epochs of the classifiers.
    detector_epochs : int, default=30
    steps : int, default=20
        PGD steps of the test attacks.
    embed_dim, hidden : int
        Sizes of the classifiers' encoders.
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    SingleSourceStudy

    Raises
    ------
    TypeError
        If a data argument has no modalities and labels.
    ValueError
        If there are fewer than three modalities, or an option is invalid.
    """
    from mmlab.fusion import MultimodalClassifier
    from mmlab.train import fit

    xs, y = _as_xy(train, "train")
    tx, ty = _as_xy(test, "test")
    if len(xs) < 3:
        raise ValueError(f"a single-source defence needs at least three modalities; got {len(xs)}.")
    eps = check_scalar(eps, "eps", min_val=0, include_boundaries="neither")
    epochs = check_positive_int(epochs, "epochs")
    seed = seed_from_random_state(random_state)
    n_classes = int(max(int(y.max()), int(ty.max())) + 1)

    def trained(dims: list[int], inputs: list[torch.Tensor], salt: int) -> nn.Module:
        with seeded(seed + salt):
            model = MultimodalClassifier.build(dims, n_classes, "concat", embed_dim=embed_dim, hidden=hidden)
        fit(model, inputs, y, epochs=epochs, lr=5e-3, random_state=seed + salt, progress=False, device="cpu")
        return model.eval()

    branches = [trained([int(x.shape[1])], [x], i + 1) for i, x in enumerate(xs)]
    models = {"concat": trained([int(x.shape[1]) for x in xs], xs, 0), "mean": MeanFusion(branches).eval()}
    detector = train_odd_one_out(
        OddOneOutNetwork(len(xs)), branches, xs, y, eps=eps, epochs=detector_epochs, random_state=seed
    )
    models["robust"] = RobustFusion(branches, detector).eval()

    def accuracy(model: nn.Module, inputs: list[torch.Tensor]) -> float:
        with torch.no_grad():
            return float((model(inputs).argmax(dim=1) == ty).double().mean())

    clean = {name: accuracy(model, tx) for name, model in models.items()}
    attacked: dict[str, dict[int, float]] = {name: {} for name in models}
    for m in range(len(tx)):
        for name, model in models.items():
            adv = _pgd(model, tx, ty, m, eps, steps, eps / 4, seed + 100 + m)
            attacked[name][m] = accuracy(model, adv)
        transfer = _pgd(models["mean"], tx, ty, m, eps, steps, eps / 4, seed + 200 + m)
        attacked["robust"][m] = min(attacked["robust"][m], accuracy(models["robust"], transfer))
    return SingleSourceStudy(clean=clean, attacked=attacked, eps=eps, models=models)


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _check_branches(branches: Any) -> nn.ModuleList:
    if (
        isinstance(branches, nn.Module)
        or not isinstance(branches, Sequence)
        or not branches
        or not all(isinstance(b, nn.Module) for b in branches)
    ):
        raise TypeError("branches must be a non-empty sequence of torch.nn.Module, one classifier per modality.")
    return nn.ModuleList(branches)


def _check_inputs(xs: Any, y: Any) -> tuple[list[torch.Tensor], torch.Tensor]:
    if (
        isinstance(xs, torch.Tensor)
        or not isinstance(xs, Sequence)
        or not xs
        or not all(isinstance(x, torch.Tensor) and x.is_floating_point() for x in xs)
    ):
        raise TypeError("xs must be a non-empty list of floating-point modality tensors, (N, d_m) each.")
    if not isinstance(y, torch.Tensor) or y.ndim != 1 or any(x.shape[0] != y.shape[0] for x in xs):
        got = len(y) if hasattr(y, "__len__") else y
        raise ValueError(
            f"y must be a 1-D tensor paired with every modality; got {got} labels for "
            f"{[int(x.shape[0]) for x in xs]} rows."
        )
    return list(xs), y.long()


def _as_xy(data: Any, name: str) -> tuple[list[torch.Tensor], torch.Tensor]:
    xs, y = split_modalities_and_labels(data, name)
    return [torch.as_tensor(x, dtype=torch.float32) for x in xs], torch.as_tensor(y).long()
