"""High-modality sharing (HighMMT in miniature): one model over several modality/task pairs.

HighMMT (Liang et al., 2022) trains one model over many modality/task pairs
and shares parameters inside groups of modalities that are close by transfer
(:func:`mmlab.quantify.transfer_heterogeneity` measures that closeness).

- :class:`MultitaskModel` and :func:`fit_multitask`: one model over several
  tasks, each task with its own head; input layers and trunk shared inside
  groups of modalities (``groups``): one group for all is full sharing, one
  group per task is separate models, groups read off a heterogeneity matrix
  are heterogeneity-aware sharing;
- :func:`few_labels`: ``k`` labelled samples of every class (the low-data task).

Used by: ``lectures/5_transference/04_multitask_and_heterogeneity.ipynb``.

References
----------
Liang, P. P. et al. HighMMT: quantifying modality and interaction heterogeneity
for high-modality representation learning. TMLR, 2022.
Caruana, R. Multitask learning. Machine Learning 28, 1997.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, seed_from_random_state
from mmlab.runtime import seeded

__all__ = ["MultitaskModel", "few_labels", "fit_multitask"]


def few_labels(y: torch.Tensor, k: int, *, random_state: RandomState = 0) -> torch.Tensor:
    """Indices of ``k`` samples of every class of ``y``, drawn without replacement (sorted by class).

    Raises
    ------
    TypeError
        If ``y`` is not a tensor or ``k`` not an int.
    ValueError
        If ``y`` is not 1-D or some class has fewer than ``k`` samples.

    Examples
    --------
    >>> few_labels(torch.tensor([0, 1, 0, 1, 0, 1]), 2).shape
    torch.Size([4])
    """
    if not isinstance(y, torch.Tensor) or y.ndim != 1:
        raise TypeError("y must be a 1-D tensor of class labels.")
    k = check_positive_int(k, "k")
    rng = np.random.default_rng(seed_from_random_state(random_state))
    labels = y.cpu().numpy()
    out = []
    for c in np.unique(labels):
        rows = np.flatnonzero(labels == c)
        if len(rows) < k:
            raise ValueError(f"class {c} has {len(rows)} samples; k={k} labels per class are not available.")
        out.append(rng.choice(rows, k, replace=False))
    return torch.as_tensor(np.concatenate(out), dtype=torch.long)


class MultitaskModel(nn.Module):
    """One model over several (modality, task) pairs: shared input layer and trunk per group, a head per task.

    Task ``t`` reads modality features of width ``in_dims[t]``; tasks in the
    same group share the input layer and the trunk (so they must have the same
    width), and every task has its own linear head. Layers: input
    ``Linear(d, hidden)`` → ReLU → ``Linear(hidden, hidden)`` → ReLU → head.

    Parameters
    ----------
    in_dims : mapping of str to int
        Feature width of each task's modality.
    n_classes : mapping of str to int
        Classes of each task.
    groups : sequence of sequence of str, optional
        Tasks that share parameters; default: every task on its own (separate
        models). Every task must appear exactly once.
    hidden : int, default=32
    random_state : int, default=0
        Seeds the initial weights (global torch state is restored).

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If the tasks of ``in_dims`` and ``n_classes`` differ, ``groups`` does not
        cover every task exactly once, or a group mixes widths.

    Examples
    --------
    >>> model = MultitaskModel({"a": 4, "b": 4}, {"a": 3, "b": 2}, groups=[["a", "b"]])
    >>> model("b", torch.randn(5, 4)).shape
    torch.Size([5, 2])
    """

    def __init__(
        self,
        in_dims: Mapping[str, int],
        n_classes: Mapping[str, int],
        *,
        groups: Sequence[Sequence[str]] | None = None,
        hidden: int = 32,
        random_state: int = 0,
    ) -> None:
        super().__init__()
        tasks = list(in_dims)
        if set(tasks) != set(n_classes) or not tasks:
            raise ValueError(
                f"in_dims and n_classes must name the same tasks; got {list(in_dims)} and {list(n_classes)}."
            )
        groups = [[t] for t in tasks] if groups is None else [list(g) for g in groups]
        flat = [t for g in groups for t in g]
        if sorted(flat) != sorted(tasks):
            raise ValueError(f"groups must list every task exactly once; got {groups} for tasks {tasks}.")
        hidden = check_positive_int(hidden, "hidden")
        seed = check_positive_int(random_state, "random_state", minimum=0)
        self.groups = groups
        self.group_of = {t: i for i, g in enumerate(groups) for t in g}
        with seeded(seed):
            trunks = []
            for g in groups:
                widths = {check_positive_int(in_dims[t], f"in_dims[{t!r}]") for t in g}
                if len(widths) != 1:
                    raise ValueError(f"tasks sharing parameters must read the same width; group {g} has {widths}.")
                trunks.append(
                    nn.Sequential(nn.Linear(widths.pop(), hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
                )
            self.trunks = nn.ModuleList(trunks)
            self.heads = nn.ModuleDict(
                {t: nn.Linear(hidden, check_positive_int(n_classes[t], "n_classes")) for t in tasks}
            )

    def forward(self, task: str, x: torch.Tensor) -> torch.Tensor:
        """Logits of ``task`` for its modality's features ``x``.

        Raises
        ------
        KeyError
            If ``task`` is unknown.
        """
        if task not in self.group_of:
            raise KeyError(f"unknown task {task!r}; the model has {list(self.group_of)}.")
        return self.heads[task](self.trunks[self.group_of[task]](x))


def fit_multitask(
    model: MultitaskModel,
    data: Mapping[str, tuple[torch.Tensor, torch.Tensor]],
    *,
    steps: int,
    batch_size: int = 64,
    lr: float = 3e-3,
    random_state: RandomState = 0,
) -> MultitaskModel:
    """Train all tasks together: each step adds one batch's loss from every task.

    A task's batch is drawn with replacement from its own data, so a task with
    few labels is seen as often as one with many (each step updates the shared
    trunk with every task's gradient).

    Parameters
    ----------
    model : MultitaskModel
    data : mapping of task to (x, y)
    steps : int
    batch_size : int, default=64
    lr : float, default=3e-3
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    MultitaskModel
        ``model``, trained, in evaluation mode.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`MultitaskModel`.
    ValueError
        If ``data`` names a task the model lacks, or a task's x and y differ in length.

    Examples
    --------
    >>> model = MultitaskModel({"a": 2}, {"a": 2})
    >>> x = torch.randn(20, 2); y = (x[:, 0] > 0).long()
    >>> fit_multitask(model, {"a": (x, y)}, steps=5)("a", x).shape
    torch.Size([20, 2])
    """
    if not isinstance(model, MultitaskModel):
        raise TypeError(f"model must be a MultitaskModel; got {type(model).__name__}.")
    unknown = [t for t in data if t not in model.group_of]
    if unknown:
        raise ValueError(f"data names tasks the model lacks: {unknown}.")
    for t, (x, y) in data.items():
        if x.shape[0] != y.shape[0] or not len(y):
            raise ValueError(
                f"task {t!r}: x and y must hold the same, non-zero number of rows; got {x.shape[0]} and {y.shape[0]}."
            )
    steps = check_positive_int(steps, "steps")
    gen = torch.Generator().manual_seed(seed_from_random_state(random_state))
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4, foreach=True)  # = per-tensor Adam, faster
    model.train()
    for _ in range(steps):
        loss = 0.0
        for t, (x, y) in data.items():
            idx = torch.randint(len(y), (min(batch_size, len(y)),), generator=gen)
            loss = loss + nn.functional.cross_entropy(model(t, x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return model.eval()
