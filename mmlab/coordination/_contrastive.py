r"""Contrastive coordination: InfoNCE and a CLIP-style dual encoder for paired modalities.

Two encoders map their modalities into one space; in every batch of
:math:`N` pairs, each sample of modality A must pick its own partner among
the :math:`N` samples of modality B (and vice versa). The loss is InfoNCE,
a cross-entropy over the similarity matrix, whose minimum bounds the mutual
information between the modalities from below: :math:`I(A; B) \ge \log N -
\mathcal L_N`.

Used by ``lectures/1_representation/07_contrastive_learning.ipynb`` and
``labs/1_representation/03_coordination.ipynb``.

References
----------
van den Oord, A., Li, Y. and Vinyals, O. Representation learning with
contrastive predictive coding. arXiv:1807.03748, 2018 (InfoNCE and its bound).
Radford, A. et al. Learning transferable visual models from natural language
supervision. ICML 2021 (CLIP's symmetric loss).
Faghri, F., Fleet, D. J., Kiros, J. R. and Fidler, S. VSE++: improving
visual-semantic embeddings with hard negatives. BMVC 2018.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from mmlab._validation import RandomState, check_modalities, check_positive_int, check_scalar
from mmlab.coordination._training import train_objective

__all__ = ["DualEncoder", "fit_contrastive", "info_nce", "info_nce_bound"]


def info_nce(
    za: torch.Tensor, zb: torch.Tensor, *, temperature: float = 0.1, normalize: bool = True, symmetric: bool = True
) -> torch.Tensor:
    r"""The InfoNCE loss of a batch of paired embeddings (CLIP's loss when symmetric).

    With similarities :math:`s_{ij} = \langle z^A_i, z^B_j\rangle / \tau`
    (cosines when ``normalize``, after scaling every row to unit norm),

    .. math::

        \mathcal L_{A \to B} = -\frac{1}{N} \sum_{i=1}^{N} \log
            \frac{e^{s_{ii}}}{\sum_{j=1}^{N} e^{s_{ij}}}, \qquad
        \mathcal L = \tfrac{1}{2}\big(\mathcal L_{A \to B} + \mathcal L_{B \to A}\big),

    a cross-entropy in which row :math:`i` must pick column :math:`i` among
    :math:`N` candidates (the other :math:`N - 1` are the *negatives*).
    :math:`\mathcal L_{B \to A}` does the same over columns.

    Parameters
    ----------
    za, zb : torch.Tensor of shape (N, d)
        Row :math:`i` of ``za`` and of ``zb`` is a pair.
    temperature : float, default=0.1
        :math:`\tau > 0`.
    normalize : bool, default=True
        Cosine (True) or dot-product (False) similarity.
    symmetric : bool, default=True
        Average both directions (False: :math:`\mathcal L_{A \to B}` only).

    Returns
    -------
    torch.Tensor
        A scalar, differentiable.

    Raises
    ------
    TypeError
        If an input is not a floating-point tensor.
    ValueError
        If the inputs are not 2-D with the same shape, or ``temperature`` is not positive.

    See Also
    --------
    info_nce_bound : the mutual-information bound :math:`\log N - \mathcal L`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import info_nce
    >>> z = torch.eye(4)
    >>> round(float(info_nce(z, z, temperature=0.1)), 4)  # near-perfect pairs: close to 0
    0.0001
    >>> round(float(info_nce(torch.ones(4, 2), torch.ones(4, 2))), 4)  # all equal: log 4
    1.3863
    """
    _check_embeddings(za, zb)
    tau = check_scalar(temperature, "temperature", min_val=0, include_boundaries="neither")
    if normalize:
        za, zb = F.normalize(za, dim=1), F.normalize(zb, dim=1)
    logits = za @ zb.T / tau  # s_ij
    target = torch.arange(za.shape[0], device=za.device)
    loss = F.cross_entropy(logits, target)  # L_{A -> B}
    if symmetric:
        loss = 0.5 * (loss + F.cross_entropy(logits.T, target))  # + L_{B -> A}
    return loss


def info_nce_bound(loss: float | torch.Tensor, batch_size: int) -> float:
    r"""The InfoNCE lower bound on mutual information, :math:`\log N - \mathcal L_N`, in nats.

    For an InfoNCE loss :math:`\mathcal L_N` over batches of :math:`N` pairs,
    :math:`I(A; B) \ge \log N - \mathcal L_N`. Since the loss is never
    negative, the bound can never exceed :math:`\log N`: with few negatives it
    saturates far below the true mutual information.

    Parameters
    ----------
    loss : float or scalar tensor
        An InfoNCE loss (one direction, or the symmetric average).
    batch_size : int
        :math:`N`.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``batch_size`` is not an int or ``loss`` not a number.
    ValueError
        If ``batch_size`` < 2 or ``loss`` is negative or not finite.

    Examples
    --------
    >>> from mmlab.coordination import info_nce_bound
    >>> round(info_nce_bound(0.0, 4), 4)  # the ceiling log 4
    1.3863
    """
    n = check_positive_int(batch_size, "batch_size", minimum=2)
    value = float(loss.detach()) if isinstance(loss, torch.Tensor) else loss
    value = check_scalar(value, "loss", min_val=0)
    return math.log(n) - value


class PairedEncoders(nn.Module):
    """Base of the two-tower models: ``encoders[m]`` maps modality ``m``; called on ``[x_a, x_b]``, stacked outputs.

    Subclasses set ``in_dims`` (the two feature sizes) and ``encoders`` (an
    ``nn.ModuleList`` of two modules with the same output width) in ``__init__``.
    """

    in_dims: tuple[int, int]
    encoders: nn.ModuleList

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The two encodings stacked, shape ``(2, batch, width)``.

        Raises
        ------
        TypeError, ValueError
            On inputs that are not two paired ``(batch, d_m)`` floating tensors of widths ``in_dims``.
        """
        xs = check_modalities(xs, n_modalities=2, dims=self.in_dims, floating=True)
        return torch.stack([f(x) for f, x in zip(self.encoders, xs, strict=True)])


@torch.no_grad()
def eval_numpy(model: nn.Module, xs: Sequence[torch.Tensor]) -> np.ndarray:
    """``model(xs)`` as a NumPy array, computed without gradients in evaluation mode; the model's mode is restored.

    Examples
    --------
    >>> import torch
    >>> drop = torch.nn.Dropout(0.5)
    >>> eval_numpy(drop, torch.ones(3)).tolist(), drop.training
    ([1.0, 1.0, 1.0], True)
    """
    was = model.training
    model.eval()
    out = model(xs).cpu().numpy()
    model.train(was)
    return out


class DualEncoder(PairedEncoders):
    r"""Two MLP encoders, one per modality, into one embedding space (a CLIP-style dual encoder).

    .. math::

        z^A = f_A(x_A), \qquad z^B = f_B(x_B), \qquad z^A, z^B \in \mathbb R^{d},

    with :math:`f_m` an MLP (ReLU hidden layers). Called on ``[x_a, x_b]`` it
    returns the stacked embeddings, shape ``(2, batch, d)``; train it with
    :func:`fit_contrastive`.

    Parameters
    ----------
    in_dims : sequence of int
        Feature sizes of the two modalities.
    embed_dim : int, default=32
        :math:`d`.
    hidden : int, default=64
    n_layers : int, default=1
        Hidden layers per encoder.

    Raises
    ------
    TypeError, ValueError
        On bad sizes; on inputs that are not two paired ``(batch, d_m)`` tensors.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import DualEncoder
    >>> DualEncoder([3, 5], embed_dim=4)([torch.randn(2, 3), torch.randn(2, 5)]).shape
    torch.Size([2, 2, 4])
    """

    def __init__(self, in_dims: Sequence[int], *, embed_dim: int = 32, hidden: int = 64, n_layers: int = 1) -> None:
        super().__init__()
        self.in_dims = _check_two_dims(in_dims)
        self.embed_dim = check_positive_int(embed_dim, "embed_dim")
        self.encoders = nn.ModuleList(mlp(d, embed_dim, hidden=hidden, n_layers=n_layers) for d in self.in_dims)

    @torch.no_grad()
    def embed(self, xs: Sequence[torch.Tensor]) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings of both modalities as NumPy arrays, ``(n, d)`` each, in evaluation mode.

        Raises
        ------
        TypeError, ValueError
            On inputs that are not two paired ``(n, d_m)`` tensors.
        """
        z = eval_numpy(self, xs)
        return z[0], z[1]


def fit_contrastive(
    model: nn.Module,
    xs: Sequence[torch.Tensor],
    *,
    epochs: int | None = None,
    steps: int | None = None,
    batch_size: int = 128,
    temperature: float = 0.1,
    normalize: bool = True,
    lr: float = 3e-3,
    random_state: RandomState = 0,
) -> list[float]:
    """Train a model whose call on ``[x_a, x_b]`` returns stacked embeddings with :func:`info_nce`.

    Parameters
    ----------
    model : torch.nn.Module
        E.g. :class:`DualEncoder` or :class:`~mmlab.coordination.GatedCoordination`:
        ``model([xa, xb])`` returns ``(2, batch, d)``.
    xs : sequence of two torch.Tensor
        Paired training data.
    epochs, steps : int
        Exactly one: passes over the data, or gradient steps (to compare batch
        sizes at equal steps).
    batch_size : int, default=128
        :math:`N`: each pair meets :math:`N - 1` negatives per step.
    temperature, normalize
        As :func:`info_nce`.
    lr : float, default=3e-3
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the batch order.

    Returns
    -------
    list of float
        The loss of every step.

    Raises
    ------
    TypeError, ValueError
        As :func:`~mmlab.coordination.train_objective` and :func:`info_nce`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import DualEncoder, fit_contrastive
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(64, 4, generator=g)
    >>> losses = fit_contrastive(DualEncoder([4, 4], embed_dim=8), [x, x + 0.1], steps=20, batch_size=16)
    >>> losses[-1] < losses[0]
    True
    """
    check_scalar(temperature, "temperature", min_val=0, include_boundaries="neither")

    def objective(batch: list[torch.Tensor]) -> torch.Tensor:
        z = model(batch)
        return info_nce(z[0], z[1], temperature=temperature, normalize=normalize)

    return train_objective(
        model, objective, xs, epochs=epochs, steps=steps, batch_size=batch_size, lr=lr, random_state=random_state
    )


# --------------------------------------------------------------------------- #
# helpers shared by the coordination modules
# --------------------------------------------------------------------------- #
def mlp(
    in_dim: int, out_dim: int, *, hidden: int = 64, n_layers: int = 1, activation: type[nn.Module] = nn.ReLU
) -> nn.Sequential:
    """``n_layers`` hidden layers of width ``hidden`` with ``activation``, then a linear output layer."""
    in_dim, out_dim = check_positive_int(in_dim, "in_dim"), check_positive_int(out_dim, "out_dim")
    hidden = check_positive_int(hidden, "hidden")
    n_layers = check_positive_int(n_layers, "n_layers", minimum=0)
    layers: list[nn.Module] = []
    width = in_dim
    for _ in range(n_layers):
        layers += [nn.Linear(width, hidden), activation()]
        width = hidden
    layers.append(nn.Linear(width, out_dim))
    return nn.Sequential(*layers)


def _check_embeddings(za: torch.Tensor, zb: torch.Tensor) -> None:
    for name, z in (("za", za), ("zb", zb)):
        if not isinstance(z, torch.Tensor) or not z.is_floating_point():
            raise TypeError(
                f"{name} must be a floating-point torch.Tensor of shape (N, d); got "
                f"{type(z).__name__}{'' if not isinstance(z, torch.Tensor) else ' ' + str(z.dtype)}."
            )
        if z.ndim != 2:
            raise ValueError(f"{name} must have shape (N, d), one embedding per row; got shape {tuple(z.shape)}.")
    if za.shape != zb.shape:
        raise ValueError(
            f"za and zb must hold paired embeddings of the same shape; got {tuple(za.shape)} and {tuple(zb.shape)}."
        )


def _check_two_dims(in_dims: Sequence[int]) -> tuple[int, int]:
    if isinstance(in_dims, (str, bytes, torch.Tensor)) or not isinstance(in_dims, Sequence) or len(in_dims) != 2:
        raise TypeError(f"in_dims must give the feature sizes of the two modalities, e.g. [16, 16]; got {in_dims!r}.")
    return (check_positive_int(in_dims[0], "in_dims[0]"), check_positive_int(in_dims[1], "in_dims[1]"))
