r"""Planting a style bias in training images and measuring it in generated ones.

A generator learns the statistics of its training data, including the unwanted ones: if one class
is mostly drawn in one style, so are its samples (Zhao et al., 2017, found that captioning and
recognition models even *amplify* such correlations). :func:`plant_faint_style` makes a controlled
version on digit images: one class is mostly faint (pale ink), the others mostly dark, so that a
lecture can measure how much of the bias a generator reproduces with :func:`is_faint`.

Used by: ``lectures/4_generation/04_ethics_and_evaluation.ipynb``.

References: Zhao, J., Wang, T., Yatskar, M., Ordonez, V. and Chang, K.-W. Men also like shopping:
reducing gender bias amplification using corpus-level constraints. EMNLP 2017. Sheng, E., Chang, K.-W.,
Natarajan, P. and Peng, N. The woman worked as a babysitter: on biases in language generation. EMNLP 2019.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch

from mmlab._validation import RandomState, check_array, check_fraction, check_random_state, check_same_length

__all__ = ["is_faint", "plant_faint_style"]


def plant_faint_style(
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    target: int,
    target_share: float = 0.8,
    other_share: float = 0.2,
    factor: float = 0.4,
    random_state: RandomState = 0,
) -> tuple[torch.Tensor, np.ndarray]:
    r"""Make a share of each class's images faint: one class mostly, the others rarely.

    .. math::

        x_i' = \begin{cases} a\, x_i & \text{if } i \in F \\ x_i & \text{otherwise} \end{cases}, \qquad
        |F \cap C_k| = \operatorname{round}(s_k |C_k|), \quad
        s_k = \begin{cases} s_{\text{target}} & k = \text{target} \\ s_{\text{other}} & \text{otherwise,}
        \end{cases}

    with :math:`C_k` the images of class :math:`k`, :math:`F` the faint ones (drawn at random within each
    class) and :math:`a` the ink factor.

    Parameters
    ----------
    x : Tensor of shape (n, d)
        Images with values in [0, 1].
    y : Tensor of shape (n,)
        int64 labels.
    target : int
        The class drawn mostly faint.
    target_share, other_share : float, default=0.8, 0.2
        :math:`s_{\text{target}}` and :math:`s_{\text{other}}`.
    factor : float, default=0.4
        :math:`a \in (0, 1)`.
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    x_biased : Tensor of shape (n, d)
    faint : ndarray of bool, shape (n,)
        Which images were made faint.

    Raises
    ------
    TypeError, ValueError
        If the inputs have the wrong type, shape or range, ``target`` is not a label of ``y``, or a share or
        the factor is out of range.

    Examples
    --------
    >>> x, y = torch.ones(10, 4), torch.tensor([0] * 5 + [1] * 5)
    >>> xb, faint = plant_faint_style(x, y, target=0, target_share=0.8, other_share=0.2)
    >>> faint[:5].sum(), faint[5:].sum(), float(xb[faint].max())
    (np.int64(4), np.int64(1), 0.4000000059604645)
    """
    xa = check_array(x, "x", ndim=2)
    ya = check_array(y, "y", ndim=1)
    check_same_length([xa, ya], ["x", "y"])
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor of images; got {type(x).__name__}.")
    if xa.size and (xa.min() < 0 or xa.max() > 1):
        raise ValueError("x must lie in [0, 1] (pixel values).")
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)) or target not in set(ya.tolist()):
        raise ValueError(f"target must be one of the labels in y; got {target!r}.")
    target_share = check_fraction(target_share, "target_share")
    other_share = check_fraction(other_share, "other_share")
    factor = check_fraction(factor, "factor", inclusive=(False, False))
    rng = check_random_state(random_state)
    faint = np.zeros(ya.shape[0], dtype=bool)
    for k in np.unique(ya):
        idx = np.flatnonzero(ya == k)
        share = target_share if k == target else other_share
        faint[rng.choice(idx, int(round(share * idx.size)), replace=False)] = True
    out = x.clone()
    out[torch.from_numpy(faint).to(x.device)] *= factor
    return out, faint


def is_faint(images: npt.ArrayLike, *, threshold: float = 0.7) -> np.ndarray:
    r"""Whether each image is faint: its darkest pixel stays below ``threshold``.

    .. math::

        \operatorname{faint}(x) = \mathbb 1\big[\max_j x_j < \tau\big].

    A dark handwritten digit has pixels near 1; one scaled by 0.4 (:func:`plant_faint_style`) peaks near
    0.4, so any :math:`\tau` between works; 0.7 sits in the middle.

    Parameters
    ----------
    images : array-like of shape (n, d)
        Values in [0, 1] (tensors accepted).
    threshold : float, default=0.7
        :math:`\tau \in (0, 1)`.

    Returns
    -------
    ndarray of bool, shape (n,)

    Raises
    ------
    ValueError
        If ``images`` is not a finite 2-D array or ``threshold`` is outside (0, 1).

    Examples
    --------
    >>> is_faint([[0.1, 0.35], [0.2, 0.9]]).tolist()
    [True, False]
    """
    arr = check_array(images, "images", ndim=2, dtype=float)
    threshold = check_fraction(threshold, "threshold", inclusive=(False, False))
    return arr.max(axis=1) < threshold
