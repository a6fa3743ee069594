"""The batch estimator of Liang et al. (2023): a network proposes q on a mini-batch, Sinkhorn fixes its marginals."""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from mmlab._validation import (
    RandomState,
    check_array,
    check_fraction,
    check_positive_int,
    check_random_state,
    check_scalar,
    check_size,
)
from mmlab.quantify.pid._result import PIDResult
from mmlab.quantify.pid._sinkhorn import _project
from mmlab.runtime import seeded

__all__ = ["batch_pid"]

#: Floor of the classifiers' probabilities, so that every class has a positive mass in every batch.
_TINY = 1e-12


# --------------------------------------------------------------------------- #
# the estimator
# --------------------------------------------------------------------------- #
def batch_pid(
    x1: npt.ArrayLike | torch.Tensor,
    x2: npt.ArrayLike | torch.Tensor,
    y: npt.ArrayLike | torch.Tensor,
    *,
    discriminators: tuple[nn.Module, nn.Module, nn.Module] | None = None,
    hidden: int = 32,
    embed_dim: int = 8,
    batch_size: int = 128,
    epochs: int = 5,
    discriminator_epochs: int = 30,
    lr: float = 1e-3,
    weight_decay: float = 1e-4,
    sinkhorn_iters: int = 20,
    test_fraction: float = 0.3,
    random_state: RandomState = 0,
) -> PIDResult:
    r"""Estimate the PID of continuous data with the batch estimator (a learned coupling per mini-batch).

    On a mini-batch of :math:`B` samples the data distribution is replaced by
    the empirical one: :math:`x_1` ranges over the batch's first-modality rows
    :math:`a = 1..B`, :math:`x_2` over its second-modality rows :math:`b = 1..B`.
    Three classifiers give :math:`\hat p(y \mid x_1)`, :math:`\hat p(y \mid x_2)`
    and :math:`\hat p(y \mid x_1, x_2)` (trained here, or passed in). A second
    network embeds each row per class, :math:`h_1(x_1)_y, h_2(x_2)_y \in
    \mathbb R^k`, and proposes the coupling

    .. math::

        q(a, b, y) \propto \exp\!\Big(\tfrac{1}{\sqrt k}\,
            \langle h_1(x_{1,a})_y,\, h_2(x_{2,b})_y \rangle\Big),

    projected by :func:`sinkhorn_project` (:func:`mmlab.align.sinkhorn`, one
    transport problem per class) onto the constraints
    :math:`q(a, y) = \hat p(y \mid x_{1,a}) / B` and
    :math:`q(b, y) = \hat p(y \mid x_{2,b}) / B` (each rescaled per class so that
    both give :math:`y` the same batch distribution :math:`\pi(y)`, the mean of
    the two). The network is trained on mini-batches to minimise

    .. math::

        I_q(X_1, X_2; Y) = \sum_{a,b,y} q(a,b,y)
            \log\frac{q(a,b,y)}{q(a,b)\,\pi(y)} ,

    equivalently to maximise :math:`H_q(Y \mid X_1, X_2)`, since the marginal
    of :math:`y` is fixed. On held-out batches, with :math:`I_i` the mutual
    information of :math:`q(x_i, y)`, :math:`I_q` the minimised value and
    :math:`I_p = \frac1B \sum_a \mathrm{KL}(\hat p(\cdot \mid x_{1,a}, x_{2,a})
    \,\|\, \pi)`,

    .. math::

        R = I_1 + I_2 - I_q, \quad U_1 = I_q - I_2, \quad U_2 = I_q - I_1,
        \quad S = I_p - I_q ,

    averaged over the held-out batches (weighted by batch size).

    Parameters
    ----------
    x1, x2 : array-like or torch.Tensor of shape (n, d_i)
        The two modalities, paired. The computation runs on ``x1``'s device
        when it is a tensor (CPU for arrays).
    y : array-like or torch.Tensor of shape (n,)
        Integer class labels ``0 .. C - 1``.
    discriminators : (module, module, module), optional
        Trained classifiers returning logits: ``d1(x1)``, ``d2(x2)`` and
        ``d12([x1, x2])``. By default three small MLPs are trained on the
        training part.
    hidden : int, default=32
        Width of the hidden layers of every network.
    embed_dim : int, default=8
        :math:`k`, the per-class embedding size of the coupling network.
    batch_size : int, default=128
        :math:`B`.
    epochs : int, default=5
        Passes of the coupling network over the training part.
    discriminator_epochs : int, default=30
        Passes of each classifier (ignored when ``discriminators`` is given).
    lr, weight_decay : float
        Adam's step size and weight decay for all networks.
    sinkhorn_iters : int, default=20
        Sinkhorn iterations per batch (unrolled for backpropagation).
    test_fraction : float, default=0.3
        Share of the samples held out for the estimate (the networks never see
        them).
    random_state : int or numpy.random.Generator, default=0
        Seeds the split, the initialisations and the batch order (global
        random state is left untouched).

    Returns
    -------
    PIDResult
        With ``method="batch"`` and ``info`` holding the terms ``"I1"``,
        ``"I2"``, ``"Iq"``, ``"Ip"`` (bits), the coupling network's training
        ``"loss"`` per epoch (bits) and the classifiers' held-out
        ``"accuracy"``.

    Raises
    ------
    TypeError
        If an input is not numeric, ``y`` does not hold integer labels,
        ``discriminators`` is not three modules, or an option has the wrong type.
    ValueError
        On unpaired, mis-shaped or non-finite inputs, negative or single-class
        labels, out-of-range options (``lr`` not a finite number > 0,
        ``weight_decay`` not >= 0, ...), too few samples for the split, or a
        ``batch_size`` whose per-batch coupling (``batch_size**2 * C`` numbers)
        exceeds the allocation limit.

    Notes
    -----
    An approximation on three counts: the classifiers stand in for the true
    conditionals (miscalibration shifts every term), the coupling is only
    searched among the network's proposals, and the optimum is taken per batch
    rather than over the whole distribution. The atoms are therefore estimates
    that can be slightly negative; the exact solver on a discrete table
    (:func:`mmlab.quantify.exact_pid`) has none of these errors. The cost per
    step is :math:`O(B^2 C)` per Sinkhorn iteration.

    References
    ----------
    Liang, P. P., Cheng, Y., Fan, X., Ling, C. K., Nie, S., Chen, R., Deng, Z.,
    Allen, N., Auerbach, R., Mahmood, F., Salakhutdinov, R. and Morency, L.-P.
    Quantifying & modeling multimodal interactions: an information
    decomposition framework. NeurIPS 2023 (Section 3.2, the BATCH estimator).

    Examples
    --------
    >>> from mmlab.data import make_interaction
    >>> d = make_interaction(1000, "uniqueness", random_state=0)
    >>> batch_pid(*d.modalities, d.y, epochs=2, discriminator_epochs=15).dominant
    'unique1'
    """
    from mmlab.train import fit

    x1t, x2t, yt = _as_tensors(x1, x2, y)
    n = yt.shape[0]
    n_classes = int(yt.max()) + 1
    if int(yt.min()) < 0:
        raise ValueError(f"y must hold class indices 0 .. C-1; got the label {int(yt.min())}.")
    if torch.unique(yt).numel() < 2:
        raise ValueError("y must take at least two values; got a single class.")
    hidden = check_positive_int(hidden, "hidden")
    embed_dim = check_positive_int(embed_dim, "embed_dim")
    batch_size = check_positive_int(batch_size, "batch_size", minimum=2)
    epochs = check_positive_int(epochs, "epochs")
    discriminator_epochs = check_positive_int(discriminator_epochs, "discriminator_epochs")
    sinkhorn_iters = check_positive_int(sinkhorn_iters, "sinkhorn_iters")
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    weight_decay = check_scalar(weight_decay, "weight_decay", min_val=0)
    check_size(
        min(batch_size, n) ** 2 * n_classes,
        f"batch_pid(batch_size={batch_size}) with {n_classes} classes",
        detail="batch_size**2 * C entries of the coupling q(a, b, y)",
        remedy="Lower batch_size.",
    )
    test_fraction = check_fraction(test_fraction, "test_fraction", inclusive=(False, False))
    if discriminators is not None:
        if (
            not isinstance(discriminators, (tuple, list))
            or len(discriminators) != 3
            or not all(isinstance(d, nn.Module) for d in discriminators)
        ):
            raise TypeError(
                "discriminators must be three torch.nn.Modules (d1, d2, d12) returning logits; "
                f"got {type(discriminators).__name__}."
            )
    rng = check_random_state(random_state)
    n_test = int(round(test_fraction * n))
    if n_test < 2 or n - n_test < 2:
        raise ValueError(
            f"with n={n} samples and test_fraction={test_fraction} a part would have fewer than 2 "
            "samples; pass more samples."
        )
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=5)]
    perm = torch.as_tensor(rng.permutation(n), device=yt.device)
    tr, te = perm[n_test:], perm[:n_test]
    dev = x1t.device

    # 1. the three classifiers p(y|x1), p(y|x2), p(y|x1,x2)
    if discriminators is None:
        d1, d2, d12 = (
            _init(lambda: _mlp(x1t.shape[1], n_classes, hidden), seeds[0]),
            _init(lambda: _mlp(x2t.shape[1], n_classes, hidden), seeds[1]),
            _init(lambda: _Joint(_mlp(x1t.shape[1] + x2t.shape[1], n_classes, hidden)), seeds[2]),
        )
        for net, inputs, s in ((d1, x1t[tr], seeds[0]), (d2, x2t[tr], seeds[1]), (d12, [x1t[tr], x2t[tr]], seeds[2])):
            fit(
                net,
                inputs,
                yt[tr],
                epochs=discriminator_epochs,
                batch_size=128,
                lr=lr,
                weight_decay=weight_decay,
                metrics=(),
                random_state=s,
                progress=False,
                device=dev,
            )
    else:
        d1, d2, d12 = discriminators
    probs = _posteriors(d1, d2, d12, x1t, x2t, n_classes)
    accuracy = tuple(float((p[te].argmax(1) == yt[te]).float().mean()) for p in probs)

    # 2. the coupling network, trained through Sinkhorn to minimise I_q(X1, X2; Y)
    coupling = _init(lambda: _Coupling(x1t.shape[1], x2t.shape[1], n_classes, hidden, embed_dim), seeds[3])
    objective = _Objective(coupling, sinkhorn_iters)
    history = fit(
        objective,
        [x1t[tr], x2t[tr], probs[0][tr], probs[1][tr]],
        yt[tr],
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        loss=lambda out, _y: out,
        metrics=(),
        random_state=seeds[4],
        progress=False,
        device=dev,
    )

    # 3. the atoms on held-out batches
    terms = _held_out_terms(coupling, x1t[te], x2t[te], [p[te] for p in probs], batch_size, sinkhorn_iters)
    i1, i2, iq, ip = (terms[k] for k in ("I1", "I2", "Iq", "Ip"))
    info = MappingProxyType(
        {
            **terms,
            "loss": [v / math.log(2) for v in history.loss],
            "accuracy": accuracy,
            "n_train": int(tr.numel()),
            "n_test": int(te.numel()),
        }
    )
    return PIDResult(
        redundancy=i1 + i2 - iq, unique1=iq - i2, unique2=iq - i1, synergy=ip - iq, total=ip, method="batch", info=info
    )


# --------------------------------------------------------------------------- #
# networks
# --------------------------------------------------------------------------- #
def _mlp(d_in: int, d_out: int, hidden: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, d_out)
    )


class _Joint(nn.Module):
    """Classifier of the concatenated modalities, called with the fusion convention ``net([x1, x2])``."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, xs: list[torch.Tensor]) -> torch.Tensor:
        return self.net(torch.cat(list(xs), dim=1))


class _Coupling(nn.Module):
    """Per-class embeddings h_1(x1)_y, h_2(x2)_y and the logits L[a, b, y] = <h_1, h_2> / sqrt(k)."""

    def __init__(self, d1: int, d2: int, n_classes: int, hidden: int, k: int) -> None:
        super().__init__()
        self.n_classes, self.k = n_classes, k
        self.h1 = _mlp(d1, n_classes * k, hidden)
        self.h2 = _mlp(d2, n_classes * k, hidden)

    def forward(self, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        e1 = _standardise(self.h1(x1).unflatten(1, (self.n_classes, self.k)))  # (B1, C, k)
        e2 = _standardise(self.h2(x2).unflatten(1, (self.n_classes, self.k)))  # (B2, C, k)
        return torch.einsum("ack,bck->abc", e1, e2) / math.sqrt(self.k)


class _Objective(nn.Module):
    """Maps a batch [x1, x2, p(y|x1), p(y|x2)] to I_q(X1, X2; Y) of the projected coupling (nats)."""

    def __init__(self, coupling: _Coupling, n_iter: int) -> None:
        super().__init__()
        self.coupling, self.n_iter = coupling, n_iter

    def forward(self, batch: list[torch.Tensor]) -> torch.Tensor:
        x1, x2, p1, p2 = batch
        q = _batch_coupling(self.coupling, x1, x2, p1, p2, self.n_iter)
        return _mi_joint(q)


def _batch_coupling(
    coupling: _Coupling, x1: torch.Tensor, x2: torch.Tensor, p1: torch.Tensor, p2: torch.Tensor, n_iter: int
) -> torch.Tensor:
    """q(a, b, y) on one batch: the network's proposal projected onto the rescaled marginals."""
    rows, cols = _matched_marginals(p1, p2)
    return _project(coupling(x1, x2), rows, cols, n_iter)


def _matched_marginals(p1: torch.Tensor, p2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """q(a, y) = p(y|x1_a)/B and q(b, y) = p(y|x2_b)/B, each rescaled per class to pi(y) (the mean of both).

    Probabilities are floored at ``_TINY`` first, so that no class has zero mass in a batch (Sinkhorn needs
    equal, positive per-class totals; a confident classifier on a small batch can underflow to 0).
    """
    r, s = p1.clamp_min(_TINY) / p1.shape[0], p2.clamp_min(_TINY) / p2.shape[0]
    pi = 0.5 * (r.sum(0) + s.sum(0))  # pi(y)
    return r * (pi / r.sum(0)), s * (pi / s.sum(0))


def _standardise(h: torch.Tensor) -> torch.Tensor:
    return (h - h.mean(dim=-1, keepdim=True)) / torch.sqrt(h.var(dim=-1, keepdim=True) + 1e-6)


# --------------------------------------------------------------------------- #
# information terms (nats inside, bits outside)
# --------------------------------------------------------------------------- #
def _entropy(p: torch.Tensor) -> torch.Tensor:
    return -torch.special.xlogy(p, p).sum()


def _mi_joint(q: torch.Tensor) -> torch.Tensor:
    """I_q(X1, X2; Y) = H(X1 X2) + H(Y) - H(X1 X2 Y) of a (B1, B2, C) table, in nats."""
    return _entropy(q.sum(dim=2)) + _entropy(q.sum(dim=(0, 1))) - _entropy(q)


def _mi_pair(p_xy: torch.Tensor) -> torch.Tensor:
    """I(X; Y) of a (B, C) table, in nats."""
    return _entropy(p_xy.sum(1)) + _entropy(p_xy.sum(0)) - _entropy(p_xy)


@torch.no_grad()
def _posteriors(
    d1: nn.Module, d2: nn.Module, d12: nn.Module, x1: torch.Tensor, x2: torch.Tensor, n_classes: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    out = []
    for net, inputs in ((d1, x1), (d2, x2), (d12, [x1, x2])):
        was = net.training
        net.eval()
        logits = net(inputs)
        net.train(was)
        if logits.ndim != 2 or logits.shape[1] != n_classes:
            raise ValueError(
                f"each discriminator must return logits of shape (n, {n_classes}); got {tuple(logits.shape)}."
            )
        out.append(torch.softmax(logits.float(), dim=1))
    return out[0], out[1], out[2]


@torch.no_grad()
def _held_out_terms(
    coupling: _Coupling, x1: torch.Tensor, x2: torch.Tensor, probs: list[torch.Tensor], batch_size: int, n_iter: int
) -> dict[str, float]:
    """Batch-size-weighted means of I1, I2, Iq (the minimised coupling) and Ip, in bits."""
    coupling.eval()
    p1, p2, p12 = probs
    n = x1.shape[0]
    sums = dict.fromkeys(("I1", "I2", "Iq", "Ip"), 0.0)
    for start in range(0, n, batch_size):
        sl = slice(start, min(start + batch_size, n))
        rows, cols = _matched_marginals(p1[sl], p2[sl])
        q = _project(coupling(x1[sl], x2[sl]), rows, cols, n_iter)
        pi = rows.sum(0)
        b = rows.shape[0]
        pyx = p12[sl]  # p(y | x1_a, x2_a)
        ip = (torch.special.xlogy(pyx, pyx) - pyx * pi.clamp_min(_TINY).log()).sum() / b  # mean KL(p || pi)
        for key, value in (("I1", _mi_pair(rows)), ("I2", _mi_pair(cols)), ("Iq", _mi_joint(q)), ("Ip", ip)):
            sums[key] += float(value) * b
    return {k: v / n / math.log(2) for k, v in sums.items()}


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _as_tensors(x1: Any, x2: Any, y: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    dev = x1.device if isinstance(x1, torch.Tensor) else torch.device("cpu")
    out = []
    for name, v in (("x1", x1), ("x2", x2)):
        t = (
            v.detach()
            if isinstance(v, torch.Tensor)
            else torch.as_tensor(check_array(v, name, finite=False, dtype=np.float32))
        )
        if t.ndim != 2:
            raise ValueError(f"{name} must have shape (n, d); got shape {tuple(t.shape)}.")
        if not t.is_floating_point():
            t = t.float()
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} must be finite; got NaN or infinite values. Impute or drop them first.")
        out.append(t.float().to(dev))
    yt = y.detach() if isinstance(y, torch.Tensor) else torch.as_tensor(check_array(y, "y", finite=False))
    if yt.ndim != 1:
        raise ValueError(f"y must have shape (n,), one label per sample; got shape {tuple(yt.shape)}.")
    if yt.is_floating_point() or yt.is_complex() or yt.dtype == torch.bool:
        raise TypeError(
            f"y must hold integer class labels; got dtype {yt.dtype}. Discretise a continuous "
            "target first (cluster_pid does it with k-means)."
        )
    lengths = [out[0].shape[0], out[1].shape[0], yt.shape[0]]
    if len(set(lengths)) > 1:
        raise ValueError(f"x1, x2 and y must hold paired samples (same first dimension); got {lengths}.")
    return out[0], out[1], yt.long().to(dev)


def _init(make: Any, seed: int) -> nn.Module:
    """Build a module with its own seed, leaving the global torch generator as it was."""
    with seeded(seed):
        return make()
