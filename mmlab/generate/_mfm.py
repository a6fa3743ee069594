r"""Factorized multimodal generation: one shared latent for what the modalities have in common, one private
latent per modality for the rest (in the spirit of MFM, Tsai et al., 2019).

A pair (an image of a digit and a recording of its name) is generated from three latents: a shared
:math:`z_s`, which both decoders read, and private :math:`z_1, z_2`, each read by one decoder. Drawing
all three from their priors creates a new pair: "more content than we started with", coherent across
modalities when :math:`z_s` carries what the modalities share (on AV-Digits, paired by class only, that
is the digit) and style elsewhere. Swapping :math:`z_1` between two samples then changes the style of
the image and not its digit.

Used by: ``lectures/4_generation/03_creation_and_summarization.ipynb``.

References: Tsai, Y.-H. H., Liang, P. P., Zadeh, A., Morency, L.-P. and Salakhutdinov, R. Learning
factorized multimodal representations. ICLR 2019. Bouchacourt, D., Tomioka, R. and Nowozin, S.
Multi-level variational autoencoder: learning disentangled representations from grouped observations.
AAAI 2018.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_scalar
from mmlab.generate._common import (
    check_tensor,
    check_width,
    finite_range,
    mlp,
    module_device,
    randn,
    torch_generator,
)
from mmlab.generate._gaussian import _bernoulli_nll, _kl_standard, _reparameterize

__all__ = ["MFM"]


class MFM(nn.Module):
    r"""A factorized multimodal VAE: shared latent :math:`z_s` (label-informed) and private latents :math:`z_m`.

    .. math::

        \mathcal L = \sum_{m=1}^{M} -\log p_{\theta_m}\big(x_m \mid z_s^{\pi}, z_m\big)
        + \operatorname{KL}\big(q(z_s \mid x_{1:M}) \,\|\, \mathcal N(0, I)\big)
        + \sum_{m} \operatorname{KL}\big(q(z_m \mid x_m) \,\|\, \mathcal N(0, I)\big)
        + \lambda\, \operatorname{CE}\big(y, \operatorname{softmax}(W z_s)\big),

    where :math:`q(z_s \mid x_{1:M})` encodes all modalities together and :math:`q(z_m \mid x_m)` one
    modality each (diagonal Gaussians, :func:`~mmlab.generate.reparameterize`), :math:`p_{\theta_m}` is
    a Bernoulli decoder of modality :math:`m`, and the last term is MFM's discriminative objective: the
    shared factor must predict the label :math:`y` (weight :math:`\lambda`). :math:`z_s^{\pi}` is the
    shared code of *another sample of the same class* in the batch (``swap_within_class=True``): a
    decoder cannot then recover its own sample's style from :math:`z_s`, so style has to go through the
    private latents, and only what samples of one class share goes through :math:`z_s` (the grouping
    idea of Bouchacourt et al., 2018). MFM itself matches priors with an MMD (a Wasserstein
    autoencoder); the KL terms here make the model a VAE like the rest of :mod:`mmlab.generate`.

    Parameters
    ----------
    dims : sequence of int
        :math:`d_m`, the size of each modality (values in [0, 1]); two or more.
    n_classes : int
        Classes of the label :math:`y`.
    shared_dim : int, default=8
        Size of :math:`z_s`.
    private_dim : int, default=4
        Size of each :math:`z_m`.
    hidden : int, default=128
        Width of the hidden layers.
    label_weight : float, default=30.0
        :math:`\lambda`.
    swap_within_class : bool, default=True
        Decode with the shared code of another sample of the same class while training.
    names : sequence of str, optional
        Modality names used in :meth:`loss_terms`'s keys (default ``"0"``, ``"1"``, ...).

    Raises
    ------
    TypeError, ValueError
        If ``dims`` holds fewer than two sizes or a size is not a positive integer, ``label_weight`` is
        negative, or ``names`` does not name every modality once.

    See Also
    --------
    mmlab.generate.CVAE : one modality generated from another.
    mmlab.generate.coherence : scores generated pairs.

    References
    ----------
    Tsai, Y.-H. H., Liang, P. P., Zadeh, A., Morency, L.-P. and Salakhutdinov, R. Learning factorized
    multimodal representations. ICLR 2019 (multimodal discriminative and modality-specific generative
    factors, equation 2).
    Bouchacourt, D., Tomioka, R. and Nowozin, S. Multi-level variational autoencoder. AAAI 2018.

    Examples
    --------
    >>> model = MFM([64, 20], 10, names=("image", "audio"))
    >>> xs, y = [torch.rand(6, 64), torch.rand(6, 20)], torch.tensor([0, 0, 1, 1, 2, 2])
    >>> sorted(model.loss_terms([*xs, y]))
    ['kl', 'label', 'loss', 'reconstruction_audio', 'reconstruction_image']
    >>> [x.shape for x in model.generate(3, random_state=0)]
    [torch.Size([3, 64]), torch.Size([3, 20])]
    """

    def __init__(
        self,
        dims: Sequence[int],
        n_classes: int,
        *,
        shared_dim: int = 8,
        private_dim: int = 4,
        hidden: int = 128,
        label_weight: float = 30.0,
        swap_within_class: bool = True,
        names: Sequence[str] | None = None,
    ) -> None:
        super().__init__()
        if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence) or len(dims) < 2:
            raise ValueError(f"dims must list the size of two or more modalities; got {dims!r}.")
        self.dims = tuple(check_positive_int(d, f"dims[{i}]") for i, d in enumerate(dims))
        self.n_classes = check_positive_int(n_classes, "n_classes", minimum=2)
        self.shared_dim = check_positive_int(shared_dim, "shared_dim")
        self.private_dim = check_positive_int(private_dim, "private_dim")
        hidden = check_positive_int(hidden, "hidden")
        self.label_weight = check_scalar(label_weight, "label_weight", min_val=0)
        if not isinstance(swap_within_class, bool):
            raise TypeError(f"swap_within_class must be True or False; got {type(swap_within_class).__name__}.")
        self.swap_within_class = swap_within_class
        names = tuple(str(i) for i in range(len(self.dims))) if names is None else tuple(names)
        if len(names) != len(self.dims) or len(set(names)) != len(names):
            raise ValueError(f"names must name each of the {len(self.dims)} modalities once; got {list(names)}.")
        self.names = names
        self.shared_encoder = mlp(sum(self.dims), 2 * self.shared_dim, hidden)  # q(z_s | x_1..M)
        self.private_encoders = nn.ModuleList(mlp(d, 2 * self.private_dim, hidden) for d in self.dims)  # q(z_m | x_m)
        self.decoders = nn.ModuleList(mlp(self.shared_dim + self.private_dim, d, hidden) for d in self.dims)
        self.head = nn.Linear(self.shared_dim, self.n_classes)  # the discriminative factor's classifier W

    # ------------------------------------------------------------------ pieces
    def encode_shared(self, xs: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        r"""Parameters :math:`(\mu, \log\sigma^2)` of :math:`q(z_s \mid x_{1:M})`, each ``(n, shared_dim)``.

        Raises
        ------
        TypeError, ValueError
            If ``xs`` does not hold one ``(n, d_m)`` tensor per modality.
        """
        xs = self._check_xs(xs)
        mu, log_var = self.shared_encoder(torch.cat(xs, dim=1)).chunk(2, dim=1)
        return mu, log_var

    def encode_private(self, x: torch.Tensor, m: int) -> tuple[torch.Tensor, torch.Tensor]:
        r"""Parameters of :math:`q(z_m \mid x_m)` for modality ``m``, each ``(n, private_dim)``.

        Raises
        ------
        TypeError, ValueError
            If ``m`` is not a modality index or ``x`` has the wrong shape.
        """
        m = self._check_m(m)
        check_tensor(x, "x", ndim=2)
        check_width(x, "x", self.dims[m], f"modality {m}'s size")
        mu, log_var = self.private_encoders[m](x.to(module_device(self))).chunk(2, dim=1)
        return mu, log_var

    def decode(self, m: int, z_shared: torch.Tensor, z_private: torch.Tensor) -> torch.Tensor:
        """Logits of modality ``m`` from a shared and a private code: shape ``(n, d_m)``.

        Raises
        ------
        TypeError, ValueError
            If ``m`` is not a modality index or the codes have the wrong shapes or are not paired.
        """
        m = self._check_m(m)
        check_tensor(z_shared, "z_shared", ndim=2)
        check_tensor(z_private, "z_private", ndim=2)
        check_width(z_shared, "z_shared", self.shared_dim, "shared_dim")
        check_width(z_private, "z_private", self.private_dim, "private_dim")
        if z_shared.shape[0] != z_private.shape[0]:
            raise ValueError(
                f"z_shared and z_private must hold paired rows; got {z_shared.shape[0]} and {z_private.shape[0]}."
            )
        dev = module_device(self)
        return self.decoders[m](torch.cat([z_shared.to(dev), z_private.to(dev)], dim=1))

    def predict_class(self, z_shared: torch.Tensor) -> torch.Tensor:
        """The class the discriminative head reads from shared codes: int64 ``(n,)``.

        Raises
        ------
        TypeError, ValueError
            If ``z_shared`` is not a ``(n, shared_dim)`` tensor.
        """
        check_tensor(z_shared, "z_shared", ndim=2)
        check_width(z_shared, "z_shared", self.shared_dim, "shared_dim")
        with torch.no_grad():
            return self.head(z_shared.to(module_device(self))).argmax(dim=1)

    # ------------------------------------------------------------------ objective
    def loss_terms(self, batch: list[torch.Tensor]) -> dict[str, torch.Tensor]:
        """Batch means of every term: one reconstruction per modality, the KL sum, the label loss; and the total.

        Parameters
        ----------
        batch : list of Tensor
            ``[x_1, ..., x_M, y]``: the modalities (values in [0, 1]) and int64 labels.

        Returns
        -------
        dict
            ``"loss"``, ``"reconstruction_<name>"`` per modality, ``"kl"`` (shared plus private) and
            ``"label"`` (the cross-entropy of the head), in nats per sample.

        Raises
        ------
        TypeError, ValueError
            If ``batch`` has the wrong structure, shapes, values or labels.
        """
        if not isinstance(batch, (list, tuple)) or len(batch) != len(self.dims) + 1:
            raise ValueError(
                f"batch must be [x_1, ..., x_{len(self.dims)}, y]; got "
                f"{len(batch) if isinstance(batch, (list, tuple)) else type(batch).__name__} items."
            )
        xs, y = self._check_xs(batch[:-1], unit=True), self._check_y(batch[-1], batch[0].shape[0])
        mu_s, lv_s = self.shared_encoder(torch.cat(xs, dim=1)).chunk(2, dim=1)
        z_s = _reparameterize(mu_s, lv_s, torch.randn_like(mu_s))
        kl = _kl_standard(mu_s, lv_s)
        label = F.cross_entropy(self.head(z_s), y)
        z_dec = z_s[_partners(y)] if (self.swap_within_class and self.training) else z_s  # z_s^π
        terms: dict[str, torch.Tensor] = {}
        total = self.label_weight * label
        for m, x in enumerate(xs):
            mu, lv = self.private_encoders[m](x).chunk(2, dim=1)
            z_m = _reparameterize(mu, lv, torch.randn_like(mu))
            kl = kl + _kl_standard(mu, lv)
            rec = _bernoulli_nll(self.decoders[m](torch.cat([z_dec, z_m], dim=1)), x).mean()
            terms[f"reconstruction_{self.names[m]}"] = rec
            total = total + rec
        kl = kl.mean()
        return {"loss": total + kl, **terms, "kl": kl, "label": label}

    # ------------------------------------------------------------------ generation
    @torch.no_grad()
    def generate(
        self,
        n: int,
        *,
        shared: torch.Tensor | None = None,
        random_state: RandomState = None,
    ) -> list[torch.Tensor]:
        r"""Create ``n`` new multimodal samples: draw :math:`z_s` and every :math:`z_m`, decode each modality.

        Parameters
        ----------
        n : int
            Number of samples.
        shared : Tensor of shape (n, shared_dim), optional
            Shared codes to use instead of draws from :math:`\mathcal N(0, I)` (e.g. draws from a
            density fitted to the training codes).
        random_state : int, numpy.random.Generator or None
            Seeds the draws.

        Returns
        -------
        list of Tensor
            One ``(n, d_m)`` tensor of values in (0, 1) per modality (the decoders' means).

        Raises
        ------
        TypeError, ValueError
            If ``n`` is not a positive int or ``shared`` has the wrong shape.
        """
        n = check_positive_int(n, "n")
        gen = torch_generator(random_state)
        dev = module_device(self)
        ref = torch.zeros(1, device=dev)
        if shared is None:
            shared = randn((n, self.shared_dim), gen, ref)
        else:
            check_tensor(shared, "shared", ndim=2)
            if tuple(shared.shape) != (n, self.shared_dim):
                raise ValueError(f"shared must have shape ({n}, {self.shared_dim}); got {tuple(shared.shape)}.")
            shared = shared.to(dev)
        was = self.training
        self.eval()
        out = [
            torch.sigmoid(self.decode(m, shared, randn((n, self.private_dim), gen, ref))) for m in range(len(self.dims))
        ]
        self.train(was)
        return out

    @torch.no_grad()
    def swap_private(self, xs: Sequence[torch.Tensor], partner: torch.Tensor, m: int = 0) -> torch.Tensor:
        """Decode modality ``m`` of each sample with its own shared code and the private code of ``partner``.

        Row ``i`` of the result is ``decode(m, mu_s[i], mu_m[partner[i]])`` with posterior means
        ``mu_s`` and ``mu_m``; ``partner = arange(n)`` gives plain reconstructions.

        Returns
        -------
        Tensor of shape (n, d_m)
            Values in (0, 1).

        Raises
        ------
        TypeError, ValueError
            If the inputs have the wrong shapes or ``partner`` holds indices out of range.
        """
        m = self._check_m(m)
        xs = self._check_xs(xs)
        n = xs[0].shape[0]
        if not isinstance(partner, torch.Tensor) or partner.is_floating_point() or tuple(partner.shape) != (n,):
            raise TypeError(f"partner must be an integer tensor of shape ({n},), one row index per sample.")
        if n and (int(partner.min()) < 0 or int(partner.max()) >= n):
            raise ValueError(f"partner must hold row indices in 0 .. {n - 1}.")
        was = self.training
        self.eval()
        mu_s, _ = self.encode_shared(xs)
        mu_m, _ = self.encode_private(xs[m], m)
        out = torch.sigmoid(self.decode(m, mu_s, mu_m[partner.to(mu_m.device)]))
        self.train(was)
        return out

    # ------------------------------------------------------------------ private
    def _check_m(self, m: Any) -> int:
        if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m < len(self.dims):
            raise ValueError(f"m must be a modality index in 0 .. {len(self.dims) - 1}; got {m!r}.")
        return m

    def _check_xs(self, xs: Any, unit: bool = False) -> list[torch.Tensor]:
        if isinstance(xs, torch.Tensor) or not isinstance(xs, Sequence) or len(xs) != len(self.dims):
            raise ValueError(f"xs must be a list of {len(self.dims)} tensors, one per modality.")
        rows = set()
        for i, x in enumerate(xs):
            check_tensor(x, f"xs[{i}]", ndim=2, finite=not unit)
            lo, hi = finite_range(x, f"xs[{i}]") if unit and x.numel() else (0.0, 1.0)  # one pass: finite, range
            check_width(x, f"xs[{i}]", self.dims[i], f"modality {i}'s size")
            if lo < 0 or hi > 1:
                raise ValueError(f"xs[{i}] must lie in [0, 1] (the decoders are Bernoulli).")
            rows.add(x.shape[0])
        if len(rows) > 1:
            raise ValueError(f"the modalities must hold paired samples; got row counts {[x.shape[0] for x in xs]}.")
        dev = module_device(self)
        return [x.to(dev) for x in xs]

    def _check_y(self, y: Any, n: int) -> torch.Tensor:
        if not isinstance(y, torch.Tensor) or y.is_floating_point() or y.dtype == torch.bool or y.ndim != 1:
            raise TypeError("y must be a 1-D integer tensor of class labels.")
        if y.shape[0] != n:
            raise ValueError(f"y must hold one label per sample; got {y.shape[0]} labels for {n} samples.")
        if n and (int(y.min()) < 0 or int(y.max()) >= self.n_classes):
            raise ValueError(f"y must hold labels in 0 .. {self.n_classes - 1}; got {int(y.min())} .. {int(y.max())}.")
        return y


def _partners(y: torch.Tensor) -> torch.Tensor:
    """For each row, another row of the same class (a random rotation inside each class; itself if alone)."""
    order = torch.argsort(y.float() + torch.rand(y.shape[0], device=y.device) * 0.5)  # random order inside classes
    partner = torch.empty_like(order)
    if not order.numel():
        return partner
    # each class is a run of ``order``: a row's partner is the row before it in its run (for the run's first, its last)
    _, counts = torch.unique_consecutive(y[order], return_counts=True)
    ends = counts.cumsum(0) - 1
    first, last = (ends - counts + 1).repeat_interleave(counts), ends.repeat_interleave(counts)
    pos = torch.arange(order.shape[0], device=order.device)
    partner[order] = order[torch.where(pos == first, last, pos - 1)]
    return partner
