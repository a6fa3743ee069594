"""Second-order cross gradients: which individual samples a model treats non-additively.

A function is additive in two inputs, :math:`f(x_A, x_B) = f_A(x_A) + f_B(x_B)`,
exactly when its mixed second derivatives :math:`\\partial^2 f / \\partial x_A
\\partial x_B` vanish everywhere. Evaluated at one sample, the block of mixed
partial derivatives says how much a small change in one modality changes the
model's sensitivity to the other: an *individual* interaction, where EMAP
(:mod:`mmlab.quantify`) measures the interactions' overall worth.

Used by: ``lectures/6_quantification/03_emap_gradients.ipynb``.

References
----------
Friedman, J. H. and Popescu, B. E. Predictive learning via rule ensembles.
Annals of Applied Statistics 2(3), 2008.
Sorokina, D., Caruana, R., Riedewald, M. and Fink, D. Detecting statistical
interactions with additive groves of trees. ICML 2008.
Liang, P. P. et al. MultiViz: towards visualizing and understanding multimodal
models. ICLR 2023.
"""

from __future__ import annotations

import numbers
from typing import Any

import torch
from torch import nn

from mmlab._validation import check_choice, check_positive_int
from mmlab.quantify._model_calls import PairFunction, as_pair_function, check_logits, check_paired

__all__ = ["interaction_strength", "mixed_gradients"]


def mixed_gradients(
    f: PairFunction | nn.Module,
    xa: torch.Tensor,
    xb: torch.Tensor,
    *,
    target: str | int | torch.Tensor = "predicted",
    method: str = "autograd",
    chunk_size: int | None = None,
) -> torch.Tensor:
    r"""Per-sample block of mixed second derivatives of one logit, :math:`\partial^2 f_c / \partial x_A \partial x_B`.

    For each sample :math:`i` with inputs :math:`(a_i, b_i)` and target class
    :math:`c_i`,

    .. math::

        H_i[k, l] = \frac{\partial^2 f_{c_i}(a, b)}{\partial a_k \, \partial b_l}
                    \Big|_{a = a_i,\ b = b_i},
        \qquad k = 1..d_A,\ l = 1..d_B,

    where :math:`f_c` is the model's logit for class :math:`c`,
    :math:`a \in \mathbb R^{d_A}` the first modality and
    :math:`b \in \mathbb R^{d_B}` the second. :math:`H_i = 0` at every point for
    an additive model; for :math:`f = a^\top W b` it is :math:`W` everywhere.

    Parameters
    ----------
    f : callable or torch.nn.Module
        ``f(xa_batch, xb_batch) -> logits`` of shape ``(m, C)`` or ``(m,)``; an
        ``nn.Module`` is called as ``f([xa_batch, xb_batch])`` (the fusion
        convention). Samples must not interact inside ``f`` (no batch
        normalisation in training mode): call ``model.eval()`` first.
    xa : torch.Tensor of shape (N, d_A)
        First modality (floating point).
    xb : torch.Tensor of shape (N, d_B)
        Second modality, paired with ``xa`` (same device).
    target : "predicted", int or torch.Tensor of shape (N,), default="predicted"
        Whose logit to differentiate: each sample's arg-max class, one class for
        all samples, or one class per sample (e.g. the true labels). Ignored for
        scalar outputs.
    method : {"autograd", "vmap"}, default="autograd"
        ``"autograd"`` takes the gradient of :math:`\sum_i f_{c_i}(a_i, b_i)` in
        :math:`a` with ``create_graph=True`` and differentiates each of its
        :math:`d_A` columns in :math:`b`: all samples at once, exact because
        sample :math:`i`'s logit depends on :math:`(a_i, b_i)` only. ``"vmap"``
        computes each sample's block with ``torch.func``
        (``vmap(jacfwd(jacrev(.)))``). Both give the same numbers (tested); the
        default avoids ``torch.func``'s first call, which imports
        ``torch._dynamo`` (hundreds of modules, seconds on a laptop).
    chunk_size : int, optional
        Samples per vectorised call (``"vmap"`` only); all at once by default.

    Returns
    -------
    torch.Tensor of shape (N, d_A, d_B)
        :math:`H_i`, on the inputs' device.

    Raises
    ------
    TypeError
        If ``f`` is not callable, an input is not a floating-point tensor or
        ``target`` has the wrong type.
    ValueError
        If the inputs are not 2-D, differ in length, are not finite, live on
        different devices, ``target`` is out of range or ``f`` returns the wrong
        shape.

    Notes
    -----
    Networks built from piecewise-linear units (ReLU, max-pooling) are linear
    between kinks, so their second derivatives are zero *almost everywhere* even
    when they compute a strong interaction (e.g. XOR): the interaction lives in
    the kinks, which gradients do not see. Use smooth activations (GELU, tanh,
    softplus) or multiplicative fusion when mixed gradients are the probe.
    Cost: ``"autograd"`` runs one forward pass and :math:`d_A + 1` backward
    passes over the whole batch; ``"vmap"`` one vectorised
    forward-over-reverse pass per sample.

    References
    ----------
    Friedman, J. H. and Popescu, B. E. Predictive learning via rule ensembles.
    Annals of Applied Statistics, 2008 (the mixed-partial definition of an
    interaction). Liang, P. P. et al. MultiViz. ICLR 2023 (second-order
    gradients for individual cross-modal interactions).

    Examples
    --------
    >>> W = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> f = lambda a, b: ((a @ W) * b).sum(1)          # a^T W b
    >>> H = mixed_gradients(f, torch.randn(4, 3), torch.randn(4, 2))
    >>> H.shape, bool(torch.allclose(H[0], W))
    (torch.Size([4, 3, 2]), True)
    """
    call = as_pair_function(f)
    xa, xb = check_paired(xa, xb, differentiable=True)
    method = check_choice(method, "method", ("vmap", "autograd"))
    if chunk_size is not None:
        chunk_size = check_positive_int(chunk_size, "chunk_size")
    with torch.no_grad():
        out = check_logits(call(xa, xb), xa.shape[0])
    weights = _target_weights(target, out)  # (N, C) one-hot of c_i (or ones for scalar outputs)
    if method == "vmap":
        return _mixed_vmap(call, xa, xb, weights, chunk_size)
    return _mixed_autograd(call, xa, xb, weights)


def _mixed_vmap(
    f: PairFunction, xa: torch.Tensor, xb: torch.Tensor, weights: torch.Tensor, chunk_size: int | None
) -> torch.Tensor:
    """H_i by torch.func on validated inputs: vmap over samples of d/da (d/db f_c)."""
    from torch.func import jacfwd, jacrev, vmap

    def logit(a: torch.Tensor, b: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        out = f(a[None], b[None]).reshape(-1)  # one sample's logits, (C,)
        return (out * w).sum()  # f_c(a, b) selected by the one-hot w

    # jacrev over a gives d f_c / d a (d_A,); jacfwd over b of that gives (d_A, d_B)
    hess = jacfwd(jacrev(logit, argnums=0), argnums=1)
    return vmap(hess, chunk_size=chunk_size)(xa, xb, weights).detach()


def _mixed_autograd(f: PairFunction, xa: torch.Tensor, xb: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """H_i by reverse mode on validated inputs; exact because samples do not interact in f."""
    a = xa.detach().clone().requires_grad_(True)
    b = xb.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        out = f(a, b).reshape(a.shape[0], -1)
        total = (out * weights).sum()  # sum_i f_{c_i}(a_i, b_i)
        (grad_a,) = torch.autograd.grad(total, a, create_graph=True)  # (N, d_A): row i = d f_{c_i} / d a_i
        hess = torch.zeros(a.shape[0], a.shape[1], b.shape[1], dtype=a.dtype, device=a.device)
        if not grad_a.requires_grad:  # the gradient in a does not depend on anything: H = 0
            return hess
        for k in range(a.shape[1]):
            (row,) = torch.autograd.grad(grad_a[:, k].sum(), b, retain_graph=True, allow_unused=True)
            if row is not None:
                hess[:, k, :] = row
    return hess.detach()


def interaction_strength(
    f: PairFunction | nn.Module,
    xa: torch.Tensor,
    xb: torch.Tensor,
    *,
    target: str | int | torch.Tensor = "predicted",
    method: str = "autograd",
    chunk_size: int | None = None,
) -> torch.Tensor:
    r"""Per-sample strength of the cross-modal interaction: the Frobenius norm of :math:`H_i`.

    .. math::

        s_i = \lVert H_i \rVert_F
            = \Big(\sum_{k=1}^{d_A}\sum_{l=1}^{d_B} H_i[k, l]^2\Big)^{1/2},

    with :math:`H_i` the mixed second-derivative block of
    :func:`mixed_gradients`. :math:`s_i = 0` for every sample of an additive
    model.

    Parameters
    ----------
    f, xa, xb, target, method, chunk_size
        As in :func:`mixed_gradients`.

    Returns
    -------
    torch.Tensor of shape (N,)
        :math:`s_i`, non-negative.

    Raises
    ------
    TypeError, ValueError
        As :func:`mixed_gradients`.

    Notes
    -----
    The norm depends on the scale of the inputs and of the logits: compare
    strengths between samples of one model, or between models on standardised
    inputs, not across unrelated units.

    Examples
    --------
    >>> f = lambda a, b: (a * b).sum(1)                 # H_i = identity
    >>> interaction_strength(f, torch.randn(3, 4), torch.randn(3, 4))
    tensor([2., 2., 2.])
    """
    hess = mixed_gradients(f, xa, xb, target=target, method=method, chunk_size=chunk_size)
    return torch.linalg.matrix_norm(hess, ord="fro")


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _target_weights(target: Any, out: torch.Tensor) -> torch.Tensor:
    """One-hot (N, C) weights that pick each sample's target logit from f's output."""
    n, c = out.shape
    if c == 1:
        return out.new_ones(n, 1)
    if isinstance(target, str):
        check_choice(target, "target", ("predicted",))
        idx = out.argmax(dim=1)
    elif isinstance(target, numbers.Integral) and not isinstance(target, bool):
        if not 0 <= int(target) < c:
            raise ValueError(f"target must be a class index in [0, {c}); got {target}.")
        idx = torch.full((n,), int(target), dtype=torch.long, device=out.device)
    elif isinstance(target, torch.Tensor):
        if target.shape != (n,) or target.is_floating_point():
            raise ValueError(
                f"a tensor target must hold one integer class per sample, shape ({n},); "
                f"got shape {tuple(target.shape)} and dtype {target.dtype}."
            )
        idx = target.to(out.device).long()
        if bool((idx < 0).any()) or bool((idx >= c).any()):
            raise ValueError(
                f"target classes must lie in [0, {c}); got values from {int(idx.min())} to {int(idx.max())}."
            )
    else:
        raise TypeError(
            f"target must be 'predicted', an int class or a (N,) tensor of classes; "
            f"got {type(target).__name__} {target!r}."
        )
    return torch.nn.functional.one_hot(idx, c).to(out.dtype)
