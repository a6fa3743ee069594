"""Token sequences and signals with a planted structure: data for intermediate fusion and self-supervision.

- :func:`make_marker_sequences`: two sequences of noise tokens, each with one
  marker token whose type is a bit; the label is the XOR of the two bits, so
  no modality alone says anything about it and the model must combine what
  it finds *inside* both sequences (intermediate fusion). Markers sit at the
  same position in both sequences (aligned streams, like RGB and depth
  pixels) or at independent positions.
- :func:`make_shifted_signals`: 1-D signals whose class is a waveform shape,
  seen at a random circular shift and amplitude, so a linear model of the raw
  signal is near chance while a shift-invariant representation separates the
  classes (self-supervised learning with shift augmentations).

Used by ``lectures/1_representation/07_contrastive_learning.ipynb`` and
``09_intermediate_fusion.ipynb``.

References
----------
Nagrani, A. et al. Attention bottlenecks for multimodal fusion. NeurIPS 2021.
Chen, T., Kornblith, S., Norouzi, M. and Hinton, G. A simple framework for
contrastive learning of visual representations. ICML 2020.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from mmlab._validation import RandomState, check_positive_int, check_random_state, check_scalar
from mmlab.data._synthetic._checks import _check_data_size, _check_dims
from mmlab.data._synthetic._coordinated import PlantedData

__all__ = ["make_marker_sequences", "make_shifted_signals"]


def make_marker_sequences(
    n: int,
    *,
    length: int | tuple[int, int] = 8,
    dims: int | tuple[int, int] = 8,
    amplitude: float = 2.5,
    noise: float = 0.3,
    aligned: bool = True,
    n_markers: int = 1,
    random_state: RandomState = None,
) -> PlantedData:
    r"""Draw two token sequences whose label is the XOR of one marker bit per sequence.

    Modality :math:`m` is a sequence of :math:`L_m` tokens in
    :math:`\mathbb R^{d_m}`, all standard normal noise except one marker at
    position :math:`t_m`:

    .. math::

        x_{m, t_m} = a\, \mu_{m, b_m} + \sigma \varepsilon, \qquad y = b_0 \oplus b_1 ,

    with bits :math:`b_m \sim \text{Bernoulli}(1/2)`, fixed random unit
    prototypes :math:`\mu_{m, 0}, \mu_{m, 1}` and amplitude :math:`a`. Each
    modality alone carries no information on :math:`y` (synergy); pooling a
    sequence to one vector first dilutes the marker among :math:`L` tokens.
    With ``aligned=True`` both markers share one position :math:`t_0 = t_1`
    (streams on a common grid, as RGB and depth), otherwise the positions are
    independent.

    Parameters
    ----------
    n : int
    length : int or pair of int, default=8
        :math:`L_m`; equal lengths when ``aligned``.
    dims : int or pair of int, default=8
        :math:`d_m`.
    amplitude : float, default=2.5
        :math:`a`.
    noise : float, default=0.3
        :math:`\sigma` on the marker token.
    aligned : bool, default=True
    n_markers : int, default=1
        Marker tokens per sequence (distinct positions, all of the sequence's
        bit); ``n_markers = L`` makes every token a marker (a dense signal).
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    PlantedData
        Modalities ``(n, L_m, d_m)`` float32; ``latents``: ``"bits"`` ``(n, 2)``
        and ``"positions"`` ``(n, 2, n_markers)``.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If a size is out of range, ``amplitude``/``noise`` is negative,
        ``aligned`` sequences have different lengths, or ``n_markers`` exceeds a length.

    Examples
    --------
    >>> from mmlab.data import make_marker_sequences
    >>> d = make_marker_sequences(6, random_state=0)
    >>> d.modalities[0].shape, bool((d.y == d.latents["bits"][:, 0] ^ d.latents["bits"][:, 1]).all())
    ((6, 8, 8), True)
    """
    n = check_positive_int(n, "n")
    lengths = _check_dims(length, 2)
    dims_t = _check_dims(dims, 2)
    amplitude = check_scalar(amplitude, "amplitude", min_val=0)
    noise = check_scalar(noise, "noise", min_val=0)
    if not isinstance(aligned, (bool, np.bool_)):
        raise TypeError(f"aligned must be True or False; got {type(aligned).__name__} {aligned!r}.")
    if aligned and lengths[0] != lengths[1]:
        raise ValueError(f"aligned sequences need one length; got lengths {list(lengths)}. Pass aligned=False.")
    n_markers = check_positive_int(n_markers, "n_markers")
    if n_markers > min(lengths):
        raise ValueError(f"n_markers must be at most the sequence length {min(lengths)}; got {n_markers}.")
    rng = check_random_state(random_state)
    _check_data_size("make_marker_sequences", n, [ln * d for ln, d in zip(lengths, dims_t, strict=True)], 0, 4, 2, 1)

    prototypes = []
    for d in dims_t:  # mu_{m,0}, mu_{m,1}
        p = rng.standard_normal((2, d))
        prototypes.append(p / np.linalg.norm(p, axis=1, keepdims=True))
    bits = rng.integers(0, 2, size=(n, 2)).astype(np.int64)
    positions = np.stack([np.argsort(rng.random((n, ln)), axis=1)[:, :n_markers] for ln in lengths], axis=1)
    if aligned:
        positions[:, 1] = positions[:, 0]
    xs = []
    rows = np.repeat(np.arange(n), n_markers)
    for m, (ln, d) in enumerate(zip(lengths, dims_t, strict=True)):
        x = rng.standard_normal((n, ln, d))
        marker = amplitude * prototypes[m][np.repeat(bits[:, m], n_markers)]
        x[rows, positions[:, m].reshape(-1)] = marker + noise * rng.standard_normal((n * n_markers, d))
        xs.append(x.astype(np.float32))
    return PlantedData(
        modalities=tuple(xs),
        y=bits[:, 0] ^ bits[:, 1],
        latents=MappingProxyType({"bits": bits, "positions": positions.astype(np.int64)}),
        description=(
            f"{n_markers} marker token(s) per sequence ({'aligned' if aligned else 'independent'} "
            "positions), their type a bit; y = bit_0 XOR bit_1"
        ),
        names=("a", "b"),
    )


def make_shifted_signals(
    n: int,
    *,
    n_classes: int = 4,
    length: int = 32,
    n_harmonics: int = 3,
    amplitude: tuple[float, float] = (0.5, 1.5),
    noise: float = 0.3,
    random_state: RandomState = None,
) -> PlantedData:
    r"""Draw 1-D signals whose class is a waveform, seen at a random circular shift and amplitude.

    Class :math:`c` has a fixed random template :math:`w_c` (a sum of
    ``n_harmonics`` cosines and sines with Gaussian coefficients, scaled to
    unit variance). A sample is the template shifted circularly by
    :math:`\tau \sim U\{0..L-1\}`, scaled by :math:`\alpha \sim U[\alpha_0,
    \alpha_1]` and noised:

    .. math::

        x_t = \alpha\, w_c\big((t - \tau) \bmod L\big) + \sigma \varepsilon_t .

    Shift and amplitude are *nuisances*: the class is invariant to them. Since
    the shift moves every feature, the class means of raw signals coincide
    (each is a shifted average of all positions), so a linear classifier of the
    raw signal is near chance; a representation invariant to circular shifts
    (e.g. learned with shift augmentations) separates the classes.

    Parameters
    ----------
    n : int
    n_classes : int, default=4
    length : int, default=32
        :math:`L`.
    n_harmonics : int, default=3
        Frequencies :math:`1..H` of the templates (:math:`H < L/2`).
    amplitude : (float, float), default=(0.5, 1.5)
        :math:`[\alpha_0, \alpha_1]`, positive.
    noise : float, default=0.3
    random_state : int or numpy.random.Generator, optional
        Seeds the templates (drawn first), classes, shifts, amplitudes, noise.

    Returns
    -------
    PlantedData
        One float32 modality ``(n, L)``; ``y`` the class; ``latents``:
        ``"shift"``, ``"amplitude"``; ``constants["templates"]`` ``(K, L)``.

    Raises
    ------
    TypeError
        On arguments of the wrong type.
    ValueError
        If a size is out of range, the amplitude range is not positive and
        increasing, or ``noise`` is negative.

    Examples
    --------
    >>> from mmlab.data import make_shifted_signals
    >>> d = make_shifted_signals(5, random_state=0)
    >>> d.modalities[0].shape, d.y.shape
    ((5, 32), (5,))
    """
    n = check_positive_int(n, "n")
    k = check_positive_int(n_classes, "n_classes", minimum=2)
    length = check_positive_int(length, "length", minimum=4)
    h = check_positive_int(n_harmonics, "n_harmonics")
    if h >= length / 2:
        raise ValueError(f"n_harmonics must be below length / 2 = {length / 2:g}; got {h}.")
    if not isinstance(amplitude, (tuple, list)) or len(amplitude) != 2:
        raise TypeError(f"amplitude must be a pair (low, high); got {amplitude!r}.")
    lo = check_scalar(amplitude[0], "amplitude[0]", min_val=0, include_boundaries="neither")
    hi = check_scalar(amplitude[1], "amplitude[1]", min_val=lo)
    noise = check_scalar(noise, "noise", min_val=0)
    rng = check_random_state(random_state)
    _check_data_size("make_shifted_signals", n, [length], 0, 3, k, 1)

    t = np.arange(length)
    freq = np.arange(1, h + 1)[:, None] * 2 * np.pi * t[None, :] / length  # (H, L)
    coef = rng.standard_normal((k, 2, h))
    templates = coef[:, 0] @ np.cos(freq) + coef[:, 1] @ np.sin(freq)  # w_c
    templates = (templates - templates.mean(axis=1, keepdims=True)) / templates.std(axis=1, keepdims=True)
    y = rng.integers(0, k, size=n).astype(np.int64)
    shift = rng.integers(0, length, size=n).astype(np.int64)
    scale = rng.uniform(lo, hi, size=n)
    idx = (t[None, :] - shift[:, None]) % length  # x_t = w((t - tau) mod L)
    x = templates[y[:, None], idx] * scale[:, None] + noise * rng.standard_normal((n, length))
    return PlantedData(
        modalities=(x.astype(np.float32),),
        y=y,
        latents=MappingProxyType({"shift": shift, "amplitude": scale.astype(np.float32)}),
        description=f"{k} waveform classes at a random circular shift and amplitude; y = class",
        names=("signal",),
        constants=MappingProxyType({"templates": templates.astype(np.float32)}),
    )
