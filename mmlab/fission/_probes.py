"""Linear probes: which factor can a linear classifier read from a frozen representation?

A probe fits a linear classifier on top of fixed features and reports its
held-out accuracy. Probing every code of a model for every planted factor
gives a table (:func:`probe_table`) that says where each factor lives: the
check of a fission model (does the shared code hold the shared factor and
only it?) and of self-supervised features (are the classes linearly
separable?).

Used by ``lectures/1_representation/07`` and ``08``, and
``labs/1_representation/03_coordination.ipynb``.

References
----------
Alain, G. and Bengio, Y. Understanding intermediate layers using linear
classifier probes. ICLR workshop 2017.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from mmlab._validation import check_array, check_choice, check_same_length, check_scalar

__all__ = ["linear_probe", "probe_table"]


def linear_probe(
    train_features: npt.ArrayLike,
    train_labels: npt.ArrayLike,
    test_features: npt.ArrayLike,
    test_labels: npt.ArrayLike,
    *,
    method: str = "logistic",
    alpha: float = 1e-3,
) -> float:
    r"""Held-out accuracy of a linear classifier trained on frozen features.

    Features are standardised with the training mean and standard deviation.
    ``method="logistic"`` fits a multinomial logistic regression with an
    :math:`\ell_2` penalty of strength ``alpha`` (scikit-learn's
    ``C = 1 / (alpha n)``); ``method="ridge"`` is the closed-form least-squares
    probe on one-hot targets,

    .. math::

        W = \big(\tilde Z^\top \tilde Z + \alpha n\, \operatorname{diag}(1, \dots, 1, 0)\big)^{-1}
            \tilde Z^\top Y, \qquad \hat y = \arg\max_c\, [\tilde z; 1]^\top W_{:, c},

    with :math:`\tilde Z = [Z, \mathbf 1]` (the bias is not penalised) and
    :math:`Y` the one-hot training labels.

    Parameters
    ----------
    train_features : array-like of shape (n, d)
    train_labels : array-like of shape (n,)
        Integer class labels.
    test_features : array-like of shape (m, d)
    test_labels : array-like of shape (m,)
    method : {"logistic", "ridge"}, default="logistic"
    alpha : float, default=1e-3
        Penalty strength :math:`\alpha > 0`, per sample.

    Returns
    -------
    float
        Test accuracy; chance is about :math:`1 / C` for balanced classes.

    Raises
    ------
    TypeError
        If the labels are not integers.
    ValueError
        If the arrays have the wrong dimensions, are unpaired, hold NaN, the
        feature counts differ, the training labels hold a single class, or
        ``method``/``alpha`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlab.fission import linear_probe
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200)
    >>> z = np.c_[y + 0.1 * rng.normal(size=200), rng.normal(size=200)]
    >>> linear_probe(z[:100], y[:100], z[100:], y[100:], method="ridge")
    1.0
    """
    ztr, ytr, zte, yte = _check_probe_inputs(train_features, train_labels, test_features, test_labels)
    method = check_choice(method, "method", ("logistic", "ridge"))
    alpha = check_scalar(alpha, "alpha", min_val=0, include_boundaries="neither")
    mean, std = ztr.mean(axis=0), ztr.std(axis=0)
    std[std < 1e-12] = 1.0
    ztr, zte = (ztr - mean) / std, (zte - mean) / std
    classes = np.unique(ytr)
    if method == "logistic":
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=1.0 / (alpha * ztr.shape[0]), max_iter=2000)
        pred = clf.fit(ztr, ytr).predict(zte)
    else:
        pred = classes[_ridge_scores(ztr, ytr, zte, classes, alpha).argmax(axis=1)]
    return float((pred == yte).mean())


def probe_table(
    codes: Mapping[str, tuple[Any, Any]],
    targets: Mapping[str, tuple[Any, Any]],
    *,
    method: str = "logistic",
    alpha: float = 1e-3,
) -> Any:
    """Probe accuracy of every code for every target: a codes x targets table.

    Parameters
    ----------
    codes : mapping of str to (train, test) arrays
        Each representation, as ``(n, d)`` training and ``(m, d)`` test features.
    targets : mapping of str to (train, test) arrays
        Each factor to predict, as ``(n,)`` and ``(m,)`` integer labels.
    method, alpha
        As :func:`linear_probe`.

    Returns
    -------
    pandas.DataFrame
        Rows: codes; columns: targets; entries: test accuracy.

    Raises
    ------
    TypeError
        If ``codes`` or ``targets`` is not a non-empty mapping of pairs.
    ValueError
        As :func:`linear_probe`.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlab.fission import probe_table
    >>> y = np.arange(100) % 2
    >>> z = np.c_[y, np.zeros(100)] + 0.01 * np.random.default_rng(0).normal(size=(100, 2))
    >>> probe_table({"z": (z[:50], z[50:])}, {"y": (y[:50], y[50:])}).loc["z", "y"]
    np.float64(1.0)
    """
    import pandas as pd

    for name, table in (("codes", codes), ("targets", targets)):
        if not isinstance(table, Mapping) or not table:
            raise TypeError(f"{name} must be a non-empty mapping name -> (train, test); got {type(table).__name__}.")
        for key, pair in table.items():
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"{name}[{key!r}] must be a pair (train, test); got {type(pair).__name__}.")
    rows = {
        c: {t: linear_probe(zc[0], yt[0], zc[1], yt[1], method=method, alpha=alpha) for t, yt in targets.items()}
        for c, zc in codes.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def _ridge_scores(ztr: np.ndarray, ytr: np.ndarray, zte: np.ndarray, classes: np.ndarray, alpha: float) -> np.ndarray:
    """Class scores of the closed-form ridge probe on standardised features."""
    n, d = ztr.shape
    a = np.hstack([ztr, np.ones((n, 1))])  # [Z, 1]
    onehot = (ytr[:, None] == classes[None, :]).astype(float)  # Y
    penalty = alpha * n * np.diag(np.r_[np.ones(d), 0.0])  # the bias is not penalised
    w = np.linalg.solve(a.T @ a + penalty, a.T @ onehot)
    return np.hstack([zte, np.ones((zte.shape[0], 1))]) @ w


def _check_probe_inputs(ztr: Any, ytr: Any, zte: Any, yte: Any) -> tuple[np.ndarray, ...]:
    ztr = check_array(ztr, "train_features", ndim=2, dtype=float)
    zte = check_array(zte, "test_features", ndim=2, dtype=float)
    ytr, yte = check_array(ytr, "train_labels", ndim=1), check_array(yte, "test_labels", ndim=1)
    for name, y in (("train_labels", ytr), ("test_labels", yte)):
        if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_)):
            raise TypeError(f"{name} must hold integer class labels; got dtype {y.dtype}.")
    check_same_length([ztr, ytr], ["train_features", "train_labels"])
    check_same_length([zte, yte], ["test_features", "test_labels"])
    if ztr.shape[1] != zte.shape[1]:
        raise ValueError(
            f"train_features and test_features must have the same number of features; got "
            f"{ztr.shape[1]} and {zte.shape[1]}."
        )
    if np.unique(ytr).size < 2:
        raise ValueError("train_labels must hold at least two classes for a probe to separate.")
    return ztr, ytr.astype(np.int64), zte, yte.astype(np.int64)
