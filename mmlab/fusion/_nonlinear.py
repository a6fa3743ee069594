"""Nonlinear fusion: a multilayer perceptron over the concatenated modalities."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_positive_int, check_size
from mmlab.fusion._base import Fusion

__all__ = ["MLPFusion"]


class MLPFusion(Fusion):
    r"""Nonlinear fusion: a multilayer perceptron over the concatenated modalities.

    .. math::

        z = W_L\, \sigma\big(\cdots \sigma(W_1 [x_1; \dots; x_M] + b_1) \cdots\big) + b_L ,

    with :math:`\sigma` = ReLU. It can represent any interaction, but nothing
    forces it to: whether it learns one is an empirical question (EMAP,
    second-order gradients; :mod:`mmlab.quantify`).

    Parameters
    ----------
    in_dims : sequence of int
    out_dim : int
    hidden : int, default=64
        Width of each hidden layer.
    n_layers : int, default=1
        Number of hidden layers.

    Notes
    -----
    Parameters: :math:`(\sum_i d_i + 1) h + (L-1)(h + 1) h + (h + 1) d_{out}`.

    Raises
    ------
    TypeError, ValueError
        As :class:`~mmlab.fusion.Fusion`; also if ``hidden`` or ``n_layers`` is
        not an integer >= 1.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import MLPFusion, n_params
    >>> fuse = MLPFusion([3, 5], 4, hidden=8)
    >>> fuse([torch.zeros(2, 3), torch.zeros(2, 5)]).shape, n_params(fuse) == (8 + 1) * 8 + (8 + 1) * 4
    (torch.Size([2, 4]), True)
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int, *, hidden: int = 64, n_layers: int = 1) -> None:
        super().__init__(in_dims, out_dim, min_modalities=1)
        self.net = _mlp(
            sum(self.in_dims),
            self.out_dim,
            hidden=check_positive_int(hidden, "hidden"),
            n_layers=check_positive_int(n_layers, "n_layers"),
            name=f"MLPFusion(in_dims={list(self.in_dims)}, out_dim={self.out_dim}, hidden={hidden})",
        )

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        return self.net(torch.cat(xs, dim=1))


def _mlp(in_dim: int, out_dim: int, *, hidden: int, n_layers: int, name: str = "an MLP") -> nn.Sequential:
    """``n_layers`` hidden ReLU layers of width ``hidden``, then a linear output layer (size-checked first)."""
    widths = [in_dim] + [hidden] * n_layers + [out_dim]
    check_size(
        sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:], strict=True)),
        name,
        what="parameters",
        detail="sum over layers of (width_in + 1) * width_out",
        remedy="Lower hidden or the input sizes.",
    )
    layers: list[nn.Module] = []
    width = in_dim
    for _ in range(n_layers):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    layers.append(nn.Linear(width, out_dim))
    return nn.Sequential(*layers)
