"""A small, device-agnostic training loop for in-memory multimodal data.

The notebooks train many small models on data that fits in memory. For those,
a ``DataLoader`` that indexes one sample at a time in Python costs far more
than the model itself, so :func:`fit` moves the tensors to the device once and
slices shuffled mini-batches there (``bench/bench_train.py`` measures the
difference). A ``DataLoader`` is accepted too, for data that does not fit.

Inputs are either one tensor (a unimodal model) or a list/tuple of tensors, one
``(n, d_i)`` tensor per modality; the model is called with the same structure,
``model([x_a[idx], x_b[idx]])``, which is the convention of :mod:`mmlab.fusion`.

Used by: the fusion lectures and labs, and every notebook that trains a model.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, seed_from_random_state
from mmlab.runtime import device as default_device

__all__ = ["METRICS", "History", "evaluate", "fit", "predict"]

Inputs = Union[torch.Tensor, Sequence[torch.Tensor]]


# --------------------------------------------------------------------------- #
# metrics
# --------------------------------------------------------------------------- #
def _accuracy(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Share of rows whose arg-max class (or sign, for one logit) equals the target."""
    if out.ndim == 1 or out.shape[1] == 1:
        pred = (out.reshape(-1) > 0).long()
    else:
        pred = out.argmax(dim=1)
    return (pred == y.reshape(-1).long()).float().mean()


def _mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((out.reshape(y.shape).float() - y.float()) ** 2).mean()


def _mae(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (out.reshape(y.shape).float() - y.float()).abs().mean()


#: Metrics :func:`fit` and :func:`evaluate` know by name: ``f(outputs, targets) -> scalar``.
METRICS: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "accuracy": _accuracy,
    "mse": _mse,
    "mae": _mae,
}

_LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "cross_entropy": lambda out, y: nn.functional.cross_entropy(out, y.long()),
    "bce": lambda out, y: nn.functional.binary_cross_entropy_with_logits(out.reshape(y.shape), y.float()),
    "mse": lambda out, y: nn.functional.mse_loss(out.reshape(y.shape), y.float()),
}


# --------------------------------------------------------------------------- #
# history
# --------------------------------------------------------------------------- #
@dataclass
class History:
    """Per-epoch record of a training run, as returned by :func:`fit`.

    Attributes
    ----------
    epoch : list of int
        1-based epoch numbers.
    loss : list of float
        Mean training loss of each epoch.
    val_loss : list of float
        Validation loss after each epoch (empty without validation data).
    metrics : dict of str to list of float
        Training metrics by name and, with validation data, ``"val_<name>"``.
    """

    epoch: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)

    def final(self, name: str = "loss") -> float:
        """Return the last recorded value of ``loss``, ``val_loss`` or a metric."""
        if name == "loss":
            series = self.loss
        elif name == "val_loss":
            series = self.val_loss
        elif name in self.metrics:
            series = self.metrics[name]
        else:
            known = ["loss", "val_loss", *self.metrics]
            raise KeyError(f"no series named {name!r} in this history; it has {known}.")
        if not series:
            raise ValueError(f"the series {name!r} is empty (was validation data given?).")
        return series[-1]

    def as_dict(self) -> dict[str, list[float]]:
        """Return all series as columns (e.g. for ``pandas.DataFrame``)."""
        out: dict[str, list[Any]] = {"epoch": self.epoch, "loss": self.loss}
        if self.val_loss:
            out["val_loss"] = self.val_loss
        out.update(self.metrics)
        return out


# --------------------------------------------------------------------------- #
# input handling
# --------------------------------------------------------------------------- #
def _as_structure(inputs: Any, name: str) -> tuple[list[torch.Tensor], bool]:
    """Return (list of tensors, was_multimodal); validate types and paired lengths."""
    if isinstance(inputs, torch.Tensor):
        tensors, multi = [inputs], False
    elif isinstance(inputs, Sequence) and not isinstance(inputs, (str, bytes)):
        tensors, multi = list(inputs), True
        if not tensors:
            raise ValueError(f"{name} must hold at least one modality tensor; got an empty sequence.")
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor or a list/tuple of tensors (one per modality); "
            f"got {type(inputs).__name__}."
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name}[{i}] must be a torch.Tensor; got {type(t).__name__}.")
        if t.ndim == 0:
            raise ValueError(f"{name}[{i}] must have a batch dimension; got a 0-d tensor.")
    lengths = [t.shape[0] for t in tensors]
    if len(set(lengths)) > 1:
        raise ValueError(f"the modalities in {name} must hold paired samples (same first dimension); got {lengths}.")
    return tensors, multi


def _pack(tensors: list[torch.Tensor], multi: bool) -> Inputs:
    return tensors if multi else tensors[0]


def _resolve_loss(loss: str | Callable) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    if callable(loss):
        return loss
    if loss not in _LOSSES:
        raise ValueError(f"loss must be one of {sorted(_LOSSES)} or a callable(outputs, targets); got {loss!r}.")
    return _LOSSES[loss]


def _resolve_metrics(metrics: Sequence[str] | Mapping[str, Callable]) -> dict[str, Callable]:
    if isinstance(metrics, Mapping):
        return dict(metrics)
    if isinstance(metrics, str):
        metrics = (metrics,)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; known metrics are {sorted(METRICS)} (or pass a dict name -> fn).")
    return {m: METRICS[m] for m in metrics}


# --------------------------------------------------------------------------- #
# public API
# --------------------------------------------------------------------------- #
def fit(
    model: nn.Module,
    inputs: Inputs | torch.utils.data.DataLoader,
    targets: torch.Tensor | None = None,
    *,
    epochs: int,
    batch_size: int = 128,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    loss: str | Callable = "cross_entropy",
    optimizer: str = "adam",
    val: tuple[Inputs, torch.Tensor] | None = None,
    metrics: Sequence[str] | Mapping[str, Callable] = ("accuracy",),
    random_state: RandomState = 0,
    progress: bool = True,
    device: torch.device | str | None = None,
) -> History:
    """Train ``model`` by mini-batch gradient descent and return its :class:`History`.

    Each epoch visits every training sample once in an order drawn from a
    ``torch.Generator`` seeded with ``seed + epoch`` (``seed`` taken from
    ``random_state``), so a run is reproducible on a given machine without
    touching global random state.

    Parameters
    ----------
    model : torch.nn.Module
        Called as ``model(batch_inputs)``; moved to ``device``.
    inputs : Tensor, list of Tensor, or DataLoader
        ``(n, ...)`` tensor, or one ``(n, d_i)`` tensor per modality. A
        ``DataLoader`` yielding ``(inputs, targets)`` batches is also accepted
        (then ``targets`` must be ``None``).
    targets : Tensor of shape (n,) or (n, k)
        Class indices for ``"cross_entropy"``, values for ``"mse"``.
    epochs : int
        Number of passes over the training data.
    batch_size : int, default=128
    lr : float, default=1e-3
    weight_decay : float, default=0.0
    loss : {"cross_entropy", "bce", "mse"} or callable, default="cross_entropy"
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
    val : (inputs, targets), optional
        Validation data evaluated after every epoch.
    metrics : sequence of metric names or dict name -> fn, default=("accuracy",)
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the shuffling generator (an int is used as it is; a generator
        gives its next draw; None draws fresh entropy).
    progress : bool, default=True
        Show a ``tqdm.auto`` progress bar over epochs.
    device : torch.device or str, optional
        Default :func:`mmlab.device`.

    Returns
    -------
    History
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    if not (isinstance(lr, numbers.Real) and lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a positive finite number; got {lr!r}.")
    if not (isinstance(weight_decay, numbers.Real) and weight_decay >= 0):
        raise ValueError(f"weight_decay must be a non-negative number; got {weight_decay!r}.")
    seed = seed_from_random_state(random_state)
    loss_fn = _resolve_loss(loss)
    metric_fns = _resolve_metrics(metrics)
    dev = torch.device(device) if device is not None else default_device()
    model.to(dev)
    opt = _make_optimizer(optimizer, model, lr, weight_decay)

    loader = None
    if isinstance(inputs, torch.utils.data.DataLoader):
        if targets is not None:
            raise ValueError("with a DataLoader, targets must be None (the loader yields (inputs, targets)).")
        loader = inputs
    else:
        if targets is None:
            raise ValueError("targets is required when inputs are tensors.")
        xs, multi = _as_structure(inputs, "inputs")
        if not isinstance(targets, torch.Tensor):
            raise TypeError(f"targets must be a torch.Tensor; got {type(targets).__name__}.")
        if targets.shape[0] != xs[0].shape[0]:
            raise ValueError(
                f"inputs and targets must hold paired samples; got {xs[0].shape[0]} input rows "
                f"and {targets.shape[0]} targets."
            )
        xs = [x.to(dev) for x in xs]
        y = targets.to(dev)
        n = y.shape[0]

    history = History()
    bar = _progress(range(1, epochs + 1), progress)
    for epoch in bar:
        model.train()
        # running sums stay on the device: no host synchronisation per batch
        totals = {"loss": torch.zeros((), device=dev), **{m: torch.zeros((), device=dev) for m in metric_fns}}
        seen = 0
        if loader is None:
            gen = torch.Generator().manual_seed((seed + epoch) % 2**63)
            order = torch.randperm(n, generator=gen).to(dev)
            batches = ((_pack([x[idx] for x in xs], multi), y[idx])
                       for idx in order.split(batch_size))
        else:
            batches = ((_to_device(bx, dev), by.to(dev)) for bx, by in loader)
        for bx, by in batches:
            out = model(bx)
            value = loss_fn(out, by)
            opt.zero_grad(set_to_none=True)
            value.backward()
            opt.step()
            k = by.shape[0]
            seen += k
            with torch.no_grad():
                totals["loss"] += value.detach() * k
                for m, fn in metric_fns.items():
                    totals[m] += fn(out.detach(), by) * k
        history.epoch.append(epoch)
        history.loss.append(float(totals["loss"]) / max(seen, 1))
        for m in metric_fns:
            history.metrics.setdefault(m, []).append(float(totals[m]) / max(seen, 1))
        if val is not None:
            scores = evaluate(model, val[0], val[1], metrics=metric_fns, loss=loss_fn, device=dev)
            history.val_loss.append(scores.pop("loss"))
            for m, v in scores.items():
                history.metrics.setdefault(f"val_{m}", []).append(v)
        if progress and hasattr(bar, "set_postfix"):
            shown = {"loss": f"{history.loss[-1]:.3f}"}
            if history.val_loss:
                shown["val_loss"] = f"{history.val_loss[-1]:.3f}"
            bar.set_postfix(shown)
    return history


@torch.no_grad()
def predict(model: nn.Module, inputs: Inputs, *, batch_size: int = 1024,
            device: torch.device | str | None = None) -> torch.Tensor:
    """Return ``model``'s outputs on ``inputs`` (evaluation mode, no gradients), on the CPU.

    Parameters
    ----------
    model : torch.nn.Module
    inputs : Tensor or list of Tensor
    batch_size : int, default=1024

    Returns
    -------
    Tensor of shape (n, ...)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    batch_size = check_positive_int(batch_size, "batch_size")
    xs, multi = _as_structure(inputs, "inputs")
    dev = torch.device(device) if device is not None else next(
        (p.device for p in model.parameters()), default_device())
    was_training = model.training
    model.eval()
    outs = []
    n = xs[0].shape[0]
    for start in range(0, n, batch_size):
        batch = [x[start:start + batch_size].to(dev) for x in xs]
        outs.append(model(_pack(batch, multi)).detach().cpu())
    model.train(was_training)
    return torch.cat(outs) if outs else torch.empty(0)


@torch.no_grad()
def evaluate(model: nn.Module, inputs: Inputs, targets: torch.Tensor, *,
             metrics: Sequence[str] | Mapping[str, Callable] = ("accuracy",),
             loss: str | Callable | None = None, batch_size: int = 1024,
             device: torch.device | str | None = None) -> dict[str, float]:
    """Evaluate ``model`` on ``(inputs, targets)``: metrics (and the loss, if given).

    Returns
    -------
    dict of str to float
        One entry per metric, plus ``"loss"`` when ``loss`` is given.
    """
    metric_fns = _resolve_metrics(metrics)
    if not isinstance(targets, torch.Tensor):
        raise TypeError(f"targets must be a torch.Tensor; got {type(targets).__name__}.")
    out = predict(model, inputs, batch_size=batch_size, device=device)
    if out.shape[0] != targets.shape[0]:
        raise ValueError(f"inputs and targets must hold paired samples; got {out.shape[0]} and {targets.shape[0]}.")
    y = targets.cpu()
    scores = {m: float(fn(out, y)) for m, fn in metric_fns.items()}
    if loss is not None:
        scores["loss"] = float(_resolve_loss(loss)(out, y))
    return scores


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _make_optimizer(name: str, model: nn.Module, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters.")
    # The fused kernels update every parameter in one call instead of a Python loop over
    # them; for the small models of the notebooks that is ~20-30 % of a training step.
    fused = all(p.device.type in ("cpu", "cuda") and p.is_floating_point() for p in params) or None
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay, fused=fused)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay, fused=fused)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    raise ValueError(f"optimizer must be one of ['adam', 'adamw', 'sgd']; got {name!r}.")


def _to_device(batch: Any, dev: torch.device) -> Any:
    if isinstance(batch, torch.Tensor):
        return batch.to(dev)
    return [b.to(dev) for b in batch]


def _progress(iterable: Any, show: bool) -> Any:
    if not show:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc="epochs", leave=False)
