"""Mixture of fusions: learned softmax weights over several fusion operators."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from mmlab.fusion._base import Fusion
from mmlab.fusion._registry import make_fusion, register_fusion

__all__ = ["MixtureOfFusions"]


class MixtureOfFusions(Fusion):
    r"""A learned convex combination of fusion operators.

    .. math::

        z = \sum_{j=1}^{J} \pi_j\, N\big(f_j(x_1, \dots, x_M)\big), \qquad
        \pi = \operatorname{softmax}(\theta),

    where the :math:`f_j` are fusion operators with the same output size,
    :math:`\theta \in \mathbb R^J` are learned logits (initialised to 0, i.e.
    uniform weights) and :math:`N` is an optional parameter-free layer
    normalisation of each operator's output, so that the weights compare
    operators rather than the scales of their outputs. After training,
    :meth:`weights` shows which kind of interaction the task rewarded.

    Parameters
    ----------
    in_dims : sequence of int
    out_dim : int
    operators : sequence of str or Fusion, default=("additive", "multiplicative", "tensor")
        Names understood by :func:`make_fusion` (built with ``in_dims`` and
        ``out_dim``), or ready modules whose ``in_dims`` and ``out_dim`` match.
    normalize : bool, default=True
        Apply :math:`N` (``F.layer_norm`` without learned scale).

    Attributes
    ----------
    operators : torch.nn.ModuleList
    names : tuple of str
        One name per operator (the given name or the class name).
    logits : torch.nn.Parameter
        :math:`\theta`.

    Raises
    ------
    TypeError
        If ``operators`` is not a non-empty list of names or modules (or the
        sizes have the wrong type, as :class:`~mmlab.fusion.Fusion`).
    ValueError
        If an operator name is unknown, a module's ``in_dims``/``out_dim``
        differ from the mixture's, or an operator appears twice; on a bad
        forward input, as :class:`~mmlab.fusion.Fusion`.

    References
    ----------
    Zadeh, A., Liang, P. P., Poria, S., Cambria, E. and Morency, L.-P. Multimodal
    language analysis in the wild: CMU-MOSEI dataset and interpretable dynamic
    fusion graph. ACL 2018.
    Xu, Z. et al. MUFASA: multimodal fusion architecture search for electronic
    health records. AAAI 2021.

    Examples
    --------
    >>> from mmlab.fusion import MixtureOfFusions
    >>> mix = MixtureOfFusions([4, 4], 3)
    >>> mix.weights()
    tensor([0.3333, 0.3333, 0.3333])
    """

    def __init__(
        self,
        in_dims: Sequence[int],
        out_dim: int,
        operators: Sequence[str | Fusion] = ("additive", "multiplicative", "tensor"),
        *,
        normalize: bool = True,
    ) -> None:
        super().__init__(in_dims, out_dim)
        if isinstance(operators, (str, bytes, nn.Module)) or not isinstance(operators, Sequence) or not operators:
            raise TypeError(
                "operators must be a non-empty list of fusion names or Fusion modules, e.g. "
                f"['additive', 'tensor']; got {operators!r}."
            )
        mods, names = [], []
        for j, op in enumerate(operators):
            if isinstance(op, str):
                mod = make_fusion(op, self.in_dims, self.out_dim)
                names.append(op)
            elif isinstance(op, nn.Module):
                got_in, got_out = getattr(op, "in_dims", None), getattr(op, "out_dim", None)
                if got_in != self.in_dims or got_out != self.out_dim:
                    raise ValueError(
                        f"operators[{j}] must have in_dims={self.in_dims} and out_dim={self.out_dim} "
                        f"like the mixture; got in_dims={got_in}, out_dim={got_out}."
                    )
                mod = op
                names.append(type(op).__name__)
            else:
                raise TypeError(f"operators[{j}] must be a fusion name or a Fusion module; got {type(op).__name__}.")
            mods.append(mod)
        if len(set(names)) != len(names):
            raise ValueError(f"operators must be distinct; got {names}.")
        self.operators = nn.ModuleList(mods)
        self.names = tuple(names)
        self.normalize = bool(normalize)
        self.logits = nn.Parameter(torch.zeros(len(mods)))  # theta

    def weights(self) -> torch.Tensor:
        """Return :math:`\\pi = \\operatorname{softmax}(\\theta)`, detached, on the CPU, shape ``(J,)``."""
        return torch.softmax(self.logits.detach(), dim=0).cpu()

    def weights_by_name(self) -> dict[str, float]:
        """Return ``{operator name: weight}``."""
        return dict(zip(self.names, map(float, self.weights()), strict=True))

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        pi = torch.softmax(self.logits, dim=0)
        outs = [op(xs) for op in self.operators]
        if self.normalize:
            outs = [F.layer_norm(o, (self.out_dim,)) for o in outs]  # N(f_j)
        return sum(p * o for p, o in zip(pi, outs, strict=True))

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, operators={list(self.names)}"


register_fusion("mixture", MixtureOfFusions)
