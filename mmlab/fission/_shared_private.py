"""Representation fission: one shared and one private code per modality, with reconstruction and an overlap penalty.

Fission splits each modality :math:`m` into a code :math:`s_m` of what it
shares with the other modality and a code :math:`p_m` of what is its own.
Three losses shape the split (:class:`SharedPrivateModel`):

- **alignment**: the shared codes of a pair must find each other among the
  batch (InfoNCE), so they can only hold what both modalities know;
- **reconstruction**: each modality is rebuilt from the *other* modality's
  shared code and its own private code, so the private code must keep what
  the other modality cannot supply;
- **overlap penalty**: a kernel dependence measure (:func:`kernel_dependence`,
  RBF centred kernel alignment) between a modality's private code and the
  other modality's shared code, and between its shared and private codes,
  pushes the codes apart, nonlinear dependence included (a linear
  orthogonality penalty leaves the shared factor readable in the private code).

Used by ``lectures/1_representation/08_representation_fission.ipynb``.

References
----------
Bousmalis, K., Trigeorgis, G., Silberman, N., Krishnan, D. and Erhan, D.
Domain separation networks. NeurIPS 2016 (shared and private encoders, a
difference loss and a reconstruction loss).
Tsai, Y.-H. H., Liang, P. P., Zadeh, A., Morency, L.-P. and Salakhutdinov, R.
Learning factorized multimodal representations. ICLR 2019.
Gretton, A., Bousquet, O., Smola, A. and Schölkopf, B. Measuring statistical
dependence with Hilbert-Schmidt norms. ALT 2005 (HSIC).
Kornblith, S., Norouzi, M., Lee, H. and Hinton, G. Similarity of neural
network representations revisited. ICML 2019 (CKA).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from mmlab._validation import RandomState, check_modalities, check_positive_int, check_scalar
from mmlab.coordination._contrastive import _check_two_dims, eval_numpy, info_nce, mlp
from mmlab.coordination._training import train_objective

__all__ = ["CODE_NAMES", "SharedPrivateModel", "fit_fission", "kernel_dependence"]

#: The four codes of a two-modality fission model, in the order :class:`SharedPrivateModel` returns them.
CODE_NAMES: tuple[str, ...] = ("shared_0", "shared_1", "private_0", "private_1")


def kernel_dependence(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""RBF centred kernel alignment between two batches of codes: 0 for independent, 1 for identical geometry.

    .. math::

        \operatorname{CKA}(X, Y) = \frac{\langle H K H, H L H\rangle_F}{\lVert H K H\rVert_F\, \lVert H L H\rVert_F},
        \qquad K_{ij} = e^{-\lVert x_i - x_j\rVert^2 / \operatorname{med}},

    with :math:`H = I - \tfrac1n \mathbf 1 \mathbf 1^\top`, Gaussian kernels whose
    bandwidth is the median squared distance of the batch, and :math:`L` built
    the same way from :math:`Y`. It is the normalised Hilbert-Schmidt
    independence criterion (HSIC): with characteristic kernels, HSIC is 0
    only if the codes are independent, so it also sees nonlinear dependence.

    Parameters
    ----------
    x : torch.Tensor of shape (n, p)
    y : torch.Tensor of shape (n, q)

    Returns
    -------
    torch.Tensor
        A scalar in [0, 1], differentiable.

    Raises
    ------
    TypeError
        If an input is not a floating-point tensor.
    ValueError
        If the inputs are not 2-D with the same number (>= 2) of rows.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fission import kernel_dependence
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(200, 2, generator=g)
    >>> round(float(kernel_dependence(x, 3 * x)), 3), bool(kernel_dependence(x, torch.randn(200, 2, generator=g)) < 0.1)
    (1.0, True)
    """
    for name, z in (("x", x), ("y", y)):
        if not isinstance(z, torch.Tensor) or not z.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor; got {type(z).__name__}.")
        if z.ndim != 2:
            raise ValueError(f"{name} must have shape (n, features); got {tuple(z.shape)}.")
    if x.shape[0] != y.shape[0] or x.shape[0] < 2:
        raise ValueError(f"x and y must hold the same number (>= 2) of paired rows; got {x.shape[0]} and {y.shape[0]}.")
    k, l_ = _centred_rbf(x), _centred_rbf(y)
    return (k * l_).sum() / (k.norm() * l_.norm() + 1e-12)


class SharedPrivateModel(nn.Module):
    r"""Shared and private encoders for two modalities, with cross-reconstruction decoders.

    .. math::

        s_m = E^s_m(x_m), \quad p_m = E^p_m(x_m), \qquad
        \hat x_A = D_A([s_B; p_A]), \quad \hat x_B = D_B([s_A; p_B]),

    and the loss

    .. math::

        \mathcal L = \underbrace{\textstyle\sum_m \lVert \hat x_m - x_m \rVert^2}_{\text{reconstruction}}
        + \underbrace{\operatorname{InfoNCE}(s_A, s_B)}_{\text{alignment}}
        + \lambda \underbrace{\textstyle\sum_{m \ne m'} \big[\operatorname{CKA}(p_m, \bar s_{m'})
          + \operatorname{CKA}(s_m, \bar p_m)\big]}_{\text{overlap}},

    where a bar stops the gradient (the penalty moves the code on the left
    only) and CKA is :func:`kernel_dependence`.

    Parameters
    ----------
    in_dims : sequence of int
    code_dim : int, default=4
        Size of each of the four codes; small codes leave little room for
        stray information.
    hidden : int, default=64
    overlap : float, default=1.0
        :math:`\lambda \ge 0` (0 switches the penalty off).
    temperature : float, default=0.1
        Of the alignment's InfoNCE.

    Raises
    ------
    TypeError, ValueError
        On bad sizes or options; on inputs that are not two paired ``(n, d_m)`` tensors.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fission import SharedPrivateModel
    >>> model = SharedPrivateModel([5, 6], code_dim=2)
    >>> codes = model([torch.randn(8, 5), torch.randn(8, 6)])
    >>> tuple(codes.shape), sorted(model.losses([torch.randn(8, 5), torch.randn(8, 6)]))
    ((4, 8, 2), ['alignment', 'overlap', 'reconstruction'])
    """

    def __init__(
        self,
        in_dims: Sequence[int],
        *,
        code_dim: int = 4,
        hidden: int = 64,
        overlap: float = 1.0,
        temperature: float = 0.1,
    ) -> None:
        super().__init__()
        self.in_dims = _check_two_dims(in_dims)
        self.code_dim = check_positive_int(code_dim, "code_dim")
        self.overlap = check_scalar(overlap, "overlap", min_val=0)
        self.temperature = check_scalar(temperature, "temperature", min_val=0, include_boundaries="neither")
        self.shared = nn.ModuleList(mlp(d, code_dim, hidden=hidden) for d in self.in_dims)  # E^s_m
        self.private = nn.ModuleList(mlp(d, code_dim, hidden=hidden) for d in self.in_dims)  # E^p_m
        self.decoders = nn.ModuleList(mlp(2 * code_dim, d, hidden=hidden) for d in self.in_dims)  # D_m

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = check_modalities(xs, n_modalities=2, dims=self.in_dims, floating=True)
        s = [e(x) for e, x in zip(self.shared, xs, strict=True)]
        p = [e(x) for e, x in zip(self.private, xs, strict=True)]
        return torch.stack([s[0], s[1], p[0], p[1]])  # CODE_NAMES

    def losses(self, xs: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        """The three terms of the loss on one batch (reconstruction, alignment, overlap before weighting).

        Raises
        ------
        TypeError, ValueError
            On inputs that are not two paired ``(n, d_m)`` tensors.
        """
        s0, s1, p0, p1 = self(xs)
        rec = (
            F.mse_loss(self.decoders[0](torch.cat([s1, p0], dim=1)), xs[0])  # x_A from [s_B; p_A]
            + F.mse_loss(self.decoders[1](torch.cat([s0, p1], dim=1)), xs[1])
        )  # x_B from [s_A; p_B]
        align = info_nce(s0, s1, temperature=self.temperature)
        over = (
            kernel_dependence(p0, s1.detach())
            + kernel_dependence(p1, s0.detach())
            + kernel_dependence(s0, p0.detach())
            + kernel_dependence(s1, p1.detach())
        )
        return {"reconstruction": rec, "alignment": align, "overlap": over}

    def loss(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The weighted total :math:`\\mathcal L` on one batch.

        Raises
        ------
        TypeError, ValueError
            On inputs that are not two paired ``(n, d_m)`` tensors.
        """
        parts = self.losses(xs)
        total = parts["reconstruction"] + parts["alignment"]
        return total + self.overlap * parts["overlap"] if self.overlap > 0 else total

    @torch.no_grad()
    def codes(self, xs: Sequence[torch.Tensor]) -> dict[str, np.ndarray]:
        """The four codes as NumPy arrays, keyed by :data:`CODE_NAMES`, in evaluation mode.

        Raises
        ------
        TypeError, ValueError
            On inputs that are not two paired ``(n, d_m)`` tensors.
        """
        return dict(zip(CODE_NAMES, eval_numpy(self, xs), strict=True))


def fit_fission(
    model: SharedPrivateModel,
    xs: Sequence[torch.Tensor],
    *,
    epochs: int,
    batch_size: int = 128,
    lr: float = 3e-3,
    random_state: RandomState = 0,
) -> list[float]:
    """Train a :class:`SharedPrivateModel` on paired data; return the loss of every step.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`SharedPrivateModel`.
    ValueError
        As :func:`~mmlab.coordination.train_objective`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fission import SharedPrivateModel, fit_fission
    >>> x = torch.randn(64, 4, generator=torch.Generator().manual_seed(0))
    >>> len(fit_fission(SharedPrivateModel([4, 4], code_dim=2), [x, x], epochs=2, batch_size=32))
    4
    """
    if not isinstance(model, SharedPrivateModel):
        raise TypeError(f"model must be a SharedPrivateModel; got {type(model).__name__}.")
    return train_objective(
        model, model.loss, xs, epochs=epochs, batch_size=batch_size, lr=lr, random_state=random_state
    )


def _centred_rbf(x: torch.Tensor) -> torch.Tensor:
    """H K H for a Gaussian kernel with the median squared distance as bandwidth."""
    d2 = torch.cdist(x, x).pow(2)
    bandwidth = d2.detach().median().clamp_min(1e-6)
    k = torch.exp(-d2 / bandwidth)
    return k - k.mean(dim=0, keepdim=True) - k.mean(dim=1, keepdim=True) + k.mean()
