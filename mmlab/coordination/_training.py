"""The small training loop of label-free objectives (contrastive, CCA, fission, self-supervision).

:func:`mmlab.train.fit` trains a model against targets; the objectives of
coordination and self-supervision compare the model's outputs on the
modalities with each other instead. :func:`train_objective` runs such an
objective over mini-batches for a number of epochs *or* of gradient steps
(the contrastive lecture compares batch sizes at an equal number of steps),
with the batch order drawn from a seeded generator and nothing global touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_scalar, seed_from_random_state

__all__ = ["train_objective"]


def train_objective(
    model: nn.Module,
    objective: Callable[[list[torch.Tensor]], torch.Tensor],
    inputs: Sequence[torch.Tensor],
    *,
    epochs: int | None = None,
    steps: int | None = None,
    batch_size: int = 128,
    lr: float = 3e-3,
    weight_decay: float = 0.0,
    random_state: RandomState = 0,
    after_step: Callable[[], None] | None = None,
) -> list[float]:
    """Minimise ``objective(batch)`` with Adam over shuffled mini-batches; return the loss of every step.

    Parameters
    ----------
    model : torch.nn.Module
        Its trainable parameters are optimised (``objective`` calls it).
    objective : callable
        ``objective([x_0[idx], x_1[idx], ...]) -> scalar loss`` for one batch.
    inputs : sequence of torch.Tensor
        Paired tensors with the same first dimension ``n``.
    epochs, steps : int
        Train for this many passes over the data, or this many gradient steps
        (exactly one of them). Batches that would hold a single sample are
        skipped (a contrastive batch needs at least one negative).
    batch_size : int, default=128
    lr : float, default=3e-3
    weight_decay : float, default=0.0
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the batch order.
    after_step : callable, optional
        Called after every optimiser step (e.g. a momentum update of a target network).

    Returns
    -------
    list of float
        The loss of every step, in order.

    Raises
    ------
    TypeError
        If ``model`` is not a module or ``inputs`` not a sequence of tensors.
    ValueError
        If neither or both of ``epochs`` and ``steps`` are given, the inputs are
        not paired or hold fewer than 2 samples, or a size is out of range.

    Examples
    --------
    >>> import torch
    >>> lin = torch.nn.Linear(2, 1)
    >>> x = torch.randn(20, 2, generator=torch.Generator().manual_seed(0))
    >>> losses = train_objective(lin, lambda b: lin(b[0]).pow(2).mean(), [x], steps=5, batch_size=20)
    >>> len(losses), losses[-1] < losses[0]
    (5, True)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    if isinstance(inputs, torch.Tensor) or not isinstance(inputs, Sequence) or not inputs:
        raise TypeError(
            f"inputs must be a non-empty list of paired tensors, e.g. [x_a, x_b]; got {type(inputs).__name__}."
        )
    xs = list(inputs)
    if not all(isinstance(x, torch.Tensor) for x in xs):
        raise TypeError("every entry of inputs must be a torch.Tensor.")
    n = xs[0].shape[0]
    if any(x.shape[0] != n for x in xs):
        raise ValueError(f"inputs must hold paired samples (same first dimension); got {[x.shape[0] for x in xs]}.")
    if n < 2:
        raise ValueError(f"inputs must hold at least 2 samples; got {n}.")
    if (epochs is None) == (steps is None):
        raise ValueError(f"give exactly one of epochs= and steps=; got epochs={epochs!r}, steps={steps!r}.")
    batch_size = check_positive_int(batch_size, "batch_size", minimum=2)
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    weight_decay = check_scalar(weight_decay, "weight_decay", min_val=0)
    usable = n // batch_size + (1 if n % batch_size >= 2 else 0)  # batches per epoch with at least 2 samples
    total = check_positive_int(steps, "steps") if steps is not None else check_positive_int(epochs, "epochs") * usable
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters.")
    opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    gen = torch.Generator().manual_seed(seed_from_random_state(random_state) % 2**63)
    device = xs[0].device
    losses: list[float] = []
    model.train()
    while len(losses) < total:
        for idx in torch.randperm(n, generator=gen).to(device).split(batch_size):
            if idx.numel() < 2:
                continue
            loss = objective([x[idx] for x in xs])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if after_step is not None:
                after_step()
            losses.append(float(loss.detach()))
            if len(losses) >= total:
                break
    model.eval()
    return losses
