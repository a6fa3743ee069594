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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_scalar, seed_from_random_state
from mmlab.runtime import device as default_device

__all__ = ["METRICS", "History", "evaluate", "fit", "predict"]

Inputs = torch.Tensor | Sequence[torch.Tensor]


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
        """Return the last recorded value of ``loss``, ``val_loss`` or a metric.

        Raises
        ------
        KeyError
            If no series has that name.
        ValueError
            If the series is empty (e.g. ``val_loss`` without validation data).
        """
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
            f"{name} must be a torch.Tensor or a list/tuple of tensors (one per modality); got {type(inputs).__name__}."
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


def _check_targets(targets: Any, loss: str | Callable, n: int, name: str = "targets") -> torch.Tensor:
    """Check targets against the number of samples and, for a named loss, its kind of target."""
    if not isinstance(targets, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor; got {type(targets).__name__}.")
    if targets.ndim == 0 or targets.shape[0] != n:
        got = "a 0-d tensor" if targets.ndim == 0 else f"{targets.shape[0]} targets"
        raise ValueError(f"inputs and {name} must hold paired samples; got {n} input rows and {got}.")
    if callable(loss):  # a custom loss decides what its targets mean
        return targets
    if loss == "cross_entropy":
        if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
            raise TypeError(
                f"{name} must hold integer class indices for loss='cross_entropy'; got dtype {targets.dtype} "
                "(a float target would be truncated to a class). Convert whole-number labels with "
                f"{name}.long(), or use loss='mse' for a continuous target."
            )
        if targets.ndim != 1:
            raise ValueError(
                f"{name} must have shape (n,), one class index per sample, for loss='cross_entropy'; "
                f"got shape {tuple(targets.shape)}."
            )
        if n and int(targets.min()) < 0:
            raise ValueError(
                f"{name} must hold class indices 0 .. C-1 for loss='cross_entropy'; got the label "
                f"{int(targets.min())}. Re-encode the labels first."
            )
        return targets
    if targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(f"{name} must hold real numbers for loss={loss!r}; got dtype {targets.dtype}.")
    if targets.is_floating_point() and n and not bool(torch.isfinite(targets).all()):
        raise ValueError(f"{name} must be finite for loss={loss!r}; got NaN or infinite values.")
    if loss == "bce" and n and (float(targets.min()) < 0 or float(targets.max()) > 1):
        raise ValueError(
            f"{name} must lie in [0, 1] for loss='bce' (labels 0/1 or probabilities); got values from "
            f"{float(targets.min()):.3g} to {float(targets.max()):.3g}."
        )
    return targets


def _check_finite_inputs(tensors: list[torch.Tensor], multi: bool, name: str) -> None:
    for i, t in enumerate(tensors):
        if t.is_floating_point() and t.numel() and not bool(torch.isfinite(t).all()):
            where = f"{name}[{i}]" if multi else name
            raise ValueError(f"{where} must be finite; got NaN or infinite values. Impute or drop those rows first.")


def _resolve_device(device: torch.device | str | None, default: Callable[[], torch.device]) -> torch.device:
    if device is None:
        return default()
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(
            f"device must name a torch device such as 'cpu' or 'cuda:0'; got {device!r} ({err})."
        ) from None


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
        raise ValueError(
            f"unknown metric(s) {unknown}; known metrics are {sorted(METRICS)} (or pass a dict name -> fn)."
        )
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

    Raises
    ------
    TypeError
        If ``model`` is not a module, ``inputs`` is not a tensor, a sequence of
        tensors or a DataLoader, ``targets`` is not a tensor, a named loss gets
        the wrong kind of target (float class labels for ``"cross_entropy"``,
        which would be truncated), or a number argument (``lr``,
        ``weight_decay``, ``random_state``, ...) has the wrong type.
    ValueError
        If there are no samples (or the DataLoader yields no batch), inputs
        and targets are not paired, inputs or targets hold NaN or infinite
        values, class labels are negative or reach the number of logits,
        ``bce`` targets leave [0, 1], ``epochs``/``batch_size`` < 1, ``lr``
        is not a finite number > 0, ``weight_decay`` is not a finite number
        >= 0, ``random_state`` is a negative int, or ``loss``, ``metrics``,
        ``optimizer`` or ``device`` is unknown.

    Examples
    --------
    >>> x = torch.randn(64, 3, generator=torch.Generator().manual_seed(0))
    >>> y = (x[:, 0] > 0).long()
    >>> history = fit(nn.Linear(3, 2), x, y, epochs=3, progress=False, device="cpu")
    >>> history.epoch, len(history.loss)
    ([1, 2, 3], 3)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    weight_decay = check_scalar(weight_decay, "weight_decay", min_val=0)
    seed = seed_from_random_state(random_state)
    loss_fn = _resolve_loss(loss)
    metric_fns = _resolve_metrics(metrics)
    dev = _resolve_device(device, default_device)

    loader = None
    n_logits_checked = not (isinstance(loss, str) and loss == "cross_entropy")
    if isinstance(inputs, torch.utils.data.DataLoader):
        if targets is not None:
            raise ValueError("with a DataLoader, targets must be None (the loader yields (inputs, targets)).")
        loader = inputs
        n_logits_checked = True
    else:
        if targets is None:
            raise ValueError("targets is required when inputs are tensors.")
        xs, multi = _as_structure(inputs, "inputs")
        n = xs[0].shape[0]
        if n == 0:
            raise ValueError(
                "inputs must hold at least one sample; got 0 rows. Check the split or filter that produced them."
            )
        _check_finite_inputs(xs, multi, "inputs")
        y = _check_targets(targets, loss, n)
        y_max = int(y.max()) if not n_logits_checked else 0
    if val is not None:
        if not isinstance(val, (tuple, list)) or len(val) != 2:
            raise TypeError(f"val must be a pair (inputs, targets); got {type(val).__name__}.")
        val_xs, val_multi = _as_structure(val[0], "val inputs")
        _check_finite_inputs(val_xs, val_multi, "val inputs")
        _check_targets(val[1], loss, val_xs[0].shape[0], name="val targets")
    model.to(dev)
    opt = _make_optimizer(optimizer, model, lr, weight_decay)
    if loader is None:
        xs = [x.to(dev) for x in xs]
        y = y.to(dev)

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
            batches = ((_pack([x[idx] for x in xs], multi), y[idx]) for idx in order.split(batch_size))
        else:
            batches = ((_to_device(bx, dev), by.to(dev)) for bx, by in loader)
        for bx, by in batches:
            out = model(bx)
            if not n_logits_checked:  # once: class labels must index the model's logits
                if out.ndim != 2 or y_max >= out.shape[1]:
                    raise ValueError(
                        f"targets hold class indices up to {y_max}, so loss='cross_entropy' needs logits of shape "
                        f"(n, C) with C > {y_max}; the model returns shape {tuple(out.shape)}. Give the model "
                        "one output per class."
                    )
                n_logits_checked = True
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
        if seen == 0:
            raise ValueError("inputs (a DataLoader) yielded no batch in an epoch; give it at least one sample.")
        history.epoch.append(epoch)
        history.loss.append(float(totals["loss"]) / seen)
        for m in metric_fns:
            history.metrics.setdefault(m, []).append(float(totals[m]) / seen)
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
def predict(
    model: nn.Module, inputs: Inputs, *, batch_size: int = 1024, device: torch.device | str | None = None
) -> torch.Tensor:
    """Return ``model``'s outputs on ``inputs`` (evaluation mode, no gradients), on the CPU.

    Parameters
    ----------
    model : torch.nn.Module
    inputs : Tensor or list of Tensor
    batch_size : int, default=1024

    Returns
    -------
    Tensor of shape (n, ...)

    Raises
    ------
    TypeError
        If ``model`` is not a module or ``inputs`` is not a tensor or a
        sequence of tensors.
    ValueError
        If the modalities are not paired, ``batch_size`` < 1 or ``device`` is unknown.

    Examples
    --------
    >>> predict(nn.Linear(3, 2), torch.zeros(5, 3), device="cpu").shape
    torch.Size([5, 2])
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    batch_size = check_positive_int(batch_size, "batch_size")
    xs, multi = _as_structure(inputs, "inputs")
    dev = _resolve_device(device, lambda: next((p.device for p in model.parameters()), default_device()))
    was_training = model.training
    model.eval()
    outs = []
    n = xs[0].shape[0]
    for start in range(0, n, batch_size):
        batch = [x[start : start + batch_size].to(dev) for x in xs]
        outs.append(model(_pack(batch, multi)).detach().cpu())
    model.train(was_training)
    return torch.cat(outs) if outs else torch.empty(0)


@torch.no_grad()
def evaluate(
    model: nn.Module,
    inputs: Inputs,
    targets: torch.Tensor,
    *,
    metrics: Sequence[str] | Mapping[str, Callable] = ("accuracy",),
    loss: str | Callable | None = None,
    batch_size: int = 1024,
    device: torch.device | str | None = None,
) -> dict[str, float]:
    """Evaluate ``model`` on ``(inputs, targets)``: metrics (and the loss, if given).

    Returns
    -------
    dict of str to float
        One entry per metric, plus ``"loss"`` when ``loss`` is given.

    Raises
    ------
    TypeError, ValueError
        As :func:`predict`; also if ``targets`` is not a tensor paired with
        ``inputs``, a metric or loss is unknown, or a named loss gets the
        wrong kind of target (as in :func:`fit`).

    Examples
    --------
    >>> x, y = torch.zeros(4, 3), torch.zeros(4, dtype=torch.long)
    >>> sorted(evaluate(nn.Linear(3, 2), x, y, loss="cross_entropy", device="cpu"))
    ['accuracy', 'loss']
    """
    metric_fns = _resolve_metrics(metrics)
    if not isinstance(targets, torch.Tensor):
        raise TypeError(f"targets must be a torch.Tensor; got {type(targets).__name__}.")
    if loss is not None:
        _resolve_loss(loss)
    out = predict(model, inputs, batch_size=batch_size, device=device)
    if targets.ndim == 0 or out.shape[0] != targets.shape[0]:
        got = "a 0-d tensor" if targets.ndim == 0 else str(targets.shape[0])
        raise ValueError(f"inputs and targets must hold paired samples; got {out.shape[0]} and {got}.")
    if loss is not None:
        _check_targets(targets, loss, out.shape[0])
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
