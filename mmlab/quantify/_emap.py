"""Empirical multimodally-additive function projection (EMAP) of a trained two-modality model.

EMAP asks how much of a model's behaviour an *additive* model could reproduce.
It replaces the model's logits by their best additive approximation on the
evaluation set, computed from the model's outputs on every pairing of one
sample's first modality with another sample's second modality. When the
projection is as accurate as the model, the model's cross-modal interactions do
not help on that data (whether or not it could represent them).

Used by: ``lectures/6_quantification/03_emap_gradients.ipynb`` and the
quantification lab.

References
----------
Hessel, J. and Lee, L. Does my multimodal model learn cross-modal interactions?
It's harder to tell than you might think! EMNLP 2020.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from mmlab._validation import check_positive_int
from mmlab.quantify._model_calls import PairFunction, as_pair_function, check_block_size, check_logits, check_paired

__all__ = ["EMAPComparison", "emap", "emap_accuracy"]

#: Default number of (a, b) pairs evaluated per call of ``f``.
_PAIRS_PER_CALL = 1 << 16


# --------------------------------------------------------------------------- #
# the projection
# --------------------------------------------------------------------------- #
def emap(
    f: PairFunction | nn.Module, xa: torch.Tensor, xb: torch.Tensor, *, pairs_per_call: int = _PAIRS_PER_CALL
) -> torch.Tensor:
    r"""Project a two-modality model onto additive functions on a data set (EMAP).

    For :math:`N` paired samples :math:`(a_i, b_i)` the projection of the logits
    :math:`f` is

    .. math::

        \tilde f(a_i, b_i) = \frac1N \sum_{j=1}^{N} f(a_i, b_j)
                           + \frac1N \sum_{j=1}^{N} f(a_j, b_i)
                           - \frac1{N^2} \sum_{j=1}^{N}\sum_{k=1}^{N} f(a_j, b_k),

    where :math:`f(a_i, b_j)` is the model's logit vector (one entry per class)
    on the first modality of sample :math:`i` paired with the second modality of
    sample :math:`j`. The first term is the model's answer for :math:`a_i`
    averaged over the second modality, the second the same for :math:`b_i`, and
    the third removes the grand mean that both count.

    Parameters
    ----------
    f : callable or torch.nn.Module
        ``f(xa_batch, xb_batch) -> logits`` of shape ``(m, C)`` (or ``(m,)``). A
        ``torch.nn.Module`` is called with the fusion convention instead,
        ``f([xa_batch, xb_batch])`` (:mod:`mmlab.fusion`), in its current
        train/eval mode: call ``model.eval()`` first.
    xa : torch.Tensor of shape (N, ...)
        First modality, one row per sample.
    xb : torch.Tensor of shape (N, ...)
        Second modality, paired with ``xa`` row by row (same device).
    pairs_per_call : int, default=65536
        How many of the :math:`N^2` pairs ``f`` sees per call; lower it to save
        memory.

    Returns
    -------
    torch.Tensor of shape (N, C) (or (N,) for scalar outputs)
        :math:`\tilde f(a_i, b_i)`, on the device of the inputs, in the dtype of
        ``f``'s output (accumulated in float64 where the device has it).

    Raises
    ------
    TypeError
        If ``f`` is not callable or an input is not a tensor.
    ValueError
        If the inputs have no rows, differ in length, are not finite, live on
        different devices, ``pairs_per_call`` is < 1 or would make one call
        exceed the allocation limit, or ``f`` returns the wrong shape.

    Notes
    -----
    Cost: :math:`N^2` evaluations of ``f`` (in chunks of ``pairs_per_call``
    pairs) and :math:`O(N C)` memory for the running sums; gradients are not
    tracked. For an additive model :math:`f(a, b) = g(a) + h(b)` the three terms
    give back :math:`g(a_i) + h(b_i)` exactly, so :math:`\tilde f = f` up to
    float rounding. For a pure product :math:`f = (a - \bar a)(b - \bar b)` of
    centred inputs the first two terms and the grand mean are zero, so
    :math:`\tilde f = 0`: EMAP removes every non-additive part. The projection is
    the orthogonal projection onto additive functions under the *product* of the
    empirical marginals, which is why it is evaluated on all :math:`N^2` pairs.

    References
    ----------
    Hessel, J. and Lee, L. Does my multimodal model learn cross-modal
    interactions? It's harder to tell than you might think! EMNLP 2020,
    Section 3 (Algorithm 1).

    Examples
    --------
    >>> a, b = torch.randn(5, 2), torch.randn(5, 3)
    >>> f = lambda a, b: torch.stack([a.sum(1) + b.sum(1), a[:, 0] * b[:, 0]], dim=1)
    >>> fa = emap(f, a, b)
    >>> bool(torch.allclose(fa[:, 0], f(a, b)[:, 0], atol=1e-5))
    True
    """
    call = as_pair_function(f)
    xa, xb = check_paired(xa, xb)
    pairs_per_call = check_positive_int(pairs_per_call, "pairs_per_call")
    check_block_size(pairs_per_call, [xa, xb], "emap")
    return _emap_core(call, xa, xb, pairs_per_call)


def _emap_core(f: PairFunction, xa: torch.Tensor, xb: torch.Tensor, pairs_per_call: int) -> torch.Tensor:
    """EMAP on validated inputs: stream the N x N grid in blocks of rows."""
    n = xa.shape[0]
    rows = max(1, pairs_per_call // n)  # rows i of the grid per call
    row_mean = None  # (1/N) sum_j f(a_i, b_j), shape (N, C)
    col_sum = None  # sum_i f(a_i, b_j), accumulated over blocks of i, shape (N, C)
    scalar = False
    out_dtype = torch.get_default_dtype()
    with torch.no_grad():
        for start in range(0, n, rows):
            stop = min(start + rows, n)
            c = stop - start
            # pair a_i (i in the block) with every b_j: a repeated, b tiled
            a_rep = xa[start:stop].repeat_interleave(n, dim=0)
            b_rep = xb.repeat(c, *([1] * (xb.ndim - 1)))
            raw = f(a_rep, b_rep)
            out = check_logits(raw, c * n)
            out_dtype = out.dtype if out.is_floating_point() else out_dtype
            scalar = raw.ndim == 1
            # grid[i, j] = f(a_i, b_j), summed in float64 where the device has it
            grid = out.reshape(c, n, -1).to(torch.float32 if out.device.type == "mps" else torch.float64)
            if row_mean is None:
                row_mean = grid.new_zeros(n, grid.shape[2])
                col_sum = grid.new_zeros(n, grid.shape[2])
            row_mean[start:stop] = grid.mean(dim=1)
            col_sum += grid.sum(dim=0)
    col_mean = col_sum / n  # (1/N) sum_j f(a_j, b_i)
    grand = row_mean.mean(dim=0, keepdim=True)  # (1/N^2) sum_{j,k} f(a_j, b_k)
    projected = (row_mean + col_mean - grand).to(out_dtype)
    return projected[:, 0] if scalar else projected


# --------------------------------------------------------------------------- #
# accuracy of the model vs its projection
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class EMAPComparison:
    """Accuracy of a model and of its EMAP projection on the same samples.

    Attributes
    ----------
    accuracy : float
        Share of samples the model classifies correctly.
    projected_accuracy : float
        The same for its additive projection :math:`\\tilde f`.
    drop : float
        ``accuracy - projected_accuracy``: what the model's cross-modal
        interactions are worth on this data (near 0: an additive model would do
        as well).
    n : int
        Number of samples.
    """

    accuracy: float
    projected_accuracy: float
    drop: float
    n: int


def emap_accuracy(
    f: PairFunction | nn.Module,
    xa: torch.Tensor,
    xb: torch.Tensor,
    y: torch.Tensor,
    *,
    pairs_per_call: int = _PAIRS_PER_CALL,
) -> EMAPComparison:
    r"""Compare the accuracy of a model with that of its EMAP projection.

    .. math::

        \Delta = \mathrm{acc}(f) - \mathrm{acc}(\tilde f), \qquad
        \mathrm{acc}(g) = \frac1N \sum_{i=1}^N \mathbb 1\big[\arg\max_c g(a_i, b_i)_c = y_i\big],

    with :math:`\tilde f` from :func:`emap`. For a single output column the
    prediction is :math:`\mathbb 1[g > 0]`.

    Parameters
    ----------
    f, xa, xb, pairs_per_call
        As in :func:`emap`.
    y : torch.Tensor of shape (N,)
        Integer class labels of the samples.

    Returns
    -------
    EMAPComparison

    Raises
    ------
    TypeError, ValueError
        As :func:`emap`; also if ``y`` is not an integer vector of length N.

    References
    ----------
    Hessel, J. and Lee, L. EMNLP 2020 (the comparison of Table 2).

    Examples
    --------
    >>> a, b = torch.randn(50, 1), torch.randn(50, 1)
    >>> y = ((a * b)[:, 0] > 0).long()
    >>> r = emap_accuracy(lambda a, b: torch.cat([-a * b, a * b], 1), a, b, y)
    >>> r.accuracy, r.projected_accuracy < 0.8
    (1.0, True)
    """
    call = as_pair_function(f)
    xa, xb = check_paired(xa, xb)
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"y must be a torch.Tensor of class labels; got {type(y).__name__}.")
    if y.ndim != 1 or y.shape[0] != xa.shape[0]:
        raise ValueError(f"y must have shape ({xa.shape[0]},), one label per sample; got {tuple(y.shape)}.")
    if y.is_floating_point() or y.is_complex():
        raise ValueError(f"y must hold integer class labels; got dtype {y.dtype}. Use y.long().")
    pairs_per_call = check_positive_int(pairs_per_call, "pairs_per_call")
    check_block_size(pairs_per_call, [xa, xb], "emap_accuracy")
    with torch.no_grad():
        original = check_logits(call(xa, xb), xa.shape[0])
    projected = _emap_core(call, xa, xb, pairs_per_call)
    acc = _accuracy(original, y)
    acc_p = _accuracy(projected, y)
    return EMAPComparison(accuracy=acc, projected_accuracy=acc_p, drop=acc - acc_p, n=int(xa.shape[0]))


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    if logits.ndim == 1 or logits.shape[1] == 1:
        pred = (logits.reshape(-1) > 0).long()
    else:
        pred = logits.argmax(dim=1)
    return float((pred.cpu() == y.cpu().long()).float().mean())
