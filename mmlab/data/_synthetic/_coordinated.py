"""Paired modalities with planted shared and private latents: data for coordination and fission.

A coordinated representation maps each modality into a space where paired
samples meet; a fission model splits each modality into what it shares with
the other and what is its own. Both need data whose shared and private
content is known, so every generator here returns its latent variables:

- :func:`make_paired_views`: continuous shared and private latents rendered
  through random nonlinear maps (cross-modal retrieval, contrastive learning,
  gated coordination with planted mismatched pairs, masked reconstruction);
- :func:`make_nonlinear_pairs`: an angle seen as :math:`(\\cos\theta, \\sin\theta)` by
  one modality and as :math:`(\\cos 2\theta, \\sin 2\theta)` by the other, so
  that every *linear* correlation between the modalities is zero while a
  nonlinear map recovers a correlation of almost 1 (deep CCA);
- :func:`make_shared_private`: discrete shared and private factors (fission
  probes).

All return a :class:`PlantedData`. Used by ``lectures/1_representation/06`` to
``10`` and ``labs/1_representation/03_coordination.ipynb``.

References
----------
Andrew, G., Arora, R., Bilmes, J. and Livescu, K. Deep canonical correlation
analysis. ICML 2013.
Bousmalis, K., Trigeorgis, G., Silberman, N., Krishnan, D. and Erhan, D.
Domain separation networks. NeurIPS 2016 (shared and private subspaces).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import (
    RandomState,
    check_array,
    check_fraction,
    check_positive_int,
    check_random_state,
    check_scalar,
)
from mmlab.data._synthetic._checks import _check_data_size, _check_dims
from mmlab.data._synthetic._projection import _make_projection, _render

__all__ = ["PlantedData", "make_nonlinear_pairs", "make_paired_views", "make_shared_private"]

_STANDARDISE_DRAWS = 4096  # latent draws used to standardise a continuous rendering


@dataclass(frozen=True, eq=False)
class PlantedData:
    """Generated modalities with the latent variables planted in them.

    Attributes
    ----------
    modalities : tuple of ndarray
        One float32 array per modality, ``(n, d_i)`` or ``(n, L_i, d_i)`` for
        token sequences.
    y : ndarray
        A label per sample, int64 ``(n,)`` (what it is: ``description``).
    latents : mapping of str to ndarray
        The ground truth per sample, one ``(n, ...)`` array per name (e.g.
        ``"shared"``, ``"private_0"``, ``"paired"``).
    description : str
        How the data were made and what ``y`` is.
    names : tuple of str
        A name per modality.
    """

    modalities: tuple[np.ndarray, ...]
    y: np.ndarray
    latents: Mapping[str, np.ndarray]
    description: str
    names: tuple[str, ...] = ()
    constants: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.y.shape[0])

    @property
    def n_modalities(self) -> int:
        """Number of modalities."""
        return len(self.modalities)

    def __len__(self) -> int:
        return self.n

    def to_torch(self, device: Any = None) -> tuple[list, Any]:
        """Return ``([x_0, ..., x_{M-1}], y)`` as torch tensors (float32 features, int64 labels)."""
        import torch

        return [torch.as_tensor(x, device=device) for x in self.modalities], torch.as_tensor(self.y, device=device)

    def subset(self, index: npt.ArrayLike) -> PlantedData:
        """Return the samples at ``index`` (integer indices or a boolean mask).

        Raises
        ------
        TypeError
            If ``index`` holds neither integers nor booleans.
        ValueError
            If ``index`` is not 1-D, a mask has the wrong length, or an index is out of range.
        """
        idx = check_array(index, "index", ndim=1)
        if idx.dtype == bool:
            if idx.shape[0] != self.n:
                raise ValueError(f"a boolean index must have {self.n} entries (one per sample); got {idx.shape[0]}.")
            idx = np.flatnonzero(idx)
        elif not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"index must hold integers or booleans; got dtype {idx.dtype}.")
        if idx.size and (idx.min() < -self.n or idx.max() >= self.n):
            raise ValueError(f"index must lie in [0, {self.n}); got values from {idx.min()} to {idx.max()}.")
        return replace(
            self,
            modalities=tuple(x[idx] for x in self.modalities),
            y=self.y[idx],
            latents=MappingProxyType({k: v[idx] for k, v in self.latents.items()}),
        )

    def split(
        self, fractions: Sequence[float] = (0.6, 0.2, 0.2), *, random_state: RandomState = 0
    ) -> tuple[PlantedData, ...]:
        """Split into disjoint parts by a seeded permutation (sizes rounded down, remainder to the first).

        Raises
        ------
        TypeError
            If ``fractions`` is not a sequence of at least two numbers.
        ValueError
            If a fraction is not in (0, 1], they do not sum to 1, or a part would be empty.
        """
        if isinstance(fractions, (str, bytes)) or not isinstance(fractions, Sequence) or len(fractions) < 2:
            raise TypeError(
                f"fractions must be a sequence of at least two shares, e.g. (0.6, 0.2, 0.2); got {fractions!r}."
            )
        fr = [check_fraction(f, f"fractions[{i}]", inclusive=(False, True)) for i, f in enumerate(fractions)]
        if abs(sum(fr) - 1.0) > 1e-6:
            raise ValueError(f"fractions must sum to 1; got {fr} (sum {sum(fr):.6g}).")
        sizes = [int(math.floor(f * self.n)) for f in fr]
        sizes[0] += self.n - sum(sizes)
        if min(sizes) < 1:
            raise ValueError(
                f"every part must receive at least one sample; with n={self.n} and fractions={fr} "
                f"the sizes are {sizes}. Generate more samples."
            )
        perm = check_random_state(random_state).permutation(self.n)
        bounds = np.cumsum([0] + sizes)
        return tuple(self.subset(perm[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True))


# --------------------------------------------------------------------------- #
# continuous shared and private latents
# --------------------------------------------------------------------------- #
def make_paired_views(
    n: int,
    *,
    shared_dim: int = 4,
    private_dim: int = 2,
    dims: int | Sequence[int] = 16,
    noise: float = 0.3,
    mismatch: float = 0.0,
    hidden: int = 32,
    random_state: RandomState = None,
) -> PlantedData:
    r"""Draw two modalities that render a shared continuous latent and one private latent each.

    For every sample, :math:`s \sim \mathcal N(0, I_k)` is shared and
    :math:`p_i \sim \mathcal N(0, I_q)` is private to modality :math:`i`;
    each modality is a fixed random two-layer tanh map of its latents plus
    noise,

    .. math::

        x_i = \operatorname{std}\big(B_i \tanh(A_i [s; p_i] + a_i)\big) + \sigma \varepsilon_i ,

    with standardised clean features (unit variance) and
    :math:`\varepsilon_i \sim \mathcal N(0, I_{d_i})`. The shared latent is
    what a coordinated representation can align (every pair is unique, so
    cross-modal retrieval has one right answer); the private latents cannot
    be predicted across modalities.

    With ``mismatch`` :math:`> 0`, that share of the samples has its modality-0
    features replaced by those of another mismatched sample (a random
    derangement among them): the pair is *not* related any more, although
    each modality alone looks normal. ``latents["paired"]`` marks the intact
    pairs, the planted relevance of modality 0 to modality 1.

    Parameters
    ----------
    n : int
    shared_dim : int, default=4
        :math:`k`.
    private_dim : int, default=2
        :math:`q` (0 allowed: nothing private).
    dims : int or pair of int, default=16
        :math:`d_i`.
    noise : float, default=0.3
        :math:`\sigma`.
    mismatch : float, default=0.0
        Share of samples whose pair is broken, in [0, 1).
    hidden : int, default=32
        Width of the random tanh layer.
    random_state : int or numpy.random.Generator, optional
        Seeds the maps (drawn first), the latents, the noise and the mismatch.

    Returns
    -------
    PlantedData
        Two float32 modalities ``(n, d_i)``; ``y`` = 1 where the first shared
        latent is positive; ``latents``: ``"shared"`` ``(n, k)``,
        ``"private_0"``, ``"private_1"`` ``(n, q)``, ``"paired"`` (bool) and
        ``"source"`` (the sample whose modality 0 was used).

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If a size is out of range, ``noise`` is negative, ``mismatch`` is not
        in [0, 1), or the request is too large for memory.

    Examples
    --------
    >>> from mmlab.data import make_paired_views
    >>> d = make_paired_views(100, mismatch=0.5, random_state=0)
    >>> d.modalities[0].shape, int(d.latents["paired"].sum()) < 100
    ((100, 16), True)
    """
    n = check_positive_int(n, "n")
    k = check_positive_int(shared_dim, "shared_dim")
    q = check_positive_int(private_dim, "private_dim", minimum=0)
    dims_t = _check_dims(dims, 2)
    noise = check_scalar(noise, "noise", min_val=0)
    mismatch = check_fraction(mismatch, "mismatch", inclusive=(True, False))
    hidden = check_positive_int(hidden, "hidden")
    rng = check_random_state(random_state)
    _check_data_size("make_paired_views", n, dims_t, hidden, k + 2 * q, 1, k + q)

    maps = [_continuous_map(k + q, d, hidden, rng) for d in dims_t]
    shared = rng.standard_normal((n, k))
    private = [rng.standard_normal((n, q)) for _ in range(2)]
    xs = [_render_continuous(np.hstack([shared, p]), m, noise, rng) for p, m in zip(private, maps, strict=True)]
    source = np.arange(n)
    broken = np.flatnonzero(rng.random(n) < mismatch)
    if broken.size >= 2:
        source[broken] = broken[_derangement(broken.size, rng)]
    elif broken.size == 1:  # one broken pair: take modality 0 from any other sample
        source[broken] = (broken + 1 + rng.integers(0, n - 1)) % n if n > 1 else broken
    xs[0] = xs[0][source]
    paired = source == np.arange(n)
    return PlantedData(
        modalities=tuple(xs),
        y=(shared[:, 0] > 0).astype(np.int64),
        latents=MappingProxyType(
            {
                "shared": shared.astype(np.float32),
                "private_0": private[0].astype(np.float32),
                "private_1": private[1].astype(np.float32),
                "paired": paired,
                "source": source,
            }
        ),
        description=(
            f"shared latent of {k} dims and private latents of {q} dims, random tanh renderings, noise "
            f"sd {noise:g}; {mismatch:.0%} of the pairs broken; y = [first shared latent > 0]"
        ),
        names=("a", "b"),
    )


def make_nonlinear_pairs(
    n: int,
    *,
    harmonic: int = 2,
    dims: int | Sequence[int] = 8,
    noise: float = 0.1,
    n_classes: int = 4,
    random_state: RandomState = None,
) -> PlantedData:
    r"""Draw two modalities related only nonlinearly: an angle and a multiple of it.

    An angle :math:`\theta \sim U[0, 2\pi)` is shared. Modality 0 sees
    :math:`(\cos\theta, \sin\theta)`, modality 1 sees
    :math:`(\cos h\theta, \sin h\theta)` with :math:`h` = ``harmonic``; each is
    padded with independent standard normal coordinates to :math:`d_i`
    dimensions, rotated by a fixed random orthogonal matrix :math:`Q_i` and
    noised:

    .. math::

        x_0 = Q_0 [\cos\theta, \sin\theta, u_0] + \sigma\varepsilon_0, \qquad
        x_1 = Q_1 [\cos h\theta, \sin h\theta, u_1] + \sigma\varepsilon_1 .

    For :math:`h \ge 2` every cross-covariance between the two modalities is
    zero (:math:`\mathbb E[\cos\theta \cos h\theta] = 0` and the like), so
    all population canonical correlations of linear CCA are 0; yet
    :math:`\cos h\theta` is a polynomial of :math:`(\cos\theta, \sin\theta)`, so
    a nonlinear map of modality 0 correlates almost perfectly with a linear
    map of modality 1 (up to the noise): the planted *nonlinear pairing*.

    Parameters
    ----------
    n : int
    harmonic : int, default=2
        :math:`h \ge 2`.
    dims : int or pair of int, default=8
        :math:`d_i \ge 2`.
    noise : float, default=0.1
        :math:`\sigma`.
    n_classes : int, default=4
        ``y`` is the sector of :math:`h\theta` (what both modalities share) among
        ``n_classes`` equal sectors.
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    PlantedData
        Two float32 modalities ``(n, d_i)``; ``latents["theta"]`` ``(n,)``.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If ``harmonic < 2``, a dimension is below 2, ``noise`` is negative, or
        ``n_classes < 2``.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlab.data import make_nonlinear_pairs
    >>> d = make_nonlinear_pairs(20000, random_state=0)
    >>> cross = np.corrcoef(d.modalities[0].T, d.modalities[1].T)[:8, 8:]
    >>> bool(np.abs(cross).max() < 0.05)
    True
    """
    n = check_positive_int(n, "n")
    h = check_positive_int(harmonic, "harmonic", minimum=2)
    dims_t = _check_dims(dims, 2)
    if min(dims_t) < 2:
        raise ValueError(f"dims must be at least 2 (the two coordinates of the angle); got {list(dims_t)}.")
    noise = check_scalar(noise, "noise", min_val=0)
    n_classes = check_positive_int(n_classes, "n_classes", minimum=2)
    rng = check_random_state(random_state)
    _check_data_size("make_nonlinear_pairs", n, dims_t, 0, 1, 1, 1)

    rotations = [np.linalg.qr(rng.standard_normal((d, d)))[0] for d in dims_t]  # Q_i
    theta = rng.uniform(0.0, 2.0 * np.pi, n)
    xs = []
    for i, (d, rot) in enumerate(zip(dims_t, rotations, strict=True)):
        angle = theta if i == 0 else h * theta
        clean = np.hstack([np.cos(angle)[:, None], np.sin(angle)[:, None], rng.standard_normal((n, d - 2))])
        xs.append((clean @ rot.T + noise * rng.standard_normal((n, d))).astype(np.float32))
    sector = np.floor((h * theta % (2 * np.pi)) / (2 * np.pi) * n_classes).astype(np.int64)
    return PlantedData(
        modalities=tuple(xs),
        y=np.minimum(sector, n_classes - 1),
        latents=MappingProxyType({"theta": theta.astype(np.float32)}),
        description=f"x_0 renders (cos t, sin t), x_1 renders (cos {h}t, sin {h}t); y = sector of {h}t",
        names=("a", "b"),
        constants=MappingProxyType({"harmonic": h}),
    )


# --------------------------------------------------------------------------- #
# discrete shared and private factors
# --------------------------------------------------------------------------- #
def make_shared_private(
    n: int,
    *,
    n_levels: int = 4,
    dims: int | Sequence[int] = 16,
    noise: float = 0.3,
    hidden: int = 32,
    random_state: RandomState = None,
) -> PlantedData:
    r"""Draw two modalities from one shared and one private discrete factor each.

    Factors are independent and uniform on :math:`\{0, \dots, k-1\}`: the
    shared :math:`s`, and the private :math:`p_0, p_1`. Modality :math:`i`
    renders :math:`(s, p_i)` through a fixed random two-layer tanh map of the
    factors' one-hot codes plus noise (the rendering of
    :func:`make_interaction`), so each modality carries exactly the shared
    factor and its own private one. A fission model should put :math:`s` in
    its shared code and :math:`p_i` in modality :math:`i`'s private code.

    Parameters
    ----------
    n : int
    n_levels : int, default=4
        :math:`k \ge 2` (chance of a probe: :math:`1/k`).
    dims : int or pair of int, default=16
    noise : float, default=0.3
    hidden : int, default=32
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    PlantedData
        ``y`` = :math:`s`; ``latents``: ``"shared"``, ``"private_0"``,
        ``"private_1"``, int64 ``(n,)`` each.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If a size is out of range, ``noise`` is negative, or the request is too large.

    Examples
    --------
    >>> from mmlab.data import make_shared_private
    >>> d = make_shared_private(50, random_state=0)
    >>> sorted(d.latents), bool((d.y == d.latents["shared"]).all())
    (['private_0', 'private_1', 'shared'], True)
    """
    n = check_positive_int(n, "n")
    k = check_positive_int(n_levels, "n_levels", minimum=2)
    dims_t = _check_dims(dims, 2)
    noise = check_scalar(noise, "noise", min_val=0)
    hidden = check_positive_int(hidden, "hidden")
    rng = check_random_state(random_state)
    _check_data_size("make_shared_private", n, dims_t, hidden, 3, k, 2)

    projections = [_make_projection(2, k, d, hidden, rng) for d in dims_t]
    factors = rng.integers(0, k, size=(n, 3)).astype(np.int64)  # s, p_0, p_1
    xs = tuple(_render(factors[:, [0, 1 + i]], k, proj, noise, rng) for i, proj in enumerate(projections))
    return PlantedData(
        modalities=xs,
        y=factors[:, 0].copy(),
        latents=MappingProxyType({"shared": factors[:, 0], "private_0": factors[:, 1], "private_1": factors[:, 2]}),
        description=f"modality i renders (shared, private_i), {k} levels each, noise sd {noise:g}; y = shared",
        names=("a", "b"),
        constants=MappingProxyType({"n_levels": k}),
    )


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _continuous_map(n_in: int, dim: int, hidden: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """A random two-layer tanh map of Gaussian latents with standardisation constants."""
    a_w = rng.normal(0.0, 1.5 / math.sqrt(max(n_in, 1)), size=(n_in, hidden))
    a_b = rng.normal(0.0, 0.5, size=hidden)
    b_w = rng.normal(0.0, 1.0 / math.sqrt(hidden), size=(hidden, dim))
    ref = np.tanh(rng.standard_normal((_STANDARDISE_DRAWS, n_in)) @ a_w + a_b) @ b_w
    std = ref.std(axis=0)
    std[std < 1e-12] = 1.0
    return a_w, a_b, b_w, ref.mean(axis=0), std


def _render_continuous(z: np.ndarray, m: tuple[np.ndarray, ...], noise: float, rng: np.random.Generator) -> np.ndarray:
    a_w, a_b, b_w, mean, std = m
    x = (np.tanh(z @ a_w + a_b) @ b_w - mean) / std
    return (x + noise * rng.standard_normal(x.shape)).astype(np.float32)


def _derangement(m: int, rng: np.random.Generator) -> np.ndarray:
    """A random permutation of ``range(m)`` without fixed points (m >= 2): a shuffled cycle."""
    order = rng.permutation(m)
    out = np.empty(m, dtype=np.int64)
    out[order] = np.roll(order, 1)
    return out
