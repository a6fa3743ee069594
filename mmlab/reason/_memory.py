"""Temporal structure: a multi-view memory that writes, composes and reads, on a task that needs an earlier step.

Multimodal data often arrives as a sequence of steps, each observed through
several views (here two: a "colour" view and a "shape" view of the object
shown at that step). A question about the last step may need an earlier
one: "does the shape shown now match the colour shown first?" (under a fixed
rule: red names square, green circle, blue triangle). A model without
memory, which sees only the current step, cannot do better than chance on
such a question; a model with memory can.

:class:`MultiViewMemory` keeps a memory vector :math:`m_t` and, at every step,

- **writes** with a strength set by a *coordination* function, the
  similarity of the current cross-view representation :math:`h_t` to what is
  in memory: :math:`w_t = \\sigma(\\alpha \\cos(h_t, m_{t-1}) + \\beta)`;
- **composes** the new content with the old through a gate,
  :math:`m_t = (1 - w_t z_t) \\odot m_{t-1} + w_t z_t \\odot \\tanh(W [h_t; m_{t-1}])`
  with :math:`z_t = \\sigma(U [h_t; m_{t-1}])`;
- **reads** a summary of the memory trace by attention, :math:`r = \\sum_t
  a_t m_t` with :math:`a = \\mathrm{softmax}_t(q^\\top m_t)`, and answers from
  :math:`[r; h_T]`.

Used by: ``lectures/3_reasoning/01_memory_and_tree_structure.ipynb``.

References
----------
Rajagopalan, S. S., Morency, L.-P., Baltrušaitis, T. and Goecke, R. Extending
long short-term memory for multi-view structured learning. ECCV 2016.
Zadeh, A., Liang, P. P., Mazumder, N., Poria, S., Cambria, E. and Morency,
L.-P. Memory fusion network for multi-view sequential learning. AAAI 2018.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_random_state, check_scalar

__all__ = ["LastStepModel", "MultiViewMemory", "RecallSequences", "make_recall_sequences"]

_CODE_SEED = 20160  # the views' codes are fixed, not redrawn with each sample


@dataclass(frozen=True, eq=False)
class RecallSequences:
    """Two-view sequences and the recall label, with the ground truth.

    Attributes
    ----------
    views : tuple of ndarray
        float32 ``(n, steps, dim)`` each: the colour view and the shape view.
    y : ndarray
        int64 ``(n,)``: 1 when the last step's shape is the one the first
        step's colour names (red -> square, green -> circle, blue -> triangle).
    color, shape : ndarray
        int64 ``(n, steps)``: the object shown at each step.
    """

    views: tuple[np.ndarray, np.ndarray]
    y: np.ndarray
    color: np.ndarray
    shape: np.ndarray

    @property
    def n(self) -> int:
        """Number of sequences."""
        return int(self.y.shape[0])

    def to_torch(self) -> tuple[list[torch.Tensor], torch.Tensor]:
        """``([colour view, shape view], y)`` as torch tensors."""
        return [torch.as_tensor(v) for v in self.views], torch.as_tensor(self.y)


def make_recall_sequences(
    n: int, *, steps: int = 6, dim: int = 8, noise: float = 0.3, random_state: RandomState = None
) -> RecallSequences:
    """Draw two-view sequences whose label needs the first step: "does the last shape match the first colour?".

    At every step an object (one of 3 colours x 3 shapes) is shown; the
    colour view renders its colour, the shape view its shape, each as a fixed
    random unit code of length ``dim`` (the same codes in every draw) plus
    Gaussian noise of standard deviation ``noise``. The label is 1 when the
    shape of the last step is the one the colour of the *first* step names
    (colour index = shape index: red -> square, green -> circle, blue ->
    triangle), in half of the sequences; every other step is a random object.
    Neither view of the last step alone says anything about the label
    (chance is 1/2): the colour seen first must be kept in memory and
    combined with the shape seen last.

    Parameters
    ----------
    n : int
    steps : int, default=6
        At least 2.
    dim : int, default=8
    noise : float, default=0.3
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    RecallSequences

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer (``steps`` < 2) or ``noise`` is negative.

    Examples
    --------
    >>> d = make_recall_sequences(400, random_state=0)
    >>> d.views[0].shape, round(float(d.y.mean()), 1)
    ((400, 6, 8), 0.5)
    >>> bool((d.y == (d.shape[:, -1] == d.color[:, 0])).all())
    True
    """
    n = check_positive_int(n, "n")
    steps = check_positive_int(steps, "steps", minimum=2)
    dim = check_positive_int(dim, "dim")
    noise = check_scalar(noise, "noise", min_val=0)
    rng = check_random_state(random_state)
    codes = np.random.default_rng(_CODE_SEED + dim).normal(size=(2, 3, dim))  # fixed: the same in every draw
    codes /= np.linalg.norm(codes, axis=2, keepdims=True)
    color = rng.integers(0, 3, size=(n, steps))
    shape = rng.integers(0, 3, size=(n, steps))
    y = (rng.random(n) < 0.5).astype(np.int64)
    # the rule: the last shape must be the one the first colour names (red->square, green->circle, blue->triangle)
    shift = rng.integers(1, 3, size=n)
    shape[:, -1] = np.where(y == 1, color[:, 0], (color[:, 0] + shift) % 3)
    views = tuple(
        (codes[k][idx] + noise * rng.normal(size=(n, steps, dim))).astype(np.float32)
        for k, idx in enumerate((color, shape))
    )
    return RecallSequences(views=views, y=y, color=color, shape=shape)


def _check_views(inputs: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
        raise TypeError("inputs must be a pair [view_a, view_b] of (batch, steps, dim) tensors.")
    a, b = inputs
    if a.ndim != 3 or b.ndim != 3 or a.shape[:2] != b.shape[:2]:
        raise ValueError(
            f"the two views must be (batch, steps, dim) with the same batch and steps; got "
            f"{tuple(a.shape)} and {tuple(b.shape)}."
        )
    return a, b


class MultiViewMemory(nn.Module):
    """A recurrent memory over two-view sequences: coordinated write, gated compose, attentive read.

    Parameters
    ----------
    dims : (int, int)
        Feature sizes of the two views.
    hidden : int, default=32
        Size of the cross-view representation and of the memory.
    n_classes : int, default=2

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> m = MultiViewMemory((8, 8))
    >>> m([torch.zeros(5, 6, 8), torch.zeros(5, 6, 8)]).shape
    torch.Size([5, 2])
    """

    def __init__(self, dims: tuple[int, int], hidden: int = 32, n_classes: int = 2) -> None:
        super().__init__()
        d_a, d_b = (check_positive_int(d, "dims[i]") for d in dims)
        hidden = check_positive_int(hidden, "hidden")
        n_classes = check_positive_int(n_classes, "n_classes")
        self.encode = nn.Sequential(nn.Linear(d_a + d_b, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.Tanh())
        self.alpha = nn.Parameter(torch.tensor(-2.0))  # coordination: similarity -> write strength
        self.beta = nn.Parameter(torch.tensor(0.0))
        self.gate = nn.Linear(2 * hidden, hidden)  # z_t
        self.content = nn.Linear(2 * hidden, hidden)  # W
        self.query = nn.Parameter(torch.randn(hidden) / hidden**0.5)  # q of the read
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))

    def trace(self, inputs: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(memory states (B, T, hidden), write strengths (B, T), step representations (B, T, hidden))``."""
        a, b = _check_views(inputs)
        h = self.encode(torch.cat([a, b], dim=2))
        m = h.new_zeros(h.shape[0], h.shape[2])
        states, writes = [], []
        for t in range(h.shape[1]):
            sim = nn.functional.cosine_similarity(h[:, t], m, dim=1, eps=1e-6)
            w = torch.sigmoid(self.alpha * sim + self.beta)  # write: coordination with the memory
            hm = torch.cat([h[:, t], m], dim=1)
            z = torch.sigmoid(self.gate(hm)) * w[:, None]  # compose: what to keep, what to add
            m = (1 - z) * m + z * torch.tanh(self.content(hm))
            states.append(m)
            writes.append(w)
        return torch.stack(states, 1), torch.stack(writes, 1), h

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Logits ``(batch, n_classes)`` from ``[view_a, view_b]``, each ``(batch, steps, dim)``.

        Raises
        ------
        TypeError
            If ``inputs`` is not a pair of tensors.
        ValueError
            If the views' shapes disagree.
        """
        states, _, h = self.trace(inputs)
        attn = torch.softmax(states @ self.query, dim=1)  # read: a summary over the memory trace
        r = (attn[:, :, None] * states).sum(1)
        return self.head(torch.cat([r, h[:, -1]], dim=1))


class LastStepModel(nn.Module):
    """The memory-less baseline: an MLP on the two views of the current (last) step only.

    Parameters
    ----------
    dims : (int, int)
    hidden : int, default=32
    n_classes : int, default=2

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> LastStepModel((8, 8))([torch.zeros(5, 6, 8), torch.zeros(5, 6, 8)]).shape
    torch.Size([5, 2])
    """

    def __init__(self, dims: tuple[int, int], hidden: int = 32, n_classes: int = 2) -> None:
        super().__init__()
        d_a, d_b = (check_positive_int(d, "dims[i]") for d in dims)
        hidden = check_positive_int(hidden, "hidden")
        n_classes = check_positive_int(n_classes, "n_classes")
        self.net = nn.Sequential(
            nn.Linear(d_a + d_b, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_classes)
        )

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Logits ``(batch, n_classes)`` from the last step of ``[view_a, view_b]``.

        Raises
        ------
        TypeError
            If ``inputs`` is not a pair of tensors.
        ValueError
            If the views' shapes disagree.
        """
        a, b = _check_views(inputs)
        return self.net(torch.cat([a[:, -1], b[:, -1]], dim=1))
