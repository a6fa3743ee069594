"""The whole model: unimodal encoders, a fusion operator, and a head."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from mmlab._validation import check_choice, check_modalities, check_positive_int
from mmlab.fusion._base import _check_in_dims
from mmlab.fusion._nonlinear import _mlp
from mmlab.fusion._registry import make_fusion

__all__ = ["MultimodalClassifier"]


class MultimodalClassifier(nn.Module):
    r"""Per-modality encoders, one fusion operator, a head: :math:`f(x) = h\big(\phi(e_1(x_1), \dots, e_M(x_M))\big)`.

    Each encoder :math:`e_i` sees only its own modality; the fusion
    :math:`\phi` is the only place where modalities meet; the head :math:`h`
    maps the fused vector to outputs (logits or a regression value). With a
    *linear* head, the fusion operator alone decides which interactions the
    model can express: additive fusion gives an additive model
    :math:`\sum_i g_i(x_i)` whatever the encoders, tensor fusion adds all
    cross-modal products, and so on. A nonlinear head adds interactions of its
    own.

    Parameters
    ----------
    encoders : sequence of torch.nn.Module or None
        One per modality (``None`` = identity).
    fusion : torch.nn.Module
        Takes the list of encodings, returns ``(batch, k)``.
    head : torch.nn.Module, optional
        Default identity.
    in_dims : sequence of int, optional
        Raw feature size of each modality, checked on every call; by default
        read from encoders that start with an ``nn.Linear``.

    Raises
    ------
    TypeError
        If ``encoders`` is not a non-empty list of modules (or None),
        ``fusion``/``head`` is not a module; on a forward input that is not a
        list of tensors, or whose dtype differs from its encoder's parameters.
    ValueError
        If ``in_dims`` does not give one size per encoder; on a forward input
        with the wrong number of modalities, feature sizes, batch sizes or
        device.

    References
    ----------
    Liang, P. P. et al. MultiBench: multiscale benchmarks for multimodal
    representation learning. NeurIPS 2021 Datasets and Benchmarks (the
    encoders + fusion + head structure of its ``MMDL`` model).

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import MultimodalClassifier
    >>> net = MultimodalClassifier.build([16, 16], 2, fusion="tensor")
    >>> net([torch.randn(5, 16), torch.randn(5, 16)]).shape
    torch.Size([5, 2])
    """

    def __init__(
        self,
        encoders: Sequence[nn.Module | None],
        fusion: nn.Module,
        head: nn.Module | None = None,
        *,
        in_dims: Sequence[int] | None = None,
    ) -> None:
        super().__init__()
        if isinstance(encoders, nn.Module) or not isinstance(encoders, Sequence) or not encoders:
            raise TypeError(
                "encoders must be a non-empty list with one module (or None) per modality; "
                f"got {type(encoders).__name__}."
            )
        for i, e in enumerate(encoders):
            if e is not None and not isinstance(e, nn.Module):
                raise TypeError(f"encoders[{i}] must be a torch.nn.Module or None; got {type(e).__name__}.")
        if not isinstance(fusion, nn.Module):
            raise TypeError(f"fusion must be a torch.nn.Module; got {type(fusion).__name__}.")
        if head is not None and not isinstance(head, nn.Module):
            raise TypeError(f"head must be a torch.nn.Module or None; got {type(head).__name__}.")
        self.encoders = nn.ModuleList(nn.Identity() if e is None else e for e in encoders)
        self.fusion = fusion
        self.head = nn.Identity() if head is None else head
        if in_dims is not None:
            dims = _check_in_dims(in_dims, "MultimodalClassifier", 1, None)
            if len(dims) != len(self.encoders):
                raise ValueError(f"in_dims must give one size per encoder ({len(self.encoders)}); got {list(dims)}.")
            self.in_dims: tuple[int, ...] | None = dims
        else:
            inferred = [_first_in_features(e) for e in self.encoders]
            self.in_dims = None if any(d is None for d in inferred) else tuple(inferred)

    @classmethod
    def build(
        cls,
        in_dims: Sequence[int],
        n_outputs: int,
        fusion: str | nn.Module = "concat",
        *,
        embed_dim: int = 16,
        hidden: int = 32,
        encoder_layers: int = 1,
        fusion_dim: int | None = None,
        head: str = "linear",
        **fusion_kwargs: Any,
    ) -> MultimodalClassifier:
        """Build encoders (MLPs), a fusion operator and a head from sizes.

        Parameters
        ----------
        in_dims : sequence of int
            Raw feature size of each modality.
        n_outputs : int
            Number of classes (logits), or 1 for regression.
        fusion : str or torch.nn.Module, default="concat"
            A :func:`make_fusion` name (built on the encodings) or a module.
        embed_dim : int, default=16
            Size of each encoding.
        hidden : int, default=32
            Width of the encoders' hidden layers.
        encoder_layers : int, default=1
            Hidden layers per encoder; 0 makes each encoder one linear map.
        fusion_dim : int, optional
            Output size of the fusion operator; default ``embed_dim``
            (``"concat"``: the concatenation; ``"shift"``: ``embed_dim``).
        head : {"linear", "mlp", "none"}, default="linear"
            ``"none"`` uses the fusion output as the model output (then
            ``fusion_dim`` defaults to ``n_outputs``).
        **fusion_kwargs
            Passed to :func:`make_fusion` (``rank=``, ``order=`` ...).

        Returns
        -------
        MultimodalClassifier

        Raises
        ------
        TypeError
            If a size is not an int.
        ValueError
            If a size is out of range, ``head`` or ``fusion`` is unknown, a
            fusion module has no ``out_dim``, or an encoder, the fusion or the
            head would exceed the allocation limit.
        """
        dims = _check_in_dims(in_dims, "MultimodalClassifier", 1, None)
        n_outputs = check_positive_int(n_outputs, "n_outputs")
        embed_dim = check_positive_int(embed_dim, "embed_dim")
        hidden = check_positive_int(hidden, "hidden")
        encoder_layers = check_positive_int(encoder_layers, "encoder_layers", minimum=0)
        head = check_choice(head, "head", ("linear", "mlp", "none"))
        if fusion_dim is not None:
            fusion_dim = check_positive_int(fusion_dim, "fusion_dim")
        encoders = []
        for i, d in enumerate(dims):  # size-checked MLPs; with no hidden layer, one nn.Linear
            net = _mlp(
                d,
                embed_dim,
                hidden=hidden,
                n_layers=encoder_layers,
                name=f"encoder {i} (in_dim={d}, hidden={hidden}, embed_dim={embed_dim})",
            )
            encoders.append(net[0] if encoder_layers == 0 else net)
        if isinstance(fusion, nn.Module):
            fuse = fusion
        else:
            out = fusion_dim if fusion_dim is not None else (n_outputs if head == "none" else embed_dim)
            if fusion in ("concat", "shift") and fusion_dim is None and head != "none":
                out = None
            fuse = make_fusion(fusion, [embed_dim] * len(dims), out, **fusion_kwargs)
        fused = getattr(fuse, "out_dim", None)
        if head == "none":
            top = None
        elif fused is None:
            raise ValueError("a fusion module passed to build must have an out_dim attribute to size the head.")
        else:
            top = _mlp(
                fused,
                n_outputs,
                hidden=hidden,
                n_layers=0 if head == "linear" else 1,
                name=f"the head (in_dim={fused}, n_outputs={n_outputs})",
            )
            top = top[0] if head == "linear" else top
        return cls(encoders, fuse, top, in_dims=dims)

    def encode(self, xs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """Return the encodings :math:`e_i(x_i)`, one ``(batch, k_i)`` tensor per modality.

        Raises
        ------
        TypeError, ValueError
            On a bad input (see the class's Raises section).
        """
        # dtype and device are known for encoders that start with a linear layer (others may take e.g. token ids)
        first = [_first_linear(e) for e in self.encoders]
        xs = check_modalities(
            xs,
            n_modalities=len(self.encoders),
            dims=self.in_dims,
            dtype=[None if lin is None else lin.weight.dtype for lin in first],
            device=[None if lin is None else lin.weight.device for lin in first],
        )
        return [enc(x) for enc, x in zip(self.encoders, xs, strict=True)]

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        return self.head(self.fusion(self.encode(xs)))


def _first_linear(module: nn.Module) -> nn.Linear | None:
    """The ``nn.Linear`` an encoder is, or starts with; else None."""
    if isinstance(module, nn.Linear):
        return module
    if isinstance(module, nn.Sequential) and len(module) and isinstance(module[0], nn.Linear):
        return module[0]
    return None


def _first_in_features(module: nn.Module) -> int | None:
    """Input size of an encoder that is, or starts with, an ``nn.Linear``; else None."""
    lin = _first_linear(module)
    return None if lin is None else lin.in_features
