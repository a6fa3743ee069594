"""Canonical correlation analysis from the covariance blocks (Hotelling 1936), implemented here.

CCA is the classic *coordinated* representation: two linear maps, one per
modality, chosen so that the projected modalities are as correlated as
possible, one pair of directions after another. The lesson is the
implementation, so :class:`CCA` computes it in closed form (whitening and one
SVD); ``tests/coordination/test_cca.py`` compares it with
:class:`sklearn.cross_decomposition.CCA` (an iterative NIPALS solver).

Used by: ``lectures/1_representation/06_coordinated_representations.ipynb``,
``labs/1_representation/03_coordination.ipynb`` and the deep CCA evaluation.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array, check_positive_int, check_same_length, check_scalar
from mmlab.exceptions import SolverError

__all__ = ["CCA", "canonical_correlations"]

#: Smallest eigenvalue (relative to the largest) a covariance block may have before it counts as singular.
_RCOND = 1e-10


class CCA:
    r"""Canonical correlation analysis by whitening and one singular value decomposition.

    With centred data :math:`X \in \mathbb R^{n \times p}`,
    :math:`Y \in \mathbb R^{n \times q}` and covariance blocks

    .. math::

        \Sigma_{XX} = \tfrac{1}{n-1} X^\top X + r I, \quad
        \Sigma_{YY} = \tfrac{1}{n-1} Y^\top Y + r I, \quad
        \Sigma_{XY} = \tfrac{1}{n-1} X^\top Y,

    CCA finds directions :math:`a_k, b_k` that maximise
    :math:`\rho_k = \operatorname{corr}(X a_k, Y b_k)` subject to the
    canonical variates being uncorrelated with the earlier ones. The solution
    is the SVD of the *whitened cross-covariance*

    .. math::

        T = \Sigma_{XX}^{-1/2}\, \Sigma_{XY}\, \Sigma_{YY}^{-1/2} = U S V^\top, \qquad
        a_k = \Sigma_{XX}^{-1/2} u_k, \quad b_k = \Sigma_{YY}^{-1/2} v_k, \quad \rho_k = s_k ,

    so the canonical correlations are the singular values of :math:`T` (in
    :math:`[0, 1]`), and the canonical variates :math:`X a_k`, :math:`Y b_k`
    have unit variance.

    Parameters
    ----------
    n_components : int, default=2
        :math:`K`, the number of pairs of directions; at most
        :math:`\min(p, q)`.
    reg : float, default=0.0
        :math:`r \ge 0`, added to the diagonal of both auto-covariances
        (regularised CCA). Needed when :math:`n` is close to :math:`p` or
        :math:`q`, or a modality has constant or collinear features.

    Attributes
    ----------
    correlations_ : ndarray of shape (K,)
        :math:`\rho_1 \ge \dots \ge \rho_K` on the training data.
    x_weights_ : ndarray of shape (p, K)
        :math:`a_k` as columns.
    y_weights_ : ndarray of shape (q, K)
        :math:`b_k` as columns.
    x_mean_ : ndarray of shape (p,)
    y_mean_ : ndarray of shape (q,)

    Raises
    ------
    TypeError
        If ``n_components`` is not an int or ``reg`` not a real number; if
        ``fit`` gets arrays that are not numeric.
    ValueError
        If ``n_components < 1`` or ``reg < 0``; if ``fit`` gets arrays that are
        not 2-D, hold NaN, are unpaired, have fewer than 2 samples, or
        ``n_components`` exceeds :math:`\min(p, q)`; if ``transform`` gets the
        wrong number of features.
    mmlab.exceptions.SolverError
        If a covariance block is singular (a constant or duplicated feature, or
        fewer samples than features) and ``reg`` is 0.

    See Also
    --------
    sklearn.cross_decomposition.CCA : the same model, fitted by NIPALS iterations.
    canonical_correlations : only the correlations.
    mmlab.coordination.DeepCCA : the nonlinear version (Andrew et al. 2013).

    Notes
    -----
    Signs are fixed so that the largest-magnitude entry of each
    :math:`a_k` is positive (each pair :math:`(a_k, b_k)` may be flipped
    together without changing :math:`\rho_k`). Cost: :math:`O(n(p+q)^2 +
    (p+q)^3)`.

    References
    ----------
    Hotelling, H. Relations between two sets of variates. Biometrika 28(3/4), 1936.
    Hardoon, D. R., Szedmak, S. and Shawe-Taylor, J. Canonical correlation
    analysis: an overview with application to learning methods. Neural
    Computation 16(12), 2004 (section 2, the whitened form).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlab.coordination import CCA
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(500, 1))
    >>> x = np.hstack([z, rng.normal(size=(500, 2))])
    >>> y = np.hstack([rng.normal(size=(500, 2)), z + 0.5 * rng.normal(size=(500, 1))])
    >>> np.round(CCA(n_components=1).fit(x, y).correlations_, 1)  # corr(z, z + noise) = 1 / sqrt(1.25)
    array([0.9])
    """

    def __init__(self, n_components: int = 2, *, reg: float = 0.0) -> None:
        self.n_components = check_positive_int(n_components, "n_components")
        self.reg = check_scalar(reg, "reg", numbers.Real, min_val=0)

    # ------------------------------------------------------------------ fit
    def fit(self, x: npt.ArrayLike, y: npt.ArrayLike) -> CCA:
        """Fit the canonical directions to paired samples; return ``self``.

        Parameters
        ----------
        x : array-like of shape (n, p)
        y : array-like of shape (n, q)

        Returns
        -------
        CCA

        Raises
        ------
        ValueError
            If there are fewer than 2 samples or ``n_components`` exceeds ``min(p, q)``.
        """
        x, y = _check_pair(x, y)
        k = self.n_components
        if k > min(x.shape[1], y.shape[1]):
            raise ValueError(
                f"n_components must be at most min(p, q) = {min(x.shape[1], y.shape[1])} "
                f"(the smaller modality's feature count); got {k}."
            )
        self.x_mean_, self.y_mean_ = x.mean(axis=0), y.mean(axis=0)
        self.x_weights_, self.y_weights_, self.correlations_ = _cca_core(
            x - self.x_mean_, y - self.y_mean_, k, self.reg
        )
        return self

    # ------------------------------------------------------------ transform
    def transform(self, x: npt.ArrayLike, y: npt.ArrayLike | None = None) -> Any:
        """Project onto the canonical directions: ``(x - mean) a`` (and ``(y - mean) b``).

        Parameters
        ----------
        x : array-like of shape (m, p)
        y : array-like of shape (m, q), optional

        Returns
        -------
        ndarray of shape (m, K), or a pair of them when ``y`` is given

        Raises
        ------
        ValueError
            If the model is not fitted, or an input has the wrong number of features.
        """
        self._check_fitted()
        xs = _features(x, "x", self.x_mean_.shape[0]) - self.x_mean_
        if y is None:
            return xs @ self.x_weights_
        ys = _features(y, "y", self.y_mean_.shape[0]) - self.y_mean_
        check_same_length([xs, ys], ["x", "y"])
        return xs @ self.x_weights_, ys @ self.y_weights_

    def fit_transform(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Fit, then return the canonical variates of the training data, ``(n, K)`` each."""
        return self.fit(x, y).transform(x, y)

    def score(self, x: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
        """Correlation of each pair of canonical variates on (new) paired data, shape ``(K,)``.

        On the training data this equals :attr:`correlations_`; on held-out
        data it is lower when the directions overfit.

        Raises
        ------
        ValueError
            If the model is not fitted or the inputs are not paired.
        """
        u, v = self.transform(x, y)
        return _column_correlations(u, v)

    def _check_fitted(self) -> None:
        if not hasattr(self, "x_weights_"):
            raise ValueError("this CCA is not fitted yet; call fit(x, y) first.")

    def __repr__(self) -> str:
        return f"CCA(n_components={self.n_components}, reg={self.reg:g})"


def canonical_correlations(
    x: npt.ArrayLike, y: npt.ArrayLike, n_components: int | None = None, *, reg: float = 0.0
) -> np.ndarray:
    r"""The canonical correlations :math:`\rho_1 \ge \rho_2 \ge \dots` of two paired data sets.

    The singular values of :math:`\Sigma_{XX}^{-1/2} \Sigma_{XY} \Sigma_{YY}^{-1/2}`
    (see :class:`CCA` for the symbols).

    Parameters
    ----------
    x : array-like of shape (n, p)
    y : array-like of shape (n, q)
    n_components : int, optional
        How many; default :math:`\min(p, q)`.
    reg : float, default=0.0
        Ridge :math:`r` on both auto-covariances.

    Returns
    -------
    ndarray of shape (n_components,)

    Raises
    ------
    TypeError, ValueError, mmlab.exceptions.SolverError
        As :class:`CCA`.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlab.coordination import canonical_correlations
    >>> x = np.random.default_rng(0).normal(size=(200, 3))
    >>> np.round(canonical_correlations(x, x[:, ::-1]), 6)
    array([1., 1., 1.])
    """
    x_arr, y_arr = _check_pair(x, y)
    k = min(x_arr.shape[1], y_arr.shape[1]) if n_components is None else n_components
    return CCA(k, reg=reg).fit(x_arr, y_arr).correlations_


# --------------------------------------------------------------------------- #
# the core (inputs validated and centred)
# --------------------------------------------------------------------------- #
def _cca_core(xc: np.ndarray, yc: np.ndarray, k: int, reg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whitening + SVD on centred, validated data: (a, b, rho) with a (p, k), b (q, k), rho (k,)."""
    n = xc.shape[0]
    sxx = xc.T @ xc / (n - 1) + reg * np.eye(xc.shape[1])  # Sigma_XX + r I
    syy = yc.T @ yc / (n - 1) + reg * np.eye(yc.shape[1])  # Sigma_YY + r I
    sxy = xc.T @ yc / (n - 1)  # Sigma_XY
    wx = _inv_sqrt(sxx, "x")  # Sigma_XX^{-1/2}
    wy = _inv_sqrt(syy, "y")
    u, s, vt = np.linalg.svd(wx @ sxy @ wy)  # T = U S V^T
    a, b = wx @ u[:, :k], wy @ vt.T[:, :k]  # a_k = Sigma_XX^{-1/2} u_k, b_k = Sigma_YY^{-1/2} v_k
    flip = np.sign(a[np.argmax(np.abs(a), axis=0), np.arange(k)])
    flip[flip == 0] = 1.0
    return a * flip, b * flip, np.clip(s[:k], 0.0, 1.0)


def _inv_sqrt(s: np.ndarray, name: str) -> np.ndarray:
    """Symmetric inverse square root of a covariance block; SolverError if it is singular."""
    w, v = np.linalg.eigh(s)
    if w[-1] <= 0 or w[0] <= _RCOND * w[-1]:
        raise SolverError(
            f"the covariance of {name} is singular (smallest eigenvalue {w[0]:.3g}, largest "
            f"{w[-1]:.3g}): a constant or collinear feature, or fewer samples than features. "
            "Pass reg > 0 (e.g. reg=1e-3) for regularised CCA, or drop those features."
        )
    return (v / np.sqrt(w)) @ v.T


def _column_correlations(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    uc, vc = u - u.mean(axis=0), v - v.mean(axis=0)
    denom = np.sqrt((uc**2).sum(axis=0) * (vc**2).sum(axis=0))
    return (uc * vc).sum(axis=0) / np.where(denom > 0, denom, 1.0)


def _check_pair(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x = check_array(x, "x", ndim=2, dtype=float)
    y = check_array(y, "y", ndim=2, dtype=float)
    n = check_same_length([x, y], ["x", "y"])
    if n < 2:
        raise ValueError(f"x and y must hold at least 2 paired samples to estimate covariances; got {n}.")
    if x.shape[1] < 1 or y.shape[1] < 1:
        raise ValueError(f"x and y must have at least one feature each; got shapes {x.shape} and {y.shape}.")
    return x, y


def _features(x: Any, name: str, p: int) -> np.ndarray:
    x = check_array(x, name, ndim=2, dtype=float)
    if x.shape[1] != p:
        raise ValueError(f"{name} must have {p} features (as in fit); got shape {x.shape}.")
    return x
