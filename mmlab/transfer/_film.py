"""FiLM: one modality computes a per-channel scale and shift for another modality's features.

Feature-wise linear modulation (Perez et al., 2018) lets a conditioning
modality (a question, an instruction) decide *how to read* another one: each
channel :math:`h_c` of the modulated features becomes
:math:`\\gamma_c(z) h_c + \\beta_c(z)`. With :math:`\\gamma = 1, \\beta = 0`
the features pass unchanged; a :math:`\\gamma_c` near 0 switches channel
:math:`c` off. Here:

- :class:`FiLM`, the layer, initialised to the identity, with
  :meth:`FiLM.modulation` to inspect :math:`\\gamma, \\beta`;
- :func:`make_slot_task`: a task where one modality selects what to read in the
  other: ``K`` AV-Digits images side by side and an instruction naming a slot;
  the label is the digit in that slot;
- :class:`SlotReader`: a shared per-slot image encoder, then FiLM by the
  instruction (``mode="film"``), or concatenation with the instruction into an
  MLP (``mode="concat"``), then a linear head.

Used by: ``lectures/5_transference/03_film_and_missing_modalities.ipynb`` and
the transference lab.

References
----------
Perez, E., Strub, F., de Vries, H., Dumoulin, V. and Courville, A. FiLM:
visual reasoning with a general conditioning layer. AAAI, 2018.
Dumoulin, V. et al. Feature-wise transformations. Distill, 2018.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_choice, check_positive_int, seed_from_random_state
from mmlab.coordination._contrastive import mlp

__all__ = ["FiLM", "SlotReader", "SlotTask", "make_slot_task", "slot_gamma_blocks"]


class FiLM(nn.Module):
    r"""Feature-wise linear modulation of ``(batch, channels)`` features by a conditioning vector.

    .. math::

        \mathrm{FiLM}(h, z) = \gamma(z) \odot h + \beta(z), \qquad
        \gamma(z) = W_\gamma z + b_\gamma, \quad \beta(z) = W_\beta z + b_\beta,

    with :math:`h \in \mathbb{R}^{C}` the features, :math:`z \in \mathbb{R}^{D}`
    the conditioning modality, and :math:`\gamma, \beta \in \mathbb{R}^{C}` one
    scale and one shift per channel. Initialised with :math:`W = 0`,
    :math:`b_\gamma = 1`, :math:`b_\beta = 0`, so it starts as the identity.
    Parameters: :math:`2 C (D + 1)`.

    Parameters
    ----------
    channels : int
        :math:`C`.
    cond_dim : int
        :math:`D`.

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If a size is < 1.

    Examples
    --------
    >>> film = FiLM(8, 3)
    >>> h, z = torch.randn(4, 8), torch.randn(4, 3)
    >>> torch.equal(film(h, z), h)
    True
    """

    def __init__(self, channels: int, cond_dim: int) -> None:
        super().__init__()
        self.channels = check_positive_int(channels, "channels")
        self.cond_dim = check_positive_int(cond_dim, "cond_dim")
        self.gamma = nn.Linear(self.cond_dim, self.channels)
        self.beta = nn.Linear(self.cond_dim, self.channels)
        for layer, bias in ((self.gamma, 1.0), (self.beta, 0.0)):
            nn.init.zeros_(layer.weight)
            nn.init.constant_(layer.bias, bias)

    def modulation(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The scale and shift ``(gamma, beta)``, each ``(batch, channels)``, for conditioning ``z``.

        Raises
        ------
        TypeError
            If ``z`` is not a floating tensor.
        ValueError
            If ``z`` is not ``(batch, cond_dim)``.
        """
        z = _check(z, "z", self.cond_dim)
        return self.gamma(z), self.beta(z)

    def forward(self, h: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Modulate features ``h`` (batch, channels) by conditioning ``z`` (batch, cond_dim).

        Raises
        ------
        TypeError
            If an input is not a floating tensor.
        ValueError
            If the shapes do not match the layer or the batch sizes differ.
        """
        h = _check(h, "h", self.channels)
        gamma, beta = self.modulation(z)
        if h.shape[0] != z.shape[0]:
            raise ValueError(f"h and z must hold the same samples; got batch sizes {h.shape[0]} and {z.shape[0]}.")
        return gamma * h + beta


def _check(x: torch.Tensor, name: str, dim: int) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"{name} must be a floating torch.Tensor; got {getattr(x, 'dtype', type(x).__name__)}.")
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"{name} must have shape (batch, {dim}); got {tuple(x.shape)}.")
    return x


@dataclass(frozen=True)
class SlotTask:
    """Samples of the slot-reading task.

    Attributes
    ----------
    images : torch.Tensor of shape (n, K * d)
        ``K`` digit feature vectors side by side (slot k is columns ``k*d .. (k+1)*d``).
    instruction : torch.Tensor of shape (n, K)
        One-hot: which slot to read.
    y : torch.Tensor of shape (n,)
        The digit in the selected slot.
    slot : torch.Tensor of shape (n,)
        The selected slot.
    digits : torch.Tensor of shape (n, K)
        The digit in every slot.
    """

    images: torch.Tensor
    instruction: torch.Tensor
    y: torch.Tensor
    slot: torch.Tensor
    digits: torch.Tensor

    @property
    def modalities(self) -> list[torch.Tensor]:
        """``[images, instruction]``, the inputs of :class:`SlotReader`."""
        return [self.images, self.instruction]

    def __len__(self) -> int:
        return int(self.y.shape[0])


def make_slot_task(
    features: torch.Tensor, labels: torch.Tensor, n: int, *, n_slots: int = 4, random_state: RandomState = 0
) -> SlotTask:
    """Build ``n`` samples of "read the digit in slot k": ``n_slots`` random digits and an instruction.

    Each sample draws ``n_slots`` rows of ``features`` uniformly with
    replacement and a slot uniformly; the label is the digit of that slot. The
    instruction alone carries no information about the label (every slot is
    equally likely and independent of the digits), and the images alone carry
    only a 1-in-``n_slots`` guess: one modality selects what to read in the other.

    Parameters
    ----------
    features : torch.Tensor of shape (N, d)
        Per-digit features, e.g. standardised AV-Digits images.
    labels : torch.Tensor of shape (N,)
    n : int
    n_slots : int, default=4
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    SlotTask

    Raises
    ------
    TypeError
        If ``features`` or ``labels`` is not a tensor, or a size is not an int.
    ValueError
        If the shapes do not match or a size is < 1 (``n_slots`` < 2).

    Examples
    --------
    >>> task = make_slot_task(torch.randn(20, 3), torch.arange(20) % 10, 5, n_slots=2)
    >>> tuple(task.images.shape), tuple(task.instruction.shape)
    ((5, 6), (5, 2))
    """
    if not isinstance(features, torch.Tensor) or not isinstance(labels, torch.Tensor):
        raise TypeError("features and labels must be torch tensors (e.g. load_av_digits('train')['image'], .y).")
    if features.ndim != 2 or labels.ndim != 1 or features.shape[0] != labels.shape[0] or not len(labels):
        raise ValueError(
            f"features must be (N, d) and labels (N,) with the same N >= 1; got "
            f"{tuple(features.shape)} and {tuple(labels.shape)}."
        )
    n = check_positive_int(n, "n")
    n_slots = check_positive_int(n_slots, "n_slots", minimum=2)
    gen = torch.Generator().manual_seed(seed_from_random_state(random_state))
    rows = torch.randint(len(labels), (n, n_slots), generator=gen)
    slot = torch.randint(n_slots, (n,), generator=gen)
    digits = labels[rows]
    return SlotTask(
        images=features[rows].reshape(n, -1).float(),
        instruction=nn.functional.one_hot(slot, n_slots).float(),
        y=digits[torch.arange(n), slot].long(),
        slot=slot,
        digits=digits,
    )


class SlotReader(nn.Module):
    """Read one of ``K`` slots: a shared slot encoder, then FiLM or concatenation with the instruction.

    ``h`` = the shared linear encoder applied to every slot, giving ``K``
    blocks of ``channels`` features (``K * channels`` in all). Then

    - ``mode="film"``: ``logits = W ReLU(FiLM(h, z)) + b``;
    - ``mode="concat"``: ``logits = MLP([h, z])`` with one hidden layer of
      ``hidden`` units (the instruction enters as extra inputs).

    Parameters
    ----------
    slot_dim : int
        Features per slot (64 for AV-Digits images).
    n_slots : int
    n_classes : int, default=10
    channels : int, default=16
        Encoder channels per slot.
    mode : {"film", "concat"}, default="film"
    hidden : int, default=64
        Hidden units of the concatenation MLP.

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If a size is < 1 or ``mode`` is unknown.

    Examples
    --------
    >>> model = SlotReader(3, 2, channels=4)
    >>> model([torch.randn(5, 6), torch.eye(2)[[0, 1, 0, 1, 0]]]).shape
    torch.Size([5, 10])
    """

    def __init__(
        self,
        slot_dim: int,
        n_slots: int,
        n_classes: int = 10,
        *,
        channels: int = 16,
        mode: str = "film",
        hidden: int = 64,
    ) -> None:
        super().__init__()
        self.slot_dim = check_positive_int(slot_dim, "slot_dim")
        self.n_slots = check_positive_int(n_slots, "n_slots")
        self.channels = check_positive_int(channels, "channels")
        self.mode = check_choice(mode, "mode", ("film", "concat"))
        n_classes = check_positive_int(n_classes, "n_classes")
        width = self.n_slots * self.channels
        self.encoder = nn.Linear(self.slot_dim, self.channels)
        if self.mode == "film":
            self.film = FiLM(width, self.n_slots)
            self.head = nn.Linear(width, n_classes)
        else:
            hidden = check_positive_int(hidden, "hidden")
            self.head = mlp(width + self.n_slots, n_classes, hidden=hidden)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The shared encoder on every slot: ``(batch, n_slots * channels)``, slot-major.

        Raises
        ------
        ValueError
            If ``images`` is not ``(batch, n_slots * slot_dim)``.
        """
        if images.ndim != 2 or images.shape[1] != self.n_slots * self.slot_dim:
            raise ValueError(
                f"images must have shape (batch, {self.n_slots * self.slot_dim}) = (batch, n_slots * "
                f"slot_dim); got {tuple(images.shape)}."
            )
        slots = images.reshape(images.shape[0], self.n_slots, self.slot_dim)
        return self.encoder(slots).reshape(images.shape[0], -1)

    def forward(self, xs: list[torch.Tensor]) -> torch.Tensor:
        """Logits ``(batch, n_classes)`` from ``[images, instruction]``.

        Raises
        ------
        ValueError
            If ``xs`` does not hold two tensors of matching shapes.
        """
        if not isinstance(xs, (list, tuple)) or len(xs) != 2:
            raise ValueError("inputs must be the list [images, instruction].")
        images, instruction = xs
        h = self.features(images)
        if self.mode == "film":
            return self.head(torch.relu(self.film(h, instruction)))
        return self.head(torch.cat([h, instruction], dim=1))


def slot_gamma_blocks(model: SlotReader) -> np.ndarray:
    r"""What the modulation learned: mean :math:`|\gamma|` of each slot's channels, for each instruction.

    Entry ``[i, k]`` is the mean of :math:`|\gamma_c(z_i)|` over the channels
    :math:`c` of slot ``k``, where :math:`z_i` is the instruction "read slot i".
    A reader that learned the task has a large diagonal: each instruction keeps
    its own slot's channels and turns the others down.

    Parameters
    ----------
    model : SlotReader
        Built with ``mode="film"``.

    Returns
    -------
    ndarray of shape (n_slots, n_slots)

    Raises
    ------
    TypeError
        If ``model`` is not a FiLM :class:`SlotReader`.
    """
    if not isinstance(model, SlotReader) or model.mode != "film":
        raise TypeError("model must be a SlotReader built with mode='film'.")
    eye = torch.eye(model.n_slots, device=model.film.gamma.weight.device)
    with torch.no_grad():
        gamma, _ = model.film.modulation(eye)
    blocks = gamma.abs().reshape(model.n_slots, model.n_slots, model.channels).mean(-1)
    return blocks.cpu().numpy()
