"""Redundancy, uniqueness, synergy, and their mixtures and compositions."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from mmlab._validation import RandomState, check_fraction, check_positive_int, check_random_state, check_scalar
from mmlab.data._synthetic._checks import _check_data_size, _check_dims
from mmlab.data._synthetic._containers import PlantedTruth, SyntheticMultimodal
from mmlab.data._synthetic._projection import _MAX_ENUMERATE, _make_projection, _mixed_radix, _render

__all__ = ["INTERACTIONS", "make_interaction"]

#: The pure interactions :func:`make_interaction` can plant. ``"uniqueness_i"``
#: means modality ``i`` (0-based) alone carries the label; ``"uniqueness"`` is
#: accepted as an alias of ``"uniqueness_0"``.
INTERACTIONS: tuple[str, ...] = ("redundancy", "uniqueness", "synergy")


def make_interaction(
    n: int,
    interaction: str | Mapping[str, float] | Sequence[str] = "synergy",
    *,
    n_modalities: int = 2,
    n_levels: int = 2,
    dims: int | Sequence[int] = 16,
    noise: float = 0.5,
    n_nuisance: int = 1,
    hidden: int = 32,
    random_state: RandomState = None,
) -> SyntheticMultimodal:
    r"""Draw a multimodal classification data set with a planted interaction.

    Every modality :math:`i` renders the same four kinds of discrete factors,
    each uniform on :math:`\{0, \dots, k-1\}` and independent:

    - ``shared`` :math:`r`: one latent value, copied into every modality;
    - ``unique`` :math:`u_i`: private to modality :math:`i`;
    - ``synergy`` :math:`s_i`: private to modality :math:`i`;
    - ``nuisance<j>`` :math:`n_{ij}`: private, never used by any label rule.

    The label rules (:math:`M` modalities) are

    .. math::

        y_{\mathrm{red}} = r, \qquad
        y_{\mathrm{uni},i} = u_i, \qquad
        y_{\mathrm{syn}} = \Big(\sum_{i=0}^{M-1} s_i\Big) \bmod k .

    Under redundancy every modality alone determines :math:`y`; under
    ``uniqueness_i`` only modality :math:`i` does (the others carry their own
    unrelated ``unique`` factor); under synergy every proper subset of the
    modalities carries *zero* information on :math:`y` (the sum mod :math:`k` of
    independent uniform values is uniform and independent of any strict subset),
    yet all of them together determine it.

    Features: modality :math:`i` maps the one-hot codes :math:`e_i` of its factors
    through a fixed random two-layer tanh network and adds noise,

    .. math::

        x_i = \operatorname{std}\!\big(B_i \tanh(A_i e_i + a_i)\big) + \sigma\,\varepsilon_i,
        \qquad \varepsilon_i \sim \mathcal N(0, I_{d_i}),

    where ``std`` standardises each clean feature to mean 0 and variance 1 over
    all factor combinations, :math:`A_i, a_i, B_i` are Gaussian and drawn from
    ``random_state``, and :math:`\sigma` is ``noise``. All factors are rendered
    whatever the rule, so with the same ``random_state`` the *features are the
    same for every interaction*; only ``y`` changes.

    Parameters
    ----------
    n : int
        Number of samples.
    interaction : str, mapping or sequence of str, default="synergy"
        - a name: ``"redundancy"``, ``"synergy"``, ``"uniqueness_i"`` (modality
          ``i``, 0-based) or ``"uniqueness"`` (= ``"uniqueness_0"``): a pure rule;
        - a mapping ``{name: proportion}`` summing to 1: a **per-sample
          mixture**. Each sample independently draws one rule with those
          probabilities and is labelled by it; which rule was drawn is hidden
          from the features (it is returned in ``component``). Labels of
          different rules disagree on some factor settings, so the best
          reachable accuracy is below 1 (``truth.bayes_accuracy``; 0.75 for
          ``{"redundancy": .5, "synergy": .5}`` with binary factors), and the
          PID atoms are *not* proportional to the proportions;
        - a sequence of names: a **factor-wise composition**. Every rule acts on
          every sample and the label is the tuple of their outputs, encoded as
          :math:`y = \sum_j k^j y_j` (:math:`k^J` classes for :math:`J` rules). The
          rules use disjoint independent factors, so each adds exactly
          :math:`\log_2 k` bits to its own PID atom (e.g. ``("redundancy",
          "synergy")`` with binary factors: R = 1 bit, S = 1 bit).
    n_modalities : int, default=2
        2 or 3.
    n_levels : int, default=2
        :math:`k`, values per factor (2 = bits); also the number of classes of
        each rule.
    dims : int or sequence of int, default=16
        Feature size :math:`d_i`, one for all or one per modality.
    noise : float, default=0.5
        :math:`\sigma`, standard deviation of the feature noise (clean features
        have unit variance).
    n_nuisance : int, default=1
        Nuisance factors per modality (0 allowed).
    hidden : int, default=32
        Width of the random projection's hidden layer.
    random_state : int or numpy.random.Generator, optional
        Seeds the projections, factors, noise and rule draws.

    Returns
    -------
    SyntheticMultimodal
        ``modalities`` ``(n, d_i)`` float32, ``y`` ``(n,)`` int64, ``factors``
        ``(n, M (3 + n_nuisance))`` int64 and ``truth``.

    Raises
    ------
    ValueError
        On an unknown rule name, proportions that are negative or do not sum
        to 1, a repeated rule, ``uniqueness_i`` with ``i >= n_modalities``,
        out-of-range sizes, a negative or non-finite ``noise``, or a request
        too large for memory (``n * (sum(dims) + hidden + factors)`` above
        :func:`mmlab._validation.max_elements`).
    TypeError
        On arguments of the wrong type.

    Notes
    -----
    Exact PID of the planted discrete structure (two modalities, binary
    factors; ``truth.atoms``): redundancy gives R = 1 bit (the table
    :math:`X_1 = X_2 = Y`); ``uniqueness_0`` gives U1 = 1 bit (:math:`Y = X_1`,
    :math:`X_2` independent); synergy gives S = 1 bit (:math:`Y = X_1 \oplus X_2`,
    canonical XOR). With :math:`k` levels each is :math:`\log_2 k` bits. For a
    per-sample mixture, compute the atoms from ``truth.joint`` with an exact
    solver; e.g. the BROJA PID of ``{"redundancy": .5, "synergy": .5}`` is about
    R = 0.19, S = 0.31 bits (not 0.5 / 0.5), so a larger proportion does not
    guarantee a larger atom.

    References
    ----------
    Bertschinger, N. et al. Quantifying unique information. Entropy, 2014.
    Liang, P. P. et al. Quantifying & modeling multimodal interactions: an
    information decomposition framework. NeurIPS 2023 (synthetic data sets
    with planted interactions).

    Examples
    --------
    >>> from mmlab.data import make_interaction
    >>> data = make_interaction(1000, "synergy", random_state=0)
    >>> data.dims, data.truth.atoms["synergy"], data.truth.joint.shape
    ((16, 16), 1.0, (2, 2, 2))
    >>> train, val, test = data.split((0.6, 0.2, 0.2), random_state=0)
    """
    n = check_positive_int(n, "n")
    m = check_positive_int(n_modalities, "n_modalities", minimum=2)
    if m > 3:
        raise ValueError(f"n_modalities must be 2 or 3; got {m}.")
    k = check_positive_int(n_levels, "n_levels", minimum=2)
    dims_t = _check_dims(dims, m)
    noise = check_scalar(noise, "noise", min_val=0)
    n_nuisance = check_positive_int(n_nuisance, "n_nuisance", minimum=0)
    hidden = check_positive_int(hidden, "hidden")
    components, proportions, mixing = _parse_interaction(interaction, m)
    rng = check_random_state(random_state)

    slots = ["shared", "unique", "synergy"] + [f"nuisance{j}" for j in range(n_nuisance)]
    n_slots = len(slots)
    _check_data_size("make_interaction", n, dims_t, hidden, m * n_slots, k, n_slots)
    names = tuple(f"m{i}:{s}" for i in range(m) for s in slots)
    col = {(i, s): i * n_slots + j for i in range(m) for j, s in enumerate(slots)}

    # 1. projections first, so that the features do not depend on the rule
    projections = [_make_projection(n_slots, k, d, hidden, rng) for d in dims_t]
    # 2. factors: the shared one is drawn once and copied
    shared = rng.integers(0, k, size=n)
    factors = rng.integers(0, k, size=(n, m * n_slots)).astype(np.int64)
    for i in range(m):
        factors[:, col[(i, "shared")]] = shared
    # 3. features
    xs = tuple(
        _render(factors[:, i * n_slots : (i + 1) * n_slots], k, proj, noise, rng) for i, proj in enumerate(projections)
    )
    # 4. labels (the rule draw comes last, after everything the features use)
    outputs = np.stack([_rule_output(c, factors, col, m, k) for c in components], axis=1)
    if mixing == "sample":
        component = rng.choice(len(components), size=n, p=np.asarray(proportions))
        y = outputs[np.arange(n), component]
    elif mixing == "compose":
        component = np.zeros(n, dtype=np.int64)
        y = (outputs * (k ** np.arange(len(components)))).sum(axis=1)
    else:
        component = np.zeros(n, dtype=np.int64)
        y = outputs[:, 0]

    truth = _interaction_truth(components, proportions, mixing, m, k, names, col)
    return SyntheticMultimodal(
        modalities=xs, y=y.astype(np.int64), factors=factors, component=component.astype(np.int64), truth=truth
    )


def _parse_interaction(interaction: Any, m: int) -> tuple[tuple[str, ...], tuple[float, ...], str]:
    """Normalise ``interaction`` to (components, proportions, mixing)."""
    valid = ["redundancy", "synergy", "uniqueness"] + [f"uniqueness_{i}" for i in range(m)]

    def canon(name: Any) -> str:
        if not isinstance(name, str):
            raise TypeError(f"interaction names must be strings such as 'synergy'; got {type(name).__name__} {name!r}.")
        if name not in valid:
            hint = " (modalities are numbered from 0)" if name.startswith("uniqueness_") else ""
            raise ValueError(f"interaction must be one of {valid}{hint}; got {name!r}.")
        return "uniqueness_0" if name == "uniqueness" else name

    if isinstance(interaction, str):
        return (canon(interaction),), (1.0,), "pure"
    if isinstance(interaction, Mapping):
        if not interaction:
            raise ValueError(
                "interaction mapping must name at least one rule, e.g. {'redundancy': 0.5, 'synergy': 0.5}."
            )
        comps, props = [], []
        for name, p in interaction.items():
            c = canon(name)
            if c in comps:
                raise ValueError(f"interaction names {c!r} twice ('uniqueness' is 'uniqueness_0').")
            props.append(check_fraction(p, f"interaction[{name!r}]"))
            comps.append(c)
        if abs(sum(props) - 1.0) > 1e-6:
            raise ValueError(
                f"the proportions of a mixture must sum to 1; got {dict(zip(comps, props, strict=True))} "
                f"(sum {sum(props):.6g}). Divide them by their sum."
            )
        kept = [(c, p) for c, p in zip(comps, props, strict=True) if p > 0]
        if len(kept) == 1:
            return (kept[0][0],), (1.0,), "pure"
        return tuple(c for c, _ in kept), tuple(p for _, p in kept), "sample"
    if isinstance(interaction, Sequence) and not isinstance(interaction, bytes):
        comps = [canon(c) for c in interaction]
        if not comps:
            raise ValueError("interaction sequence must name at least one rule, e.g. ('redundancy', 'synergy').")
        if len(set(comps)) != len(comps):
            raise ValueError(f"a composition uses each rule once; got {comps}.")
        if len(comps) == 1:
            return (comps[0],), (1.0,), "pure"
        return tuple(comps), tuple(1.0 for _ in comps), "compose"
    raise TypeError(
        "interaction must be a name, a {name: proportion} mapping (per-sample mixture) or a "
        f"sequence of names (composition); got {type(interaction).__name__}."
    )


def _rule_output(component: str, factors: np.ndarray, col: dict, m: int, k: int) -> np.ndarray:
    """Label that one rule gives each row of ``factors``."""
    if component == "redundancy":
        return factors[:, col[(0, "shared")]]
    if component == "synergy":
        return factors[:, [col[(i, "synergy")] for i in range(m)]].sum(axis=1) % k
    i = int(component.rsplit("_", 1)[1])
    return factors[:, col[(i, "unique")]]


def _interaction_truth(
    components: tuple[str, ...],
    proportions: tuple[float, ...],
    mixing: str,
    m: int,
    k: int,
    names: tuple[str, ...],
    col: dict,
) -> PlantedTruth:
    """Exact ground truth of :func:`make_interaction` by enumerating the relevant factors."""
    label_factors = {}
    for c in components:
        if c == "redundancy":
            label_factors[c] = tuple(col[(i, "shared")] for i in range(m))
        elif c == "synergy":
            label_factors[c] = tuple(col[(i, "synergy")] for i in range(m))
        else:
            label_factors[c] = (col[(int(c.rsplit("_", 1)[1]), "unique")],)
    # which slots form each modality's code: the kinds any rule reads
    kinds = []
    if "redundancy" in components:
        kinds.append("shared")
    if any(c.startswith("uniqueness") for c in components):
        kinds.append("unique")
    if "synergy" in components:
        kinds.append("synergy")
    code_factors = tuple(tuple(col[(i, s)] for s in kinds) for i in range(m))

    # enumerate the independent latent values those codes depend on
    latent = [("shared", None)] if "shared" in kinds else []
    latent += [(s, i) for s in kinds if s != "shared" for i in range(m)]
    n_classes = k ** len(components) if mixing == "compose" else k
    joint = None
    if k ** len(latent) <= _MAX_ENUMERATE:
        shape = tuple([k ** len(kinds)] * m) + (n_classes,)
        joint = np.zeros(shape)
        grid = np.array(list(itertools.product(range(k), repeat=len(latent))), dtype=np.int64)
        weight = 1.0 / grid.shape[0]
        fake = np.zeros((grid.shape[0], len(names)), dtype=np.int64)
        for j, (s, i) in enumerate(latent):
            for target in range(m) if s == "shared" else (i,):
                fake[:, col[(target, s)]] = grid[:, j]
        outs = np.stack([_rule_output(c, fake, col, m, k) for c in components], axis=1)
        codes = [_mixed_radix(fake[:, cols], k) for cols in code_factors]
        if mixing == "compose":
            ys = (outs * (k ** np.arange(len(components)))).sum(axis=1)
            np.add.at(joint, (*codes, ys), weight)
        else:
            for j, p in enumerate(proportions):
                np.add.at(joint, (*codes, outs[:, j]), weight * p)
    bayes = float(joint.reshape(-1, n_classes).max(axis=1).sum()) if joint is not None else None

    atoms = None
    dominant = None
    bits = math.log2(k)
    planted = {"redundancy": "redundancy", "synergy": "synergy"}
    planted.update({f"uniqueness_{i}": f"unique{i + 1}" for i in range(m)})
    if mixing in ("pure", "compose"):
        per_atom = {planted[c]: bits for c in components}
        if m == 2:
            atoms = MappingProxyType({a: per_atom.get(a, 0.0) for a in ("redundancy", "unique1", "unique2", "synergy")})
        if len(components) == 1:
            dominant = planted[components[0]]
    if mixing == "pure":
        text = {
            "redundancy": "y = r, the factor shared by all modalities",
            "synergy": f"y = (sum of one private factor per modality) mod {k}",
        }
        desc = text.get(components[0], f"y = u_{components[0][-1]}, a factor only modality {components[0][-1]} renders")
    elif mixing == "sample":
        desc = "per-sample mixture: each sample is labelled by one rule drawn with probabilities " + ", ".join(
            f"{c}={p:.3g}" for c, p in zip(components, proportions, strict=True)
        )
    else:
        desc = f"composition: y encodes the outputs of {', '.join(components)} as sum_j {k}^j y_j"
    return PlantedTruth(
        kind="interaction",
        description=desc,
        mixing=mixing,
        components=components,
        proportions=proportions,
        factor_names=names,
        factor_modality=tuple(i for i in range(m) for _ in range(len(names) // m)),
        label_factors=MappingProxyType(label_factors),
        n_levels=k,
        n_classes=n_classes,
        joint=joint,
        code_factors=code_factors,
        atoms=atoms,
        dominant_atom=dominant,
        bayes_accuracy=bayes,
    )
