"""Seeded experiment of the self-supervision lecture: linear probes on SimCLR, BYOL, random and supervised features."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from mmlab._validation import RandomState, check_positive_int, seed_from_random_state
from mmlab.coordination._ssl import BYOL, SimCLR, augment_signals, fit_byol, fit_simclr, signal_encoder
from mmlab.coordination._training import train_objective
from mmlab.data import make_shifted_signals
from mmlab.runtime import seeded

__all__ = ["SSLProbes", "ssl_probes"]


@dataclass
class SSLProbes:
    """Linear-probe accuracies of frozen features on :func:`~mmlab.data.make_shifted_signals`.

    Attributes
    ----------
    accuracy : dict of str to float
        Held-out probe accuracy of ``"raw"`` (the signal itself), ``"random"``
        (an untrained encoder), ``"simclr"``, ``"byol"`` and ``"supervised"``
        (the same encoder trained with labels on the probe's labelled samples).
    chance : float
        :math:`1 / K`.
    losses : dict of str to list of float
        Training losses of the self-supervised runs.
    """

    accuracy: dict[str, float]
    chance: float
    losses: dict[str, list[float]] = field(repr=False, default_factory=dict)


def ssl_probes(
    *,
    n: int = 1000,
    n_test: int = 1000,
    n_labels: int = 200,
    epochs: int = 40,
    supervised_epochs: int = 100,
    n_classes: int = 4,
    batch_size: int = 256,
    random_state: RandomState = 0,
) -> SSLProbes:
    """SimCLR and BYOL on unlabelled signals, then linear probes trained on ``n_labels`` labelled ones.

    All encoders are the same MLP (:func:`~mmlab.coordination.signal_encoder`)
    with the same initialisation; the self-supervised ones see the ``n``
    training signals without labels, with augmentations that shift, scale and
    noise (:func:`~mmlab.coordination.augment_signals`). Every probe is a
    logistic regression on the frozen features of the first ``n_labels``
    training signals, scored on ``n_test`` held-out ones. The supervised
    baseline trains the encoder with a linear head on the same labelled
    signals (cross-entropy), then is probed like the others.

    Returns
    -------
    SSLProbes

    Raises
    ------
    TypeError, ValueError
        On bad sizes.

    Examples
    --------
    >>> from mmlab.coordination.experiments import ssl_probes
    >>> r = ssl_probes(n=200, n_test=100, n_labels=50, epochs=1, supervised_epochs=1)
    >>> sorted(r.accuracy)
    ['byol', 'random', 'raw', 'simclr', 'supervised']
    """
    from mmlab.fission import linear_probe

    seed = seed_from_random_state(random_state)
    n = check_positive_int(n, "n", minimum=4)
    n_labels = check_positive_int(n_labels, "n_labels", minimum=2)
    if n_labels > n:
        raise ValueError(f"n_labels must be at most n = {n}; got {n_labels}.")
    data = make_shifted_signals(n + check_positive_int(n_test, "n_test"), n_classes=n_classes, random_state=seed)
    x_all, y_all = torch.as_tensor(data.modalities[0]), torch.as_tensor(data.y)
    x, x_test, y_test = x_all[:n], x_all[n:], y_all[n:].numpy()
    x_lab, y_lab = x[:n_labels], y_all[:n_labels]
    length = x.shape[1]

    def probe(encoder: nn.Module) -> float:
        encoder.eval()
        with torch.no_grad():
            return linear_probe(encoder(x_lab).numpy(), y_lab.numpy(), encoder(x_test).numpy(), y_test)

    encoders = {}
    for name in ("random", "simclr", "byol", "supervised"):
        with seeded(seed):
            encoders[name] = signal_encoder(length)
    losses = {}
    with seeded(seed + 1):
        simclr, byol = SimCLR(encoders["simclr"], 32), BYOL(encoders["byol"], 32)
        head = nn.Linear(32, n_classes)
    losses["simclr"] = fit_simclr(simclr, x, augment_signals, epochs=epochs, batch_size=batch_size, random_state=seed)
    losses["byol"] = fit_byol(byol, x, augment_signals, epochs=epochs, batch_size=batch_size, random_state=seed)
    supervised = nn.Sequential(encoders["supervised"], head)
    train_objective(
        supervised,
        lambda b: F.cross_entropy(supervised(b[0]), b[1]),
        [x_lab, y_lab],
        epochs=supervised_epochs,
        batch_size=64,
        random_state=seed,
    )
    accuracy = {"raw": linear_probe(x_lab.numpy(), y_lab.numpy(), x_test.numpy(), y_test)}
    accuracy.update({name: probe(enc) for name, enc in encoders.items()})
    return SSLProbes(accuracy=accuracy, chance=1.0 / n_classes, losses=losses)
