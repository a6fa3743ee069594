"""Deep CCA (Andrew et al. 2013): nonlinear encoders trained so that linear CCA of their outputs is maximal.

Linear CCA can only find correlations between *linear* functions of the
modalities. Deep CCA puts an encoder in front of each modality and trains
both to maximise the total canonical correlation of the encoded pair, a
differentiable function of the batch covariances (:func:`cca_objective`).

Used by ``lectures/1_representation/06_coordinated_representations.ipynb``.

References
----------
Andrew, G., Arora, R., Bilmes, J. and Livescu, K. Deep canonical correlation
analysis. ICML 2013.
Wang, W., Arora, R., Livescu, K. and Bilmes, J. On deep multi-view
representation learning. ICML 2015.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_scalar
from mmlab.coordination._contrastive import PairedEncoders, _check_two_dims, eval_numpy, mlp
from mmlab.coordination._training import train_objective

__all__ = ["DeepCCA", "cca_objective", "fit_deep_cca"]


def cca_objective(
    ha: torch.Tensor, hb: torch.Tensor, *, n_components: int | None = None, reg: float = 1e-3
) -> torch.Tensor:
    r"""The sum of the top canonical correlations of two batches of features, differentiable.

    With centred batch covariances :math:`\Sigma_{AA} + rI`,
    :math:`\Sigma_{BB} + rI`, :math:`\Sigma_{AB}` (divided by :math:`n - 1`),

    .. math::

        \operatorname{corr}(H_A, H_B) = \sum_{k=1}^{K} \sigma_k\big(T\big), \qquad
        T = (\Sigma_{AA} + rI)^{-1/2}\, \Sigma_{AB}\, (\Sigma_{BB} + rI)^{-1/2},

    the sum of the :math:`K` largest singular values of :math:`T`: the total
    canonical correlation of deep CCA (all of them when ``n_components`` is
    None, the trace norm of :math:`T`). Maximise it (minimise its negative).

    Parameters
    ----------
    ha : torch.Tensor of shape (n, p)
    hb : torch.Tensor of shape (n, q)
    n_components : int, optional
        :math:`K`; default :math:`\min(p, q)`.
    reg : float, default=1e-3
        :math:`r > 0`, keeps the inverse square roots stable.

    Returns
    -------
    torch.Tensor
        A scalar in :math:`[0, K]`.

    Raises
    ------
    TypeError
        If an input is not a floating-point tensor.
    ValueError
        If the inputs are not 2-D and paired, hold fewer than 2 rows, or
        ``n_components`` exceeds :math:`\min(p, q)`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import cca_objective
    >>> h = torch.randn(200, 3, generator=torch.Generator().manual_seed(0))
    >>> round(float(cca_objective(h, 2 * h + 1, reg=1e-6)), 3)  # identical up to an affine map
    3.0
    """
    for name, h in (("ha", ha), ("hb", hb)):
        if not isinstance(h, torch.Tensor) or not h.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor; got {type(h).__name__}.")
        if h.ndim != 2:
            raise ValueError(f"{name} must have shape (n, features); got {tuple(h.shape)}.")
    if ha.shape[0] != hb.shape[0] or ha.shape[0] < 2:
        raise ValueError(
            f"ha and hb must hold the same number (>= 2) of paired rows; got {ha.shape[0]} and {hb.shape[0]}."
        )
    k_max = min(ha.shape[1], hb.shape[1])
    k = k_max if n_components is None else check_positive_int(n_components, "n_components")
    if k > k_max:
        raise ValueError(f"n_components must be at most min(p, q) = {k_max}; got {k}.")
    r = check_scalar(reg, "reg", min_val=0, include_boundaries="neither")
    n = ha.shape[0]
    ha, hb = ha - ha.mean(dim=0), hb - hb.mean(dim=0)
    eye_a = torch.eye(ha.shape[1], dtype=ha.dtype, device=ha.device)
    eye_b = torch.eye(hb.shape[1], dtype=hb.dtype, device=hb.device)
    saa = ha.T @ ha / (n - 1) + r * eye_a
    sbb = hb.T @ hb / (n - 1) + r * eye_b
    sab = ha.T @ hb / (n - 1)
    t = _inv_sqrt(saa) @ sab @ _inv_sqrt(sbb)  # T
    return torch.linalg.svdvals(t)[:k].sum()


class DeepCCA(PairedEncoders):
    r"""Two MLP encoders trained with :func:`cca_objective` (deep CCA).

    .. math::

        \max_{f_A, f_B} \operatorname{corr}\big(f_A(X_A), f_B(X_B)\big)

    with the total canonical correlation of :func:`cca_objective`. After
    training, fit a linear :class:`~mmlab.coordination.CCA` on the encoded
    training data to get the canonical directions, and score it on held-out
    encoded data.

    Parameters
    ----------
    in_dims : sequence of int
        Feature sizes of the two modalities.
    out_dim : int, default=4
        Size of each encoder's output.
    hidden : int, default=64
    n_layers : int, default=2
        Hidden layers (tanh) per encoder.

    Raises
    ------
    TypeError, ValueError
        On bad sizes; on inputs that are not two paired ``(n, d_m)`` tensors.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import DeepCCA
    >>> DeepCCA([3, 5], out_dim=2)([torch.randn(4, 3), torch.randn(4, 5)]).shape
    torch.Size([2, 4, 2])
    """

    def __init__(self, in_dims: Sequence[int], *, out_dim: int = 4, hidden: int = 64, n_layers: int = 2) -> None:
        super().__init__()
        self.in_dims = _check_two_dims(in_dims)
        self.out_dim = check_positive_int(out_dim, "out_dim")
        self.encoders = nn.ModuleList(
            mlp(d, out_dim, hidden=hidden, n_layers=n_layers, activation=nn.Tanh) for d in self.in_dims
        )

    @torch.no_grad()
    def transform(self, xs: Sequence[torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
        """The encoded modalities as NumPy arrays, ``(n, out_dim)`` each.

        Raises
        ------
        TypeError, ValueError
            On inputs that are not two paired ``(n, d_m)`` tensors.
        """
        h = eval_numpy(self, xs)
        return h[0], h[1]


def fit_deep_cca(
    model: nn.Module,
    xs: Sequence[torch.Tensor],
    *,
    epochs: int,
    batch_size: int = 250,
    n_components: int | None = None,
    reg: float = 1e-3,
    lr: float = 3e-3,
    random_state: RandomState = 0,
) -> list[float]:
    """Train a :class:`DeepCCA` by minimising minus :func:`cca_objective` on mini-batches; return the losses.

    Batches must be large enough to estimate the covariances (a few hundred
    samples for a handful of output dimensions).

    Raises
    ------
    TypeError, ValueError
        As :func:`~mmlab.coordination.train_objective` and :func:`cca_objective`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import DeepCCA, fit_deep_cca
    >>> x = torch.randn(200, 3, generator=torch.Generator().manual_seed(0))
    >>> losses = fit_deep_cca(DeepCCA([3, 3], out_dim=2), [x, x.flip(1)], epochs=2, batch_size=100)
    >>> len(losses)
    4
    """
    check_scalar(reg, "reg", min_val=0, include_boundaries="neither")

    def objective(batch: list[torch.Tensor]) -> torch.Tensor:
        h = model(batch)
        return -cca_objective(h[0], h[1], n_components=n_components, reg=reg)

    return train_objective(model, objective, xs, epochs=epochs, batch_size=batch_size, lr=lr, random_state=random_state)


def _inv_sqrt(s: torch.Tensor) -> torch.Tensor:
    w, v = torch.linalg.eigh(s)
    return (v * w.clamp_min(1e-12).rsqrt()) @ v.T
