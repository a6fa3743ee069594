"""Per-modality contributions to a prediction, and how they combine (M2Lens-style).

For one sample, a modality's *contribution* is how much the model's logits
move when that modality is replaced by an uninformative baseline (its mean
over the data, by default). Comparing the contribution vectors of the
modalities sorts each prediction into one of three kinds of cross-modal
interaction that M2Lens visualises for sentiment models:

- **dominance**: one modality's contribution is much larger than the others';
- **complementarity**: comparable contributions that push the same way;
- **conflict**: comparable contributions that push different ways.

Used by: ``lectures/6_quantification/03_emap_gradients.ipynb``.

References
----------
Wang, X., He, J., Jin, Z., Yang, M., Wang, Y. and Qu, H. M2Lens: visualizing and
explaining multimodal models for sentiment analysis. IEEE Transactions on
Visualization and Computer Graphics 28(1) (IEEE VIS 2021), 2022.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import check_array, check_choice, check_modalities, check_positive_int, check_scalar
from mmlab.quantify._model_calls import check_block_size, check_logits

__all__ = [
    "INTERACTION_KINDS",
    "ContributionGeometry",
    "InteractionKinds",
    "classify_interactions",
    "contribution_geometry",
    "modality_contributions",
]

#: The labels :func:`classify_interactions` gives, in this order of precedence.
INTERACTION_KINDS: tuple[str, ...] = ("none", "dominance", "complementarity", "conflict")

ListFunction = Callable[[list[torch.Tensor]], torch.Tensor]


# --------------------------------------------------------------------------- #
# contributions
# --------------------------------------------------------------------------- #
def modality_contributions(
    f: ListFunction | nn.Module,
    xs: Sequence[torch.Tensor],
    *,
    baseline: str | Sequence[torch.Tensor] = "marginal",
    center: bool = True,
    pairs_per_call: int = 1 << 16,
) -> torch.Tensor:
    r"""Contribution of each modality to each sample's logits, by replacing it with a baseline.

    With the default ``baseline="marginal"`` modality :math:`m` of sample
    :math:`i` is replaced by that of every sample :math:`j` in turn and the
    answers are averaged,

    .. math::

        c_{i,m} = f(x_{i,1}, \dots, x_{i,M})
                - \frac1N \sum_{j=1}^{N} f(x_{i,1}, \dots, x_{j,m}, \dots, x_{i,M}),

    so :math:`c_{i,m}` is how far this sample's modality :math:`m` moves the
    logits away from what a typical value of it would give. With a fixed
    baseline vector :math:`\bar x_m` (``"mean"``, ``"zeros"`` or given) the
    second term is :math:`f(x_{i,1}, \dots, \bar x_m, \dots, x_{i,M})`. Here
    :math:`x_{i,m}` is modality :math:`m` of sample :math:`i`, :math:`N` the
    number of samples and :math:`f` the logit vector (one entry per class).
    With ``center=True`` each :math:`c_{i,m}` is then centred across classes,
    :math:`c \leftarrow c - \tfrac1C \sum_k c_k`, because adding the same number
    to every logit does not change the predicted probabilities.

    Parameters
    ----------
    f : callable or torch.nn.Module
        Called with a list of modality batches, ``f([x_1, ..., x_M])``, returning
        logits of shape ``(N, C)`` (or ``(N,)``), the :mod:`mmlab.fusion`
        convention. Put a model in ``eval()`` mode first.
    xs : sequence of torch.Tensor
        One ``(N, d_m)`` tensor per modality, paired row by row.
    baseline : "marginal", "mean", "zeros" or sequence of torch.Tensor, default="marginal"
        What replaces a modality: every sample's value in turn (averaging the
        outputs), its mean feature vector over ``xs``, zeros, or one ``(d_m,)``
        vector per modality (e.g. the training-set means).
    center : bool, default=True
        Centre each contribution across classes (ignored for one output).
    pairs_per_call : int, default=65536
        Rows per call of ``f`` for ``"marginal"``, which needs :math:`M N^2`
        evaluations.

    Returns
    -------
    torch.Tensor of shape (N, M, C)
        :math:`c_{i,m}` (``C = 1`` for scalar outputs).

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``xs`` is not a sequence of tensors or
        ``baseline`` has the wrong type.
    ValueError
        If the modalities are not ``(N, d_m)`` with one ``N``, are not finite,
        a baseline vector has the wrong size, ``pairs_per_call`` is < 1 or
        would make one call exceed the allocation limit, or ``f`` returns the
        wrong shape.

    Notes
    -----
    This is an occlusion (ablation) attribution, cheaper than the SHAP values
    M2Lens uses. For an additive model :math:`f = \sum_m g_m(x_m)` the marginal
    baseline gives :math:`c_{i,m} = g_m(x_{i,m}) - \frac1N \sum_j g_m(x_{j,m})`,
    the modality's own term centred over the data (as in EMAP,
    :func:`mmlab.quantify.emap`). A fixed baseline vector is cheaper
    (:math:`M + 1` forward passes) but off the data: the mean of two clusters
    of features may be decoded as one of them, which makes the contributions of
    one cluster look near zero.

    References
    ----------
    Wang, X. et al. M2Lens. IEEE TVCG (VIS 2021), Section 4 (feature
    importance per modality).

    Examples
    --------
    >>> f = lambda xs: torch.cat([xs[0], -xs[0]], 1) + torch.cat([xs[1], xs[1]], 1)
    >>> c = modality_contributions(f, [torch.tensor([[1.0], [-1.0]]), torch.tensor([[2.0], [0.0]])])
    >>> c.shape, c[0, 0].tolist(), c[0, 1].tolist()
    (torch.Size([2, 2, 2]), [1.0, -1.0], [0.0, 0.0])
    """
    call = _as_list_function(f)
    xs = check_modalities(xs, name="xs", floating=True, finite=True)
    if isinstance(baseline, str) and baseline == "marginal":
        base = None
    else:
        base = _baselines(baseline, xs)
    pairs_per_call = check_positive_int(pairs_per_call, "pairs_per_call")
    if base is None:
        check_block_size(pairs_per_call, xs, "modality_contributions")
    n = xs[0].shape[0]
    with torch.no_grad():
        full = check_logits(call(xs), n)  # f(x_i)
        parts = []
        for m in range(len(xs)):
            if base is None:
                parts.append(full - _marginal_output(call, xs, m, pairs_per_call))
            else:
                ablated = [b.expand_as(x) if k == m else x for k, (x, b) in enumerate(zip(xs, base, strict=True))]
                parts.append(full - check_logits(call(ablated), n))  # c_{i,m}
    contrib = torch.stack(parts, dim=1)
    if center and contrib.shape[2] > 1:
        contrib = contrib - contrib.mean(dim=2, keepdim=True)
    return contrib


# --------------------------------------------------------------------------- #
# geometry: norms, dot products, cosines
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class ContributionGeometry:
    """Norms and pairwise angles of per-modality contribution vectors.

    Attributes
    ----------
    norms : ndarray of shape (N, M)
        :math:`\\lVert c_{i,m} \\rVert_2`.
    dots : ndarray of shape (N, M, M)
        :math:`\\langle c_{i,m}, c_{i,m'} \\rangle`.
    cosines : ndarray of shape (N, M, M)
        ``dots`` divided by the two norms (0 where a norm is 0).
    """

    norms: np.ndarray
    dots: np.ndarray
    cosines: np.ndarray


def contribution_geometry(contributions: torch.Tensor | np.ndarray) -> ContributionGeometry:
    r"""Norms, dot products and cosines of each sample's contribution vectors.

    .. math::

        n_{i,m} = \lVert c_{i,m} \rVert_2, \qquad
        d_{i,mm'} = c_{i,m}^\top c_{i,m'}, \qquad
        \cos_{i,mm'} = \frac{d_{i,mm'}}{n_{i,m}\, n_{i,m'}} ,

    with :math:`c_{i,m}` the contribution of modality :math:`m` to sample
    :math:`i` (:func:`modality_contributions`). A large norm means the modality
    moves the prediction a lot; a positive cosine means two modalities push
    towards the same classes, a negative one towards different classes.

    Parameters
    ----------
    contributions : torch.Tensor or ndarray of shape (N, M, C)

    Returns
    -------
    ContributionGeometry

    Raises
    ------
    TypeError
        If ``contributions`` is not numeric.
    ValueError
        If ``contributions`` is not 3-D or not finite.

    Examples
    --------
    >>> g = contribution_geometry(np.array([[[1.0, -1.0], [-2.0, 2.0]]]))
    >>> g.norms.round(3).tolist(), round(float(g.cosines[0, 0, 1]), 6)
    ([[1.414, 2.828]], -1.0)
    """
    c = _check_contributions(contributions)
    norms = np.linalg.norm(c, axis=2)
    dots = np.einsum("imc,ikc->imk", c, c)
    denom = norms[:, :, None] * norms[:, None, :]
    cosines = np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0)
    return ContributionGeometry(norms=norms, dots=dots, cosines=np.clip(cosines, -1.0, 1.0))


# --------------------------------------------------------------------------- #
# dominance / complementarity / conflict
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class InteractionKinds:
    """Each sample's kind of cross-modal interaction, from :func:`classify_interactions`.

    Attributes
    ----------
    kind : ndarray of str, shape (N,)
        One of :data:`INTERACTION_KINDS`.
    dominant : ndarray of int, shape (N,)
        The modality with the largest contribution (-1 where ``kind == "none"``).
    dominance_ratio : float
        The threshold used.
    """

    kind: np.ndarray
    dominant: np.ndarray
    dominance_ratio: float

    def shares(self, mask: Any = None) -> dict[str, float]:
        """Share of samples of each kind (among ``mask`` if given, a boolean ``(N,)`` array).

        Raises
        ------
        ValueError
            If ``mask`` is not a boolean vector with one entry per sample.
        """
        if mask is not None:
            mask = check_array(mask, "mask", ndim=1)
            if mask.dtype != bool or mask.shape[0] != len(self.kind):
                raise ValueError(
                    f"mask must be a boolean array of shape ({len(self.kind)},), one entry per sample; "
                    f"got dtype {mask.dtype} and shape {mask.shape}."
                )
        kind = self.kind if mask is None else self.kind[mask]
        total = max(len(kind), 1)
        return {k: float(np.sum(kind == k)) / total for k in INTERACTION_KINDS}


def classify_interactions(
    contributions: torch.Tensor | np.ndarray, *, dominance_ratio: float = 2.0, min_norm: float = 1e-6
) -> InteractionKinds:
    r"""Sort each sample into dominance, complementarity or conflict from its contributions.

    With :math:`n_{i,m}` and :math:`\cos_{i,mm'}` from
    :func:`contribution_geometry`, :math:`n_i^{\max} = \max_m n_{i,m}` and
    :math:`\rho` = ``dominance_ratio``, sample :math:`i` is

    1. **none** if :math:`n_i^{\max} \le` ``min_norm`` (no modality moves the
       logits);
    2. **dominance** if :math:`n_i^{\max} \ge \rho\, n_{i,m}` for every other
       modality :math:`m`;
    3. otherwise, among the *active* modalities (those with
       :math:`n_{i,m} > n_i^{\max} / \rho`): **complementarity** if every pair
       has :math:`\cos > 0` (they push towards the same classes), else
       **conflict**.

    Parameters
    ----------
    contributions : torch.Tensor or ndarray of shape (N, M, C)
        From :func:`modality_contributions` (centred across classes, so that
        the sign of a cosine means "same classes" vs "other classes").
    dominance_ratio : float, default=2.0
        :math:`\rho > 1`: how many times larger than every other contribution
        the largest must be to dominate. With two classes and centred logits,
        :math:`\rho = 2` means the dominant modality moves the log-odds at least
        twice as much as the other.
    min_norm : float, default=1e-6
        Contributions this small count as zero.

    Returns
    -------
    InteractionKinds

    Raises
    ------
    TypeError
        If a threshold is not a real number.
    ValueError
        If ``contributions`` is not 3-D with at least two modalities, or a
        threshold is out of range.

    Notes
    -----
    M2Lens derives the same three categories from SHAP values of the
    modalities' features and leaves the thresholds to the analyst; the values
    here are our documented defaults, not the paper's.

    References
    ----------
    Wang, X. et al. M2Lens. IEEE TVCG (VIS 2021), Section 3 (the interaction
    types: dominance, complement, conflict).

    Examples
    --------
    >>> c = np.array([[[3.0, -3.0], [0.5, -0.5]],      # modality 0 dominates
    ...               [[1.0, -1.0], [1.0, -1.0]],      # same direction
    ...               [[1.0, -1.0], [-1.0, 1.0]]])     # opposite directions
    >>> classify_interactions(c).kind.tolist()
    ['dominance', 'complementarity', 'conflict']
    """
    c = _check_contributions(contributions)
    if c.shape[1] < 2:
        raise ValueError(
            f"contributions must describe at least two modalities (shape (N, M>=2, C)); got shape {c.shape}."
        )
    rho = check_scalar(dominance_ratio, "dominance_ratio", min_val=1, include_boundaries="neither")
    eps = check_scalar(min_norm, "min_norm", min_val=0)

    geo = contribution_geometry(c)
    norms, cos = geo.norms, geo.cosines
    n, m = norms.shape
    top = norms.argmax(axis=1)
    largest = norms[np.arange(n), top]
    others = norms.copy()
    others[np.arange(n), top] = -np.inf
    second = others.max(axis=1)
    active = norms > (largest / rho)[:, None]  # modalities that count
    pair_active = active[:, :, None] & active[:, None, :] & ~np.eye(m, dtype=bool)[None]
    agree = np.all(~pair_active | (cos > 0), axis=(1, 2))  # every active pair points the same way

    kind = np.where(agree, "complementarity", "conflict").astype(object)
    kind[largest >= rho * second] = "dominance"
    kind[largest <= eps] = "none"
    dominant = np.where(kind == "none", -1, top)
    return InteractionKinds(kind=kind.astype(str), dominant=dominant.astype(np.int64), dominance_ratio=rho)


# --------------------------------------------------------------------------- #
# shared private helpers
# --------------------------------------------------------------------------- #
def _as_list_function(f: Any) -> ListFunction:
    if not callable(f):
        raise TypeError(
            f"f must be a callable f([x_1, ..., x_M]) -> logits or a torch.nn.Module; got {type(f).__name__}."
        )
    return f


def _marginal_output(f: ListFunction, xs: list[torch.Tensor], m: int, pairs_per_call: int) -> torch.Tensor:
    """(1/N) sum_j f(x_i with modality m taken from sample j), for every i, in blocks of rows i."""
    n = xs[0].shape[0]
    rows = max(1, pairs_per_call // n)
    out = []
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        c = stop - start
        batch = [x.repeat(c, 1) if k == m else x[start:stop].repeat_interleave(n, dim=0) for k, x in enumerate(xs)]
        grid = check_logits(f(batch), c * n)  # row (i, j): sample i with x_{j,m}
        out.append(grid.reshape(c, n, -1).mean(dim=1))
    return torch.cat(out)


def _baselines(baseline: Any, xs: list[torch.Tensor]) -> list[torch.Tensor]:
    if isinstance(baseline, str):
        check_choice(baseline, "baseline", ("marginal", "mean", "zeros"))
        if baseline == "mean":
            return [x.mean(dim=0, keepdim=True) for x in xs]
        return [x.new_zeros(1, x.shape[1]) for x in xs]
    if isinstance(baseline, torch.Tensor) or not isinstance(baseline, Sequence):
        raise TypeError(
            f"baseline must be 'mean', 'zeros' or a list with one (d_m,) tensor per modality; "
            f"got {type(baseline).__name__}."
        )
    if len(baseline) != len(xs):
        raise ValueError(f"baseline must give one vector per modality ({len(xs)}); got {len(baseline)}.")
    out = []
    for m, (b, x) in enumerate(zip(baseline, xs, strict=True)):
        if not isinstance(b, torch.Tensor):
            raise TypeError(f"baseline[{m}] must be a torch.Tensor; got {type(b).__name__}.")
        if b.numel() != x.shape[1]:
            raise ValueError(
                f"baseline[{m}] must have {x.shape[1]} entries (the size of modality {m}); got shape {tuple(b.shape)}."
            )
        out.append(b.reshape(1, -1).to(device=x.device, dtype=x.dtype))
    return out


def _check_contributions(contributions: Any) -> np.ndarray:
    c = check_array(contributions, "contributions", finite=False, dtype=float)
    if c.ndim != 3:
        raise ValueError(
            f"contributions must have shape (N, M, C) (samples, modalities, classes); got shape {c.shape}."
        )
    if not np.all(np.isfinite(c)):
        raise ValueError("contributions must be finite; got NaN or infinite values.")
    return c
