"""Missing modalities: dropping, filling and reconstructing a modality that is often absent.

When one modality is missing for most samples (90 % in SMIL's setting, Ma et
al., 2021), a model can

- fill the gap with zeros, the naive choice (:func:`fill_missing` with
  ``"zeros"``);
- be trained to expect gaps: **modality dropout** hides a modality at random
  during training and tells the model which one is absent
  (:func:`modality_dropout`; Neverova et al., 2016);
- **impute** the missing modality from the observed one, learned on the
  complete pairs (:class:`RidgeImputer`; Tran et al., 2017, with an
  autoencoder);
- reconstruct it **SMIL-style** as a weighted sum of a codebook of the missing
  modality's typical values (k-means centroids of the complete samples), the
  weights inferred from the observed modality (:class:`CodebookImputer`; SMIL
  infers them with a Bayesian meta-learner, here a softmax regression).

:func:`mask_rows` draws which rows are missing at a given rate.

Used by: ``lectures/5_transference/03_film_and_missing_modalities.ipynb`` and
the transference lab.

References
----------
Ma, M., Ren, J., Zhao, L., Tulyakov, S., Wu, C. and Peng, X. SMIL: multimodal
learning with severely missing modality. AAAI, 2021.
Neverova, N., Wolf, C., Taylor, G. and Nebout, F. ModDrop: adaptive
multi-modal gesture recognition. IEEE TPAMI 38(8), 2016.
Tran, L., Liu, X., Zhou, J. and Jin, R. Missing modalities imputation via
cascaded residual autoencoder. CVPR, 2017.
Arthur, D. and Vassilvitskii, S. k-means++: the advantages of careful seeding.
SODA, 2007.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import RandomState, check_fraction, check_positive_int, check_scalar, seed_from_random_state
from mmlab.runtime import seeded

__all__ = ["CodebookImputer", "RidgeImputer", "fill_missing", "mask_rows", "modality_dropout"]


def _generator(random_state: RandomState | torch.Generator) -> torch.Generator:
    if isinstance(random_state, torch.Generator):
        return random_state
    return torch.Generator().manual_seed(seed_from_random_state(random_state))


def mask_rows(n: int, rate: float, *, random_state: RandomState | torch.Generator = 0) -> torch.Tensor:
    """A boolean ``(n,)`` mask of *present* rows: exactly ``round(rate * n)`` rows are missing (False).

    Parameters
    ----------
    n : int
    rate : float in [0, 1]
        Share of missing rows.
    random_state : int, numpy.random.Generator, torch.Generator or None, default=0

    Returns
    -------
    torch.Tensor of shape (n,), bool

    Raises
    ------
    TypeError
        If ``n`` is not an int or ``rate`` is not a number.
    ValueError
        If ``n`` < 0 or ``rate`` is outside [0, 1].

    Examples
    --------
    >>> mask = mask_rows(10, 0.9)
    >>> int(mask.sum())
    1
    """
    n = check_positive_int(n, "n", minimum=0)
    rate = check_fraction(rate, "rate")
    order = torch.randperm(n, generator=_generator(random_state))
    present = torch.ones(n, dtype=torch.bool)
    present[order[: int(round(rate * n))]] = False
    return present


def modality_dropout(
    xs: Sequence[torch.Tensor],
    p: float | Sequence[float],
    *,
    present: Sequence[torch.Tensor] | None = None,
    generator: torch.Generator | None = None,
) -> tuple[list[torch.Tensor], torch.Tensor]:
    r"""Hide each modality of each sample with probability ``p``, and say which are present.

    .. math::

        m_{ji} \sim \mathrm{Bernoulli}(1 - p_i), \qquad \tilde x_{ji} = m_{ji}\, x_{ji},

    for sample :math:`j` and modality :math:`i`: a hidden modality becomes the
    zero vector (the mean, for standardised features). A modality already
    missing (``present`` False) stays hidden. At least one modality of every
    sample is kept: when every modality of a sample would be hidden, one
    present modality, drawn uniformly, is restored.

    Parameters
    ----------
    xs : sequence of torch.Tensor
        One ``(batch, d_i)`` tensor per modality.
    p : float or sequence of float
        Drop probability, one for all modalities or one per modality.
    present : sequence of bool torch.Tensor, optional
        ``(batch,)`` per modality: rows that are observed at all. Default: all.
    generator : torch.Generator, optional

    Returns
    -------
    xs : list of torch.Tensor
        The inputs with hidden modalities set to 0.
    mask : torch.Tensor of shape (batch, M), float
        1 where a modality is kept, 0 where it is hidden (feed it to the model
        as a missingness indicator).

    Raises
    ------
    TypeError
        If ``xs`` is not a sequence of tensors.
    ValueError
        If ``xs`` is empty, batch sizes differ, ``p`` has the wrong length or is
        outside [0, 1], or some sample has no present modality.

    Examples
    --------
    >>> xs, mask = modality_dropout([torch.ones(6, 2), torch.ones(6, 3)], 0.5,
    ...                             generator=torch.Generator().manual_seed(0))
    >>> bool((mask.sum(1) >= 1).all()), bool(torch.equal(xs[0][:, 0], mask[:, 0]))
    (True, True)
    """
    if isinstance(xs, torch.Tensor) or not isinstance(xs, Sequence) or not all(isinstance(x, torch.Tensor) for x in xs):
        raise TypeError("xs must be a list with one (batch, d_i) tensor per modality.")
    if not xs:
        raise ValueError("xs must hold at least one modality.")
    batch = xs[0].shape[0]
    if any(x.shape[0] != batch for x in xs):
        raise ValueError(f"all modalities must hold the same samples; got batch sizes {[x.shape[0] for x in xs]}.")
    m = len(xs)
    ps = [p] * m if not isinstance(p, Sequence) else list(p)
    if len(ps) != m:
        raise ValueError(f"p must be one probability or one per modality ({m}); got {len(ps)}.")
    ps = [check_fraction(q, "p") for q in ps]
    observed = torch.ones(batch, m, dtype=torch.bool, device=xs[0].device)
    if present is not None:
        if len(present) != m:
            raise ValueError(f"present must hold one mask per modality ({m}); got {len(present)}.")
        observed = torch.stack([torch.as_tensor(q, dtype=torch.bool, device=xs[0].device) for q in present], dim=1)
    if not bool(observed.any(dim=1).all()):
        raise ValueError("some sample has no present modality; drop such samples first.")
    gen = generator if generator is not None else torch.Generator()
    probs = torch.tensor(ps).expand(batch, m)
    keep = (torch.rand(batch, m, generator=gen) >= probs).to(observed.device) & observed
    empty = ~keep.any(dim=1)
    if bool(empty.any()):  # restore one observed modality, drawn uniformly among the observed ones
        scores = torch.rand(batch, m, generator=gen).to(observed.device).masked_fill(~observed, -1.0)
        keep[empty, scores[empty].argmax(dim=1)] = True
    mask = keep.to(xs[0].dtype)
    return [x * mask[:, i : i + 1] for i, x in enumerate(xs)], mask


def fill_missing(
    x: torch.Tensor,
    present: torch.Tensor,
    fill: str | torch.Tensor | nn.Module = "zeros",
    *,
    observed: torch.Tensor | None = None,
) -> torch.Tensor:
    """Replace the missing rows of a modality: by zeros, by given rows, or by an imputer's prediction.

    Parameters
    ----------
    x : torch.Tensor of shape (n, d)
        The modality (values in missing rows are ignored).
    present : torch.Tensor of shape (n,), bool
    fill : "zeros", torch.Tensor of shape (n, d) or (d,), or an imputer module
        An imputer (:class:`RidgeImputer`, :class:`CodebookImputer`) is called
        on ``observed``.
    observed : torch.Tensor of shape (n, d_o), optional
        The observed modality, needed by an imputer.

    Returns
    -------
    torch.Tensor of shape (n, d)

    Raises
    ------
    TypeError
        If ``present`` is not boolean or ``fill`` is of an unknown kind.
    ValueError
        If shapes do not match, or an imputer is given without ``observed``.

    Examples
    --------
    >>> fill_missing(torch.ones(3, 2), torch.tensor([True, False, True]))
    tensor([[1., 1.],
            [0., 0.],
            [1., 1.]])
    """
    if not isinstance(present, torch.Tensor) or present.dtype != torch.bool:
        raise TypeError("present must be a boolean tensor (True where the modality is observed).")
    if x.ndim != 2 or present.shape != (x.shape[0],):
        raise ValueError(f"x must be (n, d) and present (n,); got {tuple(x.shape)} and {tuple(present.shape)}.")
    if isinstance(fill, str):
        if fill != "zeros":
            raise ValueError(f"fill must be 'zeros', a tensor or an imputer module; got {fill!r}.")
        values = torch.zeros_like(x)
    elif isinstance(fill, nn.Module):
        if observed is None:
            raise ValueError("an imputer needs the observed modality: pass observed=...")
        with torch.no_grad():
            values = fill(observed)
    elif isinstance(fill, torch.Tensor):
        values = fill.expand_as(x)
    else:
        raise TypeError(f"fill must be 'zeros', a tensor or an imputer module; got {type(fill).__name__}.")
    return torch.where(present[:, None], x, values.to(x.dtype))


class RidgeImputer(nn.Module):
    r"""Predict a missing modality from an observed one by ridge regression on the complete pairs.

    .. math::

        \hat x_m = W^\top [x_o; 1], \qquad
        W = \big(X_o^\top X_o + \lambda I\big)^{-1} X_o^\top X_m,

    fitted on the rows where both are present (:math:`X_o` with a column of ones,
    whose weight is not penalised).

    Parameters
    ----------
    alpha : float, default=10.0
        :math:`\lambda`.

    Raises
    ------
    TypeError
        If ``alpha`` is not a number.
    ValueError
        If ``alpha`` < 0.

    Examples
    --------
    >>> xo = torch.randn(50, 3); xm = xo @ torch.randn(3, 2) + 1.0
    >>> imp = RidgeImputer(alpha=1e-6).fit(xo, xm)
    >>> bool(torch.allclose(imp(xo), xm, atol=1e-3))
    True
    """

    def __init__(self, alpha: float = 10.0) -> None:
        super().__init__()
        self.alpha = check_scalar(alpha, "alpha", min_val=0)
        self.register_buffer("weight", torch.zeros(0))

    def fit(self, observed: torch.Tensor, missing: torch.Tensor) -> RidgeImputer:
        """Fit on complete pairs ``observed`` (n, d_o), ``missing`` (n, d_m).

        Raises
        ------
        ValueError
            If the inputs are not 2-D with the same number of rows (at least one).
        """
        if observed.ndim != 2 or missing.ndim != 2 or observed.shape[0] != missing.shape[0] or not len(observed):
            raise ValueError(
                f"observed and missing must be (n, d) with the same n >= 1; got "
                f"{tuple(observed.shape)} and {tuple(missing.shape)}."
            )
        xo = torch.cat([observed.double(), torch.ones(len(observed), 1, dtype=torch.float64)], dim=1)
        penalty = self.alpha * torch.eye(xo.shape[1], dtype=torch.float64)
        penalty[-1, -1] = 0.0
        self.weight = torch.linalg.solve(xo.T @ xo + penalty, xo.T @ missing.double()).float()
        return self

    def forward(self, observed: torch.Tensor) -> torch.Tensor:
        """Predicted missing modality ``(n, d_m)``.

        Raises
        ------
        RuntimeError
            If the imputer has not been fitted.
        """
        if self.weight.numel() == 0:
            raise RuntimeError("this RidgeImputer is not fitted yet; call .fit(observed, missing) first.")
        return torch.cat([observed, torch.ones(len(observed), 1, dtype=observed.dtype)], dim=1) @ self.weight


class CodebookImputer(nn.Module):
    r"""SMIL-style reconstruction: a weighted sum of codebook entries, the weights inferred from the observed modality.

    .. math::

        \hat x_m = \sum_{k=1}^{K} w_k(x_o)\, \mu_k, \qquad w(x_o) = \operatorname{softmax}(A x_o + b),

    where :math:`\mu_1 \dots \mu_K` are k-means centroids of the missing
    modality on the complete samples (the codebook) and :math:`A, b` are fitted
    by gradient descent to minimise :math:`\lVert \hat x_m - x_m \rVert^2` on
    the complete pairs. The reconstruction always lies in the convex hull of
    real values of the missing modality. The centroids start from k-means++
    seeding (Arthur and Vassilvitskii, 2007).

    Parameters
    ----------
    n_codes : int, default=10
    steps : int, default=300
        Gradient steps for :math:`A, b` (full batch, Adam).
    random_state : int, default=0
        Seeds k-means' initial centroids.

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is < 1 (``random_state`` < 0).

    Examples
    --------
    >>> xo = torch.randn(60, 3); xm = torch.randn(60, 5)
    >>> CodebookImputer(n_codes=4, steps=20).fit(xo, xm)(xo).shape
    torch.Size([60, 5])
    """

    def __init__(self, n_codes: int = 10, *, steps: int = 300, random_state: int = 0) -> None:
        super().__init__()
        self.n_codes = check_positive_int(n_codes, "n_codes")
        self.steps = check_positive_int(steps, "steps")
        self.seed = check_positive_int(random_state, "random_state", minimum=0)
        self.register_buffer("codebook", torch.zeros(0))
        self.weights = None

    def fit(self, observed: torch.Tensor, missing: torch.Tensor) -> CodebookImputer:
        """Learn the codebook on ``missing`` and the weight map from ``observed`` (complete pairs).

        Raises
        ------
        ValueError
            If the inputs do not hold the same rows or there are fewer rows than codes.
        """
        if observed.ndim != 2 or missing.ndim != 2 or observed.shape[0] != missing.shape[0]:
            raise ValueError(
                f"observed and missing must be (n, d) with the same n; got {tuple(observed.shape)} and "
                f"{tuple(missing.shape)}."
            )
        if missing.shape[0] < self.n_codes:
            raise ValueError(f"k-means needs at least n_codes={self.n_codes} complete samples; got {missing.shape[0]}.")
        gen = torch.Generator().manual_seed(self.seed)
        codes = _kmeans_plus_plus(missing, self.n_codes, gen)
        for _ in range(50):  # Lloyd's algorithm
            assign = torch.cdist(missing, codes).argmin(dim=1)
            for k in range(self.n_codes):
                if bool((assign == k).any()):
                    codes[k] = missing[assign == k].mean(dim=0)
        self.codebook = codes
        with seeded(self.seed):
            self.weights = nn.Linear(observed.shape[1], self.n_codes)
        opt = torch.optim.Adam(self.weights.parameters(), lr=1e-2, foreach=True)
        for _ in range(self.steps):
            loss = ((self.code_weights(observed) @ codes - missing) ** 2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return self

    def code_weights(self, observed: torch.Tensor) -> torch.Tensor:
        """:math:`w(x_o)`, ``(n, n_codes)``, rows summing to 1.

        Raises
        ------
        RuntimeError
            If the imputer has not been fitted.
        """
        if self.weights is None:
            raise RuntimeError("this CodebookImputer is not fitted yet; call .fit(observed, missing) first.")
        return torch.softmax(self.weights(observed), dim=1)

    def forward(self, observed: torch.Tensor) -> torch.Tensor:
        """Reconstructed missing modality ``(n, d_m)``.

        Raises
        ------
        RuntimeError
            If the imputer has not been fitted.
        """
        return self.code_weights(observed) @ self.codebook


def _kmeans_plus_plus(x: torch.Tensor, k: int, gen: torch.Generator) -> torch.Tensor:
    """k-means++ seeding: each next centre drawn with probability proportional to the squared distance."""
    centres = [x[torch.randint(len(x), (1,), generator=gen)].reshape(-1)]
    for _ in range(1, k):
        d2 = torch.cdist(x, torch.stack(centres)).min(dim=1).values ** 2
        probs = d2 / d2.sum() if float(d2.sum()) > 0 else torch.full_like(d2, 1.0 / len(d2))
        centres.append(x[torch.multinomial(probs, 1, generator=gen)].reshape(-1))
    return torch.stack(centres).clone()
