"""Structure heterogeneity: invariance and equivariance of a model to a group action, checked numerically.

Modalities differ in structure: a set of detected objects has no order, an
image or a spectrogram is a grid on which a pattern means the same wherever
it sits. A model respects such structure when it is *invariant*,
:math:`f(\\rho(g) x) = f(x)`, or *equivariant*, :math:`f(\\rho(g) x) = \\rho'(g) f(x)`,
for every group element :math:`g` (Bronstein et al. 2021). Whether a trained
network does is a question we can answer with numbers: apply the action and
measure how far the output moves.

- group actions on a batch: :func:`permute_elements` (sets),
  :func:`cyclic_shift` (grids, circular translation);
- :func:`invariance_error`, :func:`equivariance_error`: relative errors of the
  two identities; :func:`equivariance_map`: where on the grid the
  equivariance error sits (a convolution with zero padding breaks it only at
  the border);
- :class:`DeepSets`: a permutation-invariant set model
  :math:`\\rho\\big(\\sum_j \\phi(x_j)\\big)` (Zaheer et al. 2017).

Used by: ``lectures/6_quantification/06_heterogeneity_transfer_and_structure.ipynb``
and the second quantification lab.

References
----------
Bronstein, M. M., Bruna, J., Cohen, T. and Veličković, P. Geometric deep
learning: grids, groups, graphs, geodesics, and gauges. arXiv:2104.13478, 2021.
Zaheer, M. et al. Deep sets. NeurIPS 2017.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from mmlab._validation import check_positive_int

__all__ = [
    "DeepSets",
    "cyclic_shift",
    "equivariance_error",
    "equivariance_map",
    "invariance_error",
    "permute_elements",
]

#: A batch transformation: ``transform(x) -> x'`` of the same shape.
Transform = Callable[[torch.Tensor], torch.Tensor]


# --------------------------------------------------------------------------- #
# group actions
# --------------------------------------------------------------------------- #
def permute_elements(x: torch.Tensor, perm: Sequence[int] | torch.Tensor) -> torch.Tensor:
    r"""Reorder the elements of every set in a batch: :math:`(\rho(\sigma) x)_j = x_{\sigma(j)}`.

    Parameters
    ----------
    x : torch.Tensor of shape (N, L, ...)
        A batch of :math:`N` sets of :math:`L` elements.
    perm : sequence of int or torch.Tensor of shape (L,)
        A permutation :math:`\sigma` of ``0 .. L-1``.

    Returns
    -------
    torch.Tensor
        ``x[:, perm]``.

    Raises
    ------
    TypeError
        If ``x`` is not a tensor.
    ValueError
        If ``x`` has fewer than two dimensions or ``perm`` is not a
        permutation of its element axis.

    Examples
    --------
    >>> permute_elements(torch.arange(6.0).reshape(1, 3, 2), [2, 0, 1])[0, :, 0].tolist()
    [4.0, 0.0, 2.0]
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor of shape (N, L, ...); got {type(x).__name__}.")
    if x.ndim < 2:
        raise ValueError(f"x must have shape (N, L, ...), a batch of sets; got shape {tuple(x.shape)}.")
    p = torch.as_tensor(perm, dtype=torch.long)
    if p.ndim != 1 or sorted(p.tolist()) != list(range(x.shape[1])):
        raise ValueError(f"perm must be a permutation of 0 .. {x.shape[1] - 1} (the element axis); got {p.tolist()}.")
    return x[:, p.to(x.device)]


def cyclic_shift(x: torch.Tensor, shift: int | Sequence[int], dims: int | Sequence[int] = -1) -> torch.Tensor:
    r"""Translate a batch of signals or images circularly: :math:`(\rho(s) x)[t] = x[(t - s) \bmod T]`.

    Parameters
    ----------
    x : torch.Tensor
        E.g. ``(N, C, T)`` signals or ``(N, C, H, W)`` images.
    shift : int or sequence of int
        The translation along each axis of ``dims``.
    dims : int or sequence of int, default=-1
        The grid axes (never the batch axis 0).

    Returns
    -------
    torch.Tensor
        ``torch.roll(x, shift, dims)``.

    Raises
    ------
    TypeError
        If ``x`` is not a tensor or ``shift`` is not made of ints.
    ValueError
        If ``dims`` names the batch axis or an axis ``x`` does not have, or
        ``shift`` and ``dims`` differ in length.

    Examples
    --------
    >>> cyclic_shift(torch.arange(4.0).reshape(1, 4), 1).tolist()
    [[3.0, 0.0, 1.0, 2.0]]
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor; got {type(x).__name__}.")
    listed = [shift] if isinstance(shift, int) else shift
    if (
        not isinstance(shift, (int, Sequence))
        or isinstance(shift, (bool, str))
        or not all(isinstance(s, int) and not isinstance(s, bool) for s in listed)
    ):
        raise TypeError(f"shift must be an int or a sequence of ints; got {shift!r}.")
    shifts = [shift] if isinstance(shift, int) else list(shift)
    axes = [dims] if isinstance(dims, int) else list(dims)
    if len(shifts) != len(axes):
        raise ValueError(f"shift and dims must have the same length; got {shifts} and {axes}.")
    for d in axes:
        if not -x.ndim <= d < x.ndim or d % x.ndim == 0:
            raise ValueError(f"dims must name grid axes of x (shape {tuple(x.shape)}), not the batch axis 0; got {d}.")
    return torch.roll(x, shifts=shifts, dims=axes)


# --------------------------------------------------------------------------- #
# the two identities, measured
# --------------------------------------------------------------------------- #
def invariance_error(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, transform: Transform) -> float:
    r"""How far a model's output moves when the group acts on its input, relative to the output's size.

    .. math::

        e_{\mathrm{inv}} = \frac{\lVert f(\rho(g) x) - f(x) \rVert_F}{\lVert f(x) \rVert_F},

    0 (to float rounding, about :math:`10^{-7}` in float32) for a
    :math:`\mathfrak G`-invariant :math:`f`.

    Parameters
    ----------
    f : callable
        A model, ``f(x) -> tensor``; called without gradients (call
        ``model.eval()`` first for dropout or batch norm).
    x : torch.Tensor
        A batch of inputs.
    transform : callable
        :math:`\rho(g)`, e.g. ``lambda x: permute_elements(x, perm)``.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``f`` or ``transform`` is not callable, or ``x`` or an output is not a tensor.
    ValueError
        If ``transform`` changes the input's shape, ``f``'s outputs differ in
        shape, or ``f(x)`` is zero.

    Examples
    --------
    >>> x = torch.randn(4, 5, 3)
    >>> invariance_error(lambda s: s.sum(dim=1), x, lambda s: permute_elements(s, [4, 3, 2, 1, 0])) < 1e-6
    True
    """
    out, moved = _outputs(f, x, transform)
    return _relative(moved - out, out)


def equivariance_error(
    f: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    transform: Transform,
    output_transform: Transform | None = None,
) -> float:
    r"""How far a model is from commuting with the group action, relative to the output's size.

    .. math::

        e_{\mathrm{eq}} = \frac{\lVert f(\rho(g) x) - \rho'(g) f(x) \rVert_F}{\lVert f(x) \rVert_F},

    0 for a :math:`\mathfrak G`-equivariant :math:`f`; :math:`\rho'` acts on
    the output (by default the same action as on the input, e.g. a shift of
    a convolution's feature map).

    Parameters
    ----------
    f, x, transform
        As in :func:`invariance_error`.
    output_transform : callable, optional
        :math:`\rho'(g)`; default ``transform``.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        As :func:`invariance_error`; also if ``output_transform`` changes the
        output's shape.

    Examples
    --------
    >>> x = torch.randn(2, 1, 16)
    >>> conv = torch.nn.Conv1d(1, 3, 5, padding=2, padding_mode="circular")
    >>> equivariance_error(conv, x, lambda s: cyclic_shift(s, 3)) < 1e-5
    True
    """
    out, moved = _outputs(f, x, transform)
    rho = transform if output_transform is None else output_transform
    if not callable(rho):
        raise TypeError(f"output_transform must be callable; got {type(rho).__name__}.")
    expected = rho(out)
    if not isinstance(expected, torch.Tensor) or expected.shape != out.shape:
        raise ValueError(
            "the output transform must return a tensor of the output's shape "
            f"{tuple(out.shape)}; got {getattr(expected, 'shape', type(expected).__name__)}."
        )
    return _relative(moved - expected, out)


def equivariance_map(
    f: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    transform: Transform,
    output_transform: Transform | None = None,
) -> torch.Tensor:
    r"""Where the equivariance error sits: :math:`|f(\rho(g) x) - \rho'(g) f(x)|` averaged over batch and channels.

    Parameters
    ----------
    f, x, transform, output_transform
        As in :func:`equivariance_error`; ``f`` returns ``(N, C, ...)``.

    Returns
    -------
    torch.Tensor
        The mean absolute error at each grid position of the output, shape
        ``f(x).shape[2:]``.

    Raises
    ------
    TypeError, ValueError
        As :func:`equivariance_error`; also if the output has fewer than three axes.

    Examples
    --------
    >>> conv = torch.nn.Conv1d(1, 2, 3, padding=1)            # zero padding
    >>> err = equivariance_map(conv, torch.randn(8, 1, 10), lambda s: cyclic_shift(s, 1))
    >>> bool(err[2:-2].max() < 1e-5), err.shape
    (True, torch.Size([10]))
    """
    out, moved = _outputs(f, x, transform)
    rho = transform if output_transform is None else output_transform
    expected = rho(out)
    if out.ndim < 3:
        raise ValueError(f"f must return (N, C, ...) feature maps for an error map; got shape {tuple(out.shape)}.")
    if not isinstance(expected, torch.Tensor) or expected.shape != out.shape:
        raise ValueError(f"the output transform must keep the output's shape {tuple(out.shape)}.")
    return (moved - expected).abs().mean(dim=(0, 1))


# --------------------------------------------------------------------------- #
# a permutation-invariant model
# --------------------------------------------------------------------------- #
class DeepSets(nn.Module):
    r"""A set model, :math:`f(\{x_1, \dots, x_L\}) = \rho\big(\sum_{j=1}^L \phi(x_j)\big)`.

    :math:`\phi` and :math:`\rho` are MLPs with one hidden ReLU layer. The sum
    over elements does not depend on their order, so :math:`f` is
    permutation-invariant for any weights (Zaheer et al. 2017, Theorem 2: on
    countable sets every invariant function has this form).

    Parameters
    ----------
    in_dim : int
        Size of one element.
    out_dim : int
        Output size (e.g. the number of classes).
    hidden : int, default=32
        Width of :math:`\phi`'s and :math:`\rho`'s hidden layers and of the pooled code.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive int.

    Examples
    --------
    >>> net = DeepSets(3, 2)
    >>> x = torch.randn(5, 4, 3)
    >>> torch.allclose(net(x), net(permute_elements(x, [3, 1, 0, 2])), atol=1e-6)
    True
    """

    def __init__(self, in_dim: int, out_dim: int, *, hidden: int = 32) -> None:
        super().__init__()
        d = check_positive_int(in_dim, "in_dim")
        o = check_positive_int(out_dim, "out_dim")
        h = check_positive_int(hidden, "hidden")
        self.phi = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, h))
        self.rho = nn.Sequential(nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, o))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.rho(self.phi(x).sum(dim=1))


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _outputs(
    f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, transform: Transform
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(f(x), f(transform(x)))`` after checking the types and shapes, without gradients."""
    if not callable(f):
        raise TypeError(f"f must be callable (a model); got {type(f).__name__}.")
    if not callable(transform):
        raise TypeError(f"transform must be callable; got {type(transform).__name__}.")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor; got {type(x).__name__}.")
    if isinstance(f, nn.Module):  # evaluate where the model lives
        x = x.to(next((p.device for p in f.parameters()), x.device))
    with torch.no_grad():
        moved_x = transform(x)
        if not isinstance(moved_x, torch.Tensor) or moved_x.shape != x.shape:
            raise ValueError(
                f"transform must return a tensor of the input's shape {tuple(x.shape)}; got "
                f"{getattr(moved_x, 'shape', type(moved_x).__name__)}."
            )
        out, moved = f(x), f(moved_x)
    if not isinstance(out, torch.Tensor) or not isinstance(moved, torch.Tensor):
        raise TypeError("f must return a torch.Tensor.")
    if out.shape != moved.shape:
        raise ValueError(
            f"f returned shapes {tuple(out.shape)} and {tuple(moved.shape)} for the input and the "
            "transformed input; they must agree."
        )
    return out, moved


def _relative(diff: torch.Tensor, ref: torch.Tensor) -> float:
    norm = float(ref.double().norm())
    if norm == 0.0:
        raise ValueError("f(x) is zero, so a relative error is undefined; use another input or model.")
    return float(diff.double().norm()) / norm
