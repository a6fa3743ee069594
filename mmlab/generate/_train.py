"""Training loop for generative models: :func:`fit_generator`, the self-supervised sibling of :func:`mmlab.train.fit`.

:func:`mmlab.train.fit` trains ``model(inputs)`` against ``targets`` with one
loss. A generative model has no targets and a loss made of several terms that
the lectures plot (the ELBO's reconstruction and KL terms, a VQ-VAE's codebook
and commitment terms). :func:`fit_generator` keeps fit's conventions (tensors
moved to the device once, shuffled mini-batches sliced there with an order
seeded by ``random_state``, fused Adam, a ``tqdm.auto`` bar, a
:class:`mmlab.train.History`) and asks the model for its terms instead:
``model.loss_terms(batch)`` returns a dict of scalar tensors with the key
``"loss"`` (what is minimised) and any others to record.

Used by: every model of :mod:`mmlab.generate` and the generation lectures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_scalar, seed_from_random_state
from mmlab.generate._common import check_rows
from mmlab.runtime import device as default_device
from mmlab.train import History

__all__ = ["fit_generator", "evaluate_terms"]


def fit_generator(
    model: nn.Module,
    inputs: Sequence[torch.Tensor],
    *,
    epochs: int,
    batch_size: int = 64,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    val: Sequence[torch.Tensor] | None = None,
    keep_best: bool = False,
    random_state: RandomState = 0,
    progress: bool = True,
    device: torch.device | str | None = None,
) -> History:
    """Train a generative model that scores itself, ``model.loss_terms(batch)``, and return its :class:`History`.

    Each epoch visits every sample once in an order drawn from a
    ``torch.Generator`` seeded with ``seed + epoch``; the model's own
    randomness (reparameterisation noise) comes from torch's global generator,
    which the notebook seeds once with :func:`mmlab.seed_everything`.

    Parameters
    ----------
    model : torch.nn.Module
        Has ``loss_terms(batch) -> dict[str, Tensor]``: ``batch`` is the list
        ``[t[idx] for t in inputs]`` and the dict maps ``"loss"`` (minimised)
        and other names (recorded) to scalar tensors averaged over the batch.
    inputs : sequence of Tensor
        Paired tensors, each ``(n, ...)``: e.g. ``[images, conditions]``.
    epochs : int
        Passes over the data.
    batch_size : int, default=64
    lr : float, default=1e-3
        Adam's learning rate.
    weight_decay : float, default=0.0
    val : sequence of Tensor, optional
        Validation tensors of the same structure, scored (in evaluation mode,
        one pass, no gradients) after every epoch into ``val_loss`` and
        ``metrics["val_<term>"]``.
    keep_best : bool, default=False
        With ``val``: restore the parameters of the epoch with the lowest
        validation loss at the end (early stopping without stopping).
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the batch order.
    progress : bool, default=True
        Show a ``tqdm.auto`` bar over epochs.
    device : torch.device or str, optional
        Default :func:`mmlab.device`.

    Returns
    -------
    mmlab.train.History
        ``loss`` per epoch and ``metrics[term]`` for every other term (means
        over the epoch's samples), plus the validation series.

    Raises
    ------
    TypeError
        If ``model`` is not a module without ``loss_terms``, ``inputs`` is not
        a sequence of tensors, or ``loss_terms`` does not return a dict of
        scalar tensors with ``"loss"``.
    ValueError
        If there are no samples, the inputs are not paired, ``val`` has another
        structure, ``keep_best`` is set without ``val``, a size or rate is out
        of range, or the loss becomes NaN or infinite.

    See Also
    --------
    mmlab.train.fit : the supervised loop with the same conventions.

    Examples
    --------
    >>> from mmlab.generate import CVAE
    >>> x = torch.rand(32, 4)
    >>> history = fit_generator(CVAE(4, latent_dim=2), [x], epochs=2, progress=False, device="cpu")
    >>> sorted(history.metrics)
    ['kl', 'reconstruction']
    """
    if not isinstance(model, nn.Module) or not callable(getattr(model, "loss_terms", None)):
        raise TypeError(
            f"model must be a torch.nn.Module with a loss_terms(batch) method (as the models of "
            f"mmlab.generate have); got {type(model).__name__}."
        )
    xs = _check_inputs(inputs, "inputs")
    n = check_rows(xs, [f"inputs[{i}]" for i in range(len(xs))])
    if n == 0:
        raise ValueError("inputs must hold at least one sample; got 0 rows.")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    weight_decay = check_scalar(weight_decay, "weight_decay", min_val=0)
    seed = seed_from_random_state(random_state)
    vs = None
    if val is not None:
        vs = _check_inputs(val, "val")
        if len(vs) != len(xs):
            raise ValueError(f"val must have the structure of inputs ({len(xs)} tensors); got {len(vs)}.")
        check_rows(vs, [f"val[{i}]" for i in range(len(vs))])
    if keep_best and vs is None:
        raise ValueError("keep_best=True needs validation data (val=...) to pick the best epoch.")
    dev = default_device() if device is None else torch.device(device)
    model.to(dev)
    xs = [x.to(dev) for x in xs]
    vs = None if vs is None else [v.to(dev) for v in vs]
    params = [p for p in model.parameters() if p.requires_grad]
    fused = all(p.device.type in ("cpu", "cuda") for p in params) or None
    opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay, fused=fused)

    history = History()
    best: tuple[float, dict[str, torch.Tensor] | None] = (float("inf"), None)
    bar = _progress(range(1, epochs + 1), progress)
    model.train()  # once: evaluate_terms restores training mode after each validation pass
    for epoch in bar:
        gen = torch.Generator().manual_seed((seed + epoch) % 2**63)
        order = torch.randperm(n, generator=gen).to(dev)
        shuffled = [x[order] for x in xs]  # one gather per epoch; the batches are slices of it
        totals: dict[str, torch.Tensor] = {}
        for start in range(0, n, batch_size):
            batch = [x[start : start + batch_size] for x in shuffled]
            terms = _terms(model, batch)
            for p in params:  # opt.zero_grad(set_to_none=True), without its per-step profiling overhead
                p.grad = None
            terms["loss"].backward()
            opt.step()
            with torch.no_grad():
                for name, value in terms.items():
                    totals[name] = totals.get(name, 0.0) + value.detach() * batch[0].shape[0]
        means = {name: float(total) / n for name, total in totals.items()}
        if not math.isfinite(means["loss"]):
            raise ValueError(f"the training loss became {means['loss']} in epoch {epoch}; lower lr or check the data.")
        history.epoch.append(epoch)
        history.loss.append(means.pop("loss"))
        for name, value in means.items():
            history.metrics.setdefault(name, []).append(value)
        if vs is not None:
            scores = evaluate_terms(model, vs)
            history.val_loss.append(scores.pop("loss"))
            for name, value in scores.items():
                history.metrics.setdefault(f"val_{name}", []).append(value)
            if keep_best and history.val_loss[-1] < best[0]:
                best = (history.val_loss[-1], {k: v.detach().clone() for k, v in model.state_dict().items()})
        if progress and hasattr(bar, "set_postfix"):
            bar.set_postfix(loss=f"{history.loss[-1]:.3f}")
    if keep_best and best[1] is not None:
        model.load_state_dict(best[1])
    model.eval()
    return history


@torch.no_grad()
def evaluate_terms(model: nn.Module, inputs: Sequence[torch.Tensor], *, batch_size: int = 1024) -> dict[str, float]:
    """Score a generative model on ``inputs`` (evaluation mode, no gradients): the mean of each of its terms.

    Parameters
    ----------
    model : torch.nn.Module
        Has ``loss_terms(batch)`` (see :func:`fit_generator`).
    inputs : sequence of Tensor
        Paired tensors; moved to the model's device.
    batch_size : int, default=1024

    Returns
    -------
    dict of str to float
        Each term averaged over the samples (``"loss"`` included).

    Raises
    ------
    TypeError
        As :func:`fit_generator`.
    ValueError
        If the inputs are not paired or hold no sample.
    """
    if not isinstance(model, nn.Module) or not callable(getattr(model, "loss_terms", None)):
        raise TypeError(f"model must be a torch.nn.Module with a loss_terms(batch) method; got {type(model).__name__}.")
    xs = _check_inputs(inputs, "inputs")
    n = check_rows(xs, [f"inputs[{i}]" for i in range(len(xs))])
    if n == 0:
        raise ValueError("inputs must hold at least one sample; got 0 rows.")
    batch_size = check_positive_int(batch_size, "batch_size")
    dev = next((p.device for p in model.parameters()), torch.device("cpu"))
    was_training = model.training
    model.eval()
    totals: dict[str, float] = {}
    for start in range(0, n, batch_size):
        batch = [x[start : start + batch_size].to(dev) for x in xs]
        for name, value in _terms(model, batch).items():
            totals[name] = totals.get(name, 0.0) + float(value) * batch[0].shape[0]
    model.train(was_training)
    return {name: total / n for name, total in totals.items()}


def _check_inputs(inputs: Any, name: str) -> list[torch.Tensor]:
    if isinstance(inputs, torch.Tensor) or not isinstance(inputs, Sequence) or not inputs:
        raise TypeError(
            f"{name} must be a non-empty list or tuple of tensors (e.g. [images, conditions]); got "
            f"{type(inputs).__name__}. Wrap a single tensor as [x]."
        )
    for i, t in enumerate(inputs):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name}[{i}] must be a torch.Tensor; got {type(t).__name__}.")
        if t.ndim == 0:
            raise ValueError(f"{name}[{i}] must have a batch dimension; got a 0-d tensor.")
    return list(inputs)


def _terms(model: nn.Module, batch: list[torch.Tensor]) -> dict[str, torch.Tensor]:
    terms = model.loss_terms(batch)
    if not isinstance(terms, dict) or "loss" not in terms:
        raise TypeError(
            f"{type(model).__name__}.loss_terms must return a dict with the key 'loss'; got "
            f"{type(terms).__name__}{' without loss' if isinstance(terms, dict) else ''}."
        )
    for name, value in terms.items():
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            shape = f" of shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else ""
            raise TypeError(
                f"{type(model).__name__}.loss_terms must return scalar tensors; the term {name!r} is "
                f"{type(value).__name__}{shape}."
            )
    return terms


def _progress(iterable: Any, show: bool) -> Any:
    if not show:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc="epochs", leave=False)
