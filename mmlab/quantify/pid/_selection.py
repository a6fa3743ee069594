"""Dataset -> model quantification -> model selection: compare the PID of the data with the PID of each model."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from mmlab._validation import check_choice
from mmlab.quantify.pid._batch import batch_pid
from mmlab.quantify.pid._cluster import cluster_pid
from mmlab.quantify.pid._result import PIDResult

__all__ = ["ESTIMATORS", "dataset_pid", "interaction_distance", "model_pid", "rank_by_interactions"]

#: The estimators :func:`dataset_pid` and :func:`model_pid` know by name.
ESTIMATORS: dict[str, Any] = {"cluster": cluster_pid, "batch": batch_pid}


def dataset_pid(
    x1: npt.ArrayLike | torch.Tensor,
    x2: npt.ArrayLike | torch.Tensor,
    y: npt.ArrayLike | torch.Tensor,
    *,
    estimator: str = "cluster",
    **options: Any,
) -> PIDResult:
    r"""Dataset quantification: the PID atoms of :math:`(X_1, X_2; Y)` estimated from samples.

    .. math::

        \mathcal D = \{(x_{1,i}, x_{2,i}, y_i)\}_{i=1}^n \;\longmapsto\;
        \{R, U_1, U_2, S\}_{\mathcal D} .

    Parameters
    ----------
    x1, x2 : array-like or torch.Tensor of shape (n, d_i)
        The two modalities, paired.
    y : array-like or torch.Tensor of shape (n,)
        Class labels.
    estimator : {"cluster", "batch"}, default="cluster"
        :func:`cluster_pid` or :func:`batch_pid`.
    **options
        Passed to the estimator (``n_clusters=``, ``epochs=``, ``random_state=`` ...).

    Returns
    -------
    PIDResult

    Raises
    ------
    ValueError
        On an unknown estimator, or whatever the estimator rejects.

    References
    ----------
    Liang, P. P. et al. Quantifying & modeling multimodal interactions: an
    information decomposition framework. NeurIPS 2023 (Section 4, dataset
    quantification).

    Examples
    --------
    >>> from mmlab.data import make_interaction
    >>> d = make_interaction(1000, "synergy", random_state=0)
    >>> dataset_pid(*d.modalities, d.y).dominant
    'synergy'
    """
    estimator = check_choice(estimator, "estimator", list(ESTIMATORS))
    return ESTIMATORS[estimator](
        _numpy_if_cluster(x1, estimator), _numpy_if_cluster(x2, estimator), _numpy_if_cluster(y, estimator), **options
    )


def model_pid(
    model: nn.Module,
    x1: torch.Tensor,
    x2: torch.Tensor,
    *,
    estimator: str = "cluster",
    batch_size: int = 1024,
    **options: Any,
) -> PIDResult:
    r"""Model quantification: the PID atoms of :math:`(X_1, X_2; \hat Y)` with the model's predictions as labels.

    .. math::

        f(\mathcal D) = \{(x_{1,i}, x_{2,i}, \hat y_i = \arg\max_c f(x_{1,i}, x_{2,i})_c)\}
        \;\longmapsto\; \{R, U_1, U_2, S\}_{f(\mathcal D)} .

    The atoms describe the interactions the *model* uses: a model that ignores
    the second modality has :math:`U_2 = R = S = 0` whatever the data hold.

    Parameters
    ----------
    model : torch.nn.Module
        Called as ``model([x1, x2])`` (the fusion convention), returning logits
        ``(n, C)``; evaluated in ``eval()`` mode without gradients.
    x1, x2 : torch.Tensor of shape (n, d_i)
        The inputs, on the model's device.
    estimator : {"cluster", "batch"}, default="cluster"
    batch_size : int, default=1024
        Rows per forward pass when predicting.
    **options
        Passed to the estimator. Use the same ``random_state`` (and
        ``n_clusters``) as for :func:`dataset_pid` so that both share their
        clusters and can be compared.

    Returns
    -------
    PIDResult
        ``info["predictions"]`` holds :math:`\hat y`.

    Raises
    ------
    TypeError
        If ``model`` is not a ``torch.nn.Module``.
    ValueError
        If the model predicts a single class for every sample (no information
        to decompose), or on an unknown estimator.

    References
    ----------
    Liang, P. P. et al. NeurIPS 2023 (Section 4, model quantification).
    """
    from mmlab.train import predict

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module called as model([x1, x2]); got {type(model).__name__}.")
    estimator = check_choice(estimator, "estimator", list(ESTIMATORS))
    logits = predict(model, [x1, x2], batch_size=batch_size)
    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError(f"model must return class logits of shape (n, C >= 2); got {tuple(logits.shape)}.")
    y_hat = logits.argmax(dim=1)
    if torch.unique(y_hat).numel() < 2:
        raise ValueError(
            "the model predicts the same class for every sample, so its predictions carry no "
            "information to decompose; train it further or check its inputs."
        )
    labels = y_hat.numpy() if estimator == "cluster" else y_hat.to(x1.device)
    est = ESTIMATORS[estimator](_numpy_if_cluster(x1, estimator), _numpy_if_cluster(x2, estimator), labels, **options)
    return PIDResult(
        redundancy=est.redundancy,
        unique1=est.unique1,
        unique2=est.unique2,
        synergy=est.synergy,
        total=est.total,
        method=est.method,
        q=est.q,
        info=MappingProxyType({**est.info, "predictions": y_hat.numpy()}),
    )


def interaction_distance(
    a: PIDResult | npt.ArrayLike, b: PIDResult | npt.ArrayLike, *, normalize: bool = True, negative_tol: float = 0.1
) -> float:
    r"""Distance between two interaction profiles :math:`(R, U_1, U_2, S)`.

    .. math::

        d(a, b) = \sum_{k \in \{R, U_1, U_2, S\}} \big|\tilde a_k - \tilde b_k\big|,
        \qquad \tilde a_k = \frac{\max(a_k, 0)}{\sum_j \max(a_j, 0)} \ \text{(normalised)}
        \ \text{or}\ a_k ,

    the L1 distance between the profiles, each divided by its total so that it
    says *which* interactions carry the information rather than how much
    (``normalize=True``), or between the raw atoms in bits.

    Parameters
    ----------
    a, b : PIDResult or array-like of shape (4,)
        Atoms ordered as :data:`~mmlab.quantify.ATOMS`.
    normalize : bool, default=True
        Compare shares (in [0, 2]) instead of bits.
    negative_tol : float in [0, 1), default=0.1
        How negative an atom may be, as a share of the profile's size
        :math:`\sum_k |a_k|` (with an absolute floor of 1e-9 bits for
        round-off). Exact atoms are never negative, but estimates from data
        (:func:`batch_pid`, or :func:`cluster_pid` on few samples) can be
        slightly negative through sampling and optimisation error; such atoms
        count as 0 in the shares (and as they are in bits). A larger negative
        atom means the profile is not a PID (wrong order, or an estimate too
        poor to compare) and raises.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a profile does not have four finite entries, or has an atom below
        ``-negative_tol * sum(|atoms|)`` (the message names the argument and
        the atom), or ``negative_tol`` is outside [0, 1).
    TypeError
        If ``normalize`` is not a bool or ``negative_tol`` not a real number.

    Notes
    -----
    A normalised profile whose atoms are all <= 0 is taken as the zero vector
    (distance 1 to any normalised profile).

    Examples
    --------
    >>> interaction_distance([0, 0, 0, 1.0], [0.5, 0, 0, 0.5])
    1.0
    >>> interaction_distance([-0.01, 0, 0, 1.0], [0, 0, 0, 1.0])  # a small estimation error
    0.0
    """
    from mmlab._validation import check_fraction
    from mmlab.quantify.pid._result import ATOMS

    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True or False; got {type(normalize).__name__} {normalize!r}.")
    negative_tol = check_fraction(negative_tol, "negative_tol", inclusive=(True, False))
    pa, pb = _profile(a, "a"), _profile(b, "b")
    for prof, name in ((pa, "a"), (pb, "b")):
        floor = -max(negative_tol * float(np.abs(prof).sum()), 1e-9)
        if prof.min() < floor:
            k = int(np.argmin(prof))
            raise ValueError(
                f"{name} must be a PID profile with non-negative atoms; got {name}[{k}] ({ATOMS[k]}) = "
                f"{prof[k]:.4g} bits, below the tolerance {floor:.3g} (negative_tol={negative_tol:g} of "
                f"sum |atoms| = {float(np.abs(prof).sum()):.4g}). Check the atom order "
                f"{ATOMS} or re-estimate with more samples."
            )
    if normalize:
        pa, pb = _shares(pa), _shares(pb)
    return float(np.abs(pa - pb).sum())


def rank_by_interactions(
    data: PIDResult | npt.ArrayLike, models: Mapping[str, PIDResult | npt.ArrayLike], *, normalize: bool = True
) -> list[tuple[str, float]]:
    r"""Model selection: order candidate models by how close their interaction profile is to the data's.

    .. math::

        f^\star = \arg\min_f\ d\big(\{R, U_1, U_2, S\}_{\mathcal D},\ \{R, U_1, U_2, S\}_{f}\big),

    with :math:`d` from :func:`interaction_distance`.

    Parameters
    ----------
    data : PIDResult or array-like of shape (4,)
        From :func:`dataset_pid`.
    models : mapping of str to PIDResult or array-like
        Model name to its :func:`model_pid`.
    normalize : bool, default=True

    Returns
    -------
    list of (str, float)
        ``(name, distance)`` from closest to farthest.

    Raises
    ------
    TypeError
        If ``models`` is not a mapping.
    ValueError
        If ``models`` is empty, or a profile does not have four finite atoms.

    Examples
    --------
    >>> rank_by_interactions([0, 0, 0, 1.0], {"additive": [0.3, 0, 0, 0.2], "tensor": [0, 0, 0, 0.9]})
    [('tensor', 0.0), ('additive', 1.2)]
    """
    if not isinstance(models, Mapping):
        raise TypeError(
            f"models must be a non-empty mapping of model name to interaction profile; got {type(models).__name__}."
        )
    if not models:
        raise ValueError("models must be a non-empty mapping of model name to interaction profile; got an empty one.")
    scored = [(str(name), interaction_distance(data, prof, normalize=normalize)) for name, prof in models.items()]
    return sorted(scored, key=lambda kv: kv[1])


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _numpy_if_cluster(v: Any, estimator: str) -> Any:
    if estimator == "cluster" and isinstance(v, torch.Tensor):
        return v.detach().cpu().numpy()
    return v


def _profile(v: Any, name: str) -> np.ndarray:
    arr = v.as_array() if isinstance(v, PIDResult) else np.asarray(v, dtype=float)
    if arr.shape != (4,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a PIDResult or four finite atoms (R, U1, U2, S); got {v!r}.")
    return arr


def _shares(v: np.ndarray) -> np.ndarray:
    v = np.clip(v, 0.0, None)
    total = v.sum()
    return v / total if total > 0 else np.zeros_like(v)
