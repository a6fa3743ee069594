"""Self-supervised contrastive learning: SimCLR and BYOL on augmented views of one modality.

Both learn an encoder without labels from two random *augmentations* of every
sample. SimCLR pulls the two views of a sample together and pushes the other
:math:`2N - 2` views of the batch away (the NT-Xent form of InfoNCE). BYOL
has no negatives: an *online* network with an extra predictor regresses the
output of a slowly moving *target* network (an exponential moving average of
the online one) on the other view; the asymmetry and the momentum keep it
from collapsing to a constant. The augmentations decide what the encoder
becomes invariant to.

Used by ``lectures/1_representation/07_contrastive_learning.ipynb``.

References
----------
Chen, T., Kornblith, S., Norouzi, M. and Hinton, G. A simple framework for
contrastive learning of visual representations. ICML 2020 (SimCLR).
Grill, J.-B. et al. Bootstrap your own latent: a new approach to
self-supervised learning. NeurIPS 2020 (BYOL).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch
from torch import nn
from torch.nn import functional as F

from mmlab._validation import RandomState, check_positive_int, check_scalar
from mmlab.coordination._contrastive import mlp
from mmlab.coordination._training import train_objective

__all__ = ["BYOL", "SimCLR", "augment_signals", "fit_byol", "fit_simclr", "nt_xent", "signal_encoder"]

Augment = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


def augment_signals(
    x: torch.Tensor,
    generator: torch.Generator,
    *,
    shift: bool = True,
    scale: tuple[float, float] = (0.5, 1.5),
    noise: float = 0.3,
) -> torch.Tensor:
    r"""A random view of each 1-D signal: circular shift, amplitude scaling and additive noise.

    .. math::

        \tilde x_t = \alpha\, x_{(t - \tau) \bmod L} + \sigma \varepsilon_t, \qquad
        \tau \sim U\{0..L-1\},\ \alpha \sim U[\alpha_0, \alpha_1],\ \varepsilon_t \sim \mathcal N(0, 1).

    Parameters
    ----------
    x : torch.Tensor of shape (n, L)
    generator : torch.Generator
        Source of the randomness (no global state is used).
    shift : bool, default=True
        Apply the circular shift.
    scale : (float, float), default=(0.5, 1.5)
        :math:`[\alpha_0, \alpha_1]`.
    noise : float, default=0.3
        :math:`\sigma`.

    Returns
    -------
    torch.Tensor of shape (n, L)

    Raises
    ------
    TypeError
        If ``x`` is not a floating tensor or ``generator`` not a ``torch.Generator``.
    ValueError
        If ``x`` is not 2-D, or ``scale``/``noise`` are out of range.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import augment_signals
    >>> x = torch.arange(4.0).repeat(2, 1)
    >>> augment_signals(x, torch.Generator().manual_seed(0), scale=(1, 1), noise=0.0).sort(dim=1).values
    tensor([[0., 1., 2., 3.],
            [0., 1., 2., 3.]])
    """
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"x must be a floating-point torch.Tensor of shape (n, L); got {type(x).__name__}.")
    if x.ndim != 2:
        raise ValueError(f"x must have shape (n, L), one signal per row; got {tuple(x.shape)}.")
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator; got {type(generator).__name__}.")
    lo = check_scalar(scale[0], "scale[0]", min_val=0)
    hi = check_scalar(scale[1], "scale[1]", min_val=lo)
    noise = check_scalar(noise, "noise", min_val=0)
    n, length = x.shape
    if shift:
        tau = torch.randint(0, length, (n, 1), generator=generator)
        idx = (torch.arange(length)[None, :] - tau) % length
        x = torch.gather(x, 1, idx.to(x.device))
    alpha = lo + (hi - lo) * torch.rand(n, 1, generator=generator)
    eps = torch.randn(x.shape, generator=generator)
    return x * alpha.to(x.device) + noise * eps.to(x.device)


def nt_xent(z1: torch.Tensor, z2: torch.Tensor, *, temperature: float = 0.2) -> torch.Tensor:
    r"""SimCLR's normalised temperature-scaled cross-entropy over :math:`2N` views.

    With the :math:`2N` embeddings :math:`u_1..u_{2N}` of both views
    (normalised) and :math:`p(k)` the other view of the same sample,

    .. math::

        \mathcal L = -\frac{1}{2N} \sum_{k=1}^{2N} \log
        \frac{\exp(u_k^\top u_{p(k)} / \tau)}{\sum_{l \ne k} \exp(u_k^\top u_l / \tau)} :

    every view must find its partner among the :math:`2N - 1` others
    (:math:`2N - 2` negatives).

    Parameters
    ----------
    z1, z2 : torch.Tensor of shape (N, d)
        Embeddings of the two views; row :math:`i` of each comes from sample :math:`i`.
    temperature : float, default=0.2

    Returns
    -------
    torch.Tensor
        A scalar.

    Raises
    ------
    TypeError, ValueError
        If the inputs are not floating ``(N, d)`` tensors of one shape, or
        ``temperature`` is not positive.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import nt_xent
    >>> round(float(nt_xent(torch.ones(3, 2), torch.ones(3, 2))), 4)  # log(2N - 1) = log 5
    1.6094
    """
    from mmlab.coordination._contrastive import _check_embeddings

    _check_embeddings(z1, z2)
    tau = check_scalar(temperature, "temperature", min_val=0, include_boundaries="neither")
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = u @ u.T / tau
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool, device=u.device), float("-inf"))  # l != k
    partner = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(u.device)  # p(k)
    return F.cross_entropy(sim, partner)


class SimCLR(nn.Module):
    r"""An encoder and a projection head trained with :func:`nt_xent` on two augmented views.

    .. math::

        h = f(\tilde x), \qquad z = g(h) = W_2 \operatorname{ReLU}(W_1 h),

    the loss is computed on :math:`z`; the representation kept for downstream
    tasks is :math:`h` (``encoder``), before the projection head.

    Parameters
    ----------
    encoder : torch.nn.Module
        Maps a batch to ``(batch, feature_dim)``.
    feature_dim : int
        Size of the encoder's output.
    proj_dim : int, default=32

    Raises
    ------
    TypeError
        If ``encoder`` is not a module.
    ValueError
        If a size is < 1.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import SimCLR
    >>> SimCLR(torch.nn.Linear(5, 8), 8, proj_dim=4)(torch.randn(3, 5)).shape
    torch.Size([3, 4])
    """

    def __init__(self, encoder: nn.Module, feature_dim: int, *, proj_dim: int = 32) -> None:
        super().__init__()
        if not isinstance(encoder, nn.Module):
            raise TypeError(f"encoder must be a torch.nn.Module; got {type(encoder).__name__}.")
        self.encoder = encoder
        self.projection = nn.Sequential(
            nn.Linear(check_positive_int(feature_dim, "feature_dim"), feature_dim),
            nn.ReLU(),
            nn.Linear(feature_dim, check_positive_int(proj_dim, "proj_dim")),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.projection(self.encoder(x))


class BYOL(nn.Module):
    r"""Bootstrap your own latent: an online network with a predictor regresses a momentum target network.

    .. math::

        \mathcal L = \big\lVert \bar q_\theta(\tilde x_1) - \bar z_\xi(\tilde x_2) \big\rVert^2
                   + \big\lVert \bar q_\theta(\tilde x_2) - \bar z_\xi(\tilde x_1) \big\rVert^2, \qquad
        \xi \leftarrow m\, \xi + (1 - m)\, \theta ,

    with online projection :math:`z_\theta = g_\theta(f_\theta(\cdot))`,
    prediction :math:`q_\theta = p_\theta(z_\theta)`, target projection
    :math:`z_\xi` (no gradient), bars denoting unit-norm vectors (so each term
    is :math:`2 - 2\cos`) and momentum :math:`m` (:meth:`update_target`, called
    after every optimiser step).

    Parameters
    ----------
    encoder : torch.nn.Module
    feature_dim : int
    proj_dim : int, default=32
    hidden : int, default=64
        Width of the projection and prediction MLPs (with batch norm, as in the paper).
    momentum : float, default=0.99
        :math:`m \in [0, 1)`.

    Raises
    ------
    TypeError
        If ``encoder`` is not a module.
    ValueError
        If a size is < 1 or ``momentum`` is not in [0, 1).

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import BYOL
    >>> byol = BYOL(torch.nn.Linear(5, 8), 8, proj_dim=4)
    >>> float(byol.loss(torch.randn(6, 5), torch.randn(6, 5)).detach()) >= 0
    True
    """

    def __init__(
        self, encoder: nn.Module, feature_dim: int, *, proj_dim: int = 32, hidden: int = 64, momentum: float = 0.99
    ) -> None:
        super().__init__()
        if not isinstance(encoder, nn.Module):
            raise TypeError(f"encoder must be a torch.nn.Module; got {type(encoder).__name__}.")
        feature_dim = check_positive_int(feature_dim, "feature_dim")
        proj_dim, hidden = check_positive_int(proj_dim, "proj_dim"), check_positive_int(hidden, "hidden")
        self.momentum = check_scalar(momentum, "momentum", min_val=0, max_val=1, include_boundaries="left")
        self.encoder = encoder  # f_theta
        self.projection = _bn_mlp(feature_dim, hidden, proj_dim)  # g_theta
        self.predictor = _bn_mlp(proj_dim, hidden, proj_dim)  # p_theta
        self.target_encoder = copy.deepcopy(encoder)  # f_xi
        self.target_projection = copy.deepcopy(self.projection)  # g_xi
        for p in self._target_parameters():
            p.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.predictor(self.projection(self.encoder(x)))

    def loss(self, v1: torch.Tensor, v2: torch.Tensor) -> torch.Tensor:
        """The symmetrised BYOL loss of two views of one batch.

        Raises
        ------
        ValueError
            If the views do not have the same shape.
        """
        if v1.shape != v2.shape:
            raise ValueError(f"the two views must have the same shape; got {tuple(v1.shape)} and {tuple(v2.shape)}.")
        q1, q2 = self(v1), self(v2)
        with torch.no_grad():
            t1 = self.target_projection(self.target_encoder(v1))
            t2 = self.target_projection(self.target_encoder(v2))
        return (2 - 2 * F.cosine_similarity(q1, t2).mean()) + (2 - 2 * F.cosine_similarity(q2, t1).mean())

    @torch.no_grad()
    def update_target(self) -> None:
        r"""Move the target towards the online network: :math:`\xi \leftarrow m \xi + (1 - m) \theta`."""
        online = list(self.encoder.parameters()) + list(self.projection.parameters())
        for xi, theta in zip(self._target_parameters(), online, strict=True):
            xi.mul_(self.momentum).add_(theta, alpha=1.0 - self.momentum)
        online_buffers = list(self.encoder.buffers()) + list(self.projection.buffers())
        target_buffers = list(self.target_encoder.buffers()) + list(self.target_projection.buffers())
        for tb, ob in zip(target_buffers, online_buffers, strict=True):
            tb.copy_(ob)

    def _target_parameters(self) -> list[nn.Parameter]:
        return list(self.target_encoder.parameters()) + list(self.target_projection.parameters())


def fit_simclr(
    model: SimCLR,
    x: torch.Tensor,
    augment: Augment,
    *,
    epochs: int,
    batch_size: int = 256,
    temperature: float = 0.2,
    lr: float = 3e-3,
    random_state: RandomState = 0,
) -> list[float]:
    """Train :class:`SimCLR` on two views per sample drawn by ``augment(batch, generator)``; return the losses.

    Raises
    ------
    TypeError, ValueError
        As :func:`~mmlab.coordination.train_objective`, or if ``augment`` is not callable.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import SimCLR, augment_signals, fit_simclr
    >>> x = torch.randn(64, 8, generator=torch.Generator().manual_seed(0))
    >>> len(fit_simclr(SimCLR(torch.nn.Linear(8, 4), 4), x, augment_signals, epochs=1, batch_size=32))
    2
    """
    gen = _augment_generator(augment, random_state)

    def objective(batch: list[torch.Tensor]) -> torch.Tensor:
        return nt_xent(model(augment(batch[0], gen)), model(augment(batch[0], gen)), temperature=temperature)

    return train_objective(
        model, objective, [x], epochs=epochs, batch_size=batch_size, lr=lr, random_state=random_state
    )


def fit_byol(
    model: BYOL,
    x: torch.Tensor,
    augment: Augment,
    *,
    epochs: int,
    batch_size: int = 256,
    lr: float = 3e-3,
    random_state: RandomState = 0,
) -> list[float]:
    """Train :class:`BYOL` (online network by gradient, target by momentum after each step); return the losses.

    Raises
    ------
    TypeError, ValueError
        As :func:`~mmlab.coordination.train_objective`, or if ``augment`` is not callable.

    Examples
    --------
    >>> import torch
    >>> from mmlab.coordination import BYOL, augment_signals, fit_byol
    >>> x = torch.randn(64, 8, generator=torch.Generator().manual_seed(0))
    >>> len(fit_byol(BYOL(torch.nn.Linear(8, 4), 4), x, augment_signals, epochs=1, batch_size=32))
    2
    """
    gen = _augment_generator(augment, random_state)

    def objective(batch: list[torch.Tensor]) -> torch.Tensor:
        return model.loss(augment(batch[0], gen), augment(batch[0], gen))

    return train_objective(
        model,
        objective,
        [x],
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        random_state=random_state,
        after_step=model.update_target,
    )


def _augment_generator(augment: Augment, random_state: RandomState) -> torch.Generator:
    from mmlab._validation import seed_from_random_state

    if not callable(augment):
        raise TypeError(f"augment must be a callable augment(batch, generator); got {type(augment).__name__}.")
    return torch.Generator().manual_seed((seed_from_random_state(random_state) + 1) % 2**63)


def _bn_mlp(in_dim: int, hidden: int, out_dim: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, out_dim))


def signal_encoder(length: int, *, hidden: int = 128, out_dim: int = 32) -> nn.Sequential:
    """The MLP encoder of the self-supervision lecture: two ReLU layers of width ``hidden``."""
    return mlp(length, out_dim, hidden=hidden, n_layers=2)
