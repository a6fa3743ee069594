r"""Connectionist temporal classification: learning to label unsegmented sequences, and decoding.

CTC lets a model that emits one distribution per frame over the labels plus a
*blank* learn from a label sequence alone, without knowing which frames
belong to which label. An alignment :math:`\pi` (one symbol per frame) maps to
a labelling by the collapse :math:`\mathcal B` (merge repeats, then drop
blanks); the loss is :math:`-\log \sum_{\pi \in \mathcal B^{-1}(l)} \prod_t p_t(\pi_t)`,
which ``torch.nn.CTCLoss`` computes by dynamic programming.

- decoding: :func:`ctc_greedy_decode` (best path) and :func:`ctc_beam_decode`
  (prefix beam search);
- alignment: :func:`ctc_forced_align` (the most probable alignment of a known
  labelling, by Viterbi) and :func:`alignment_segments` (where each label was
  emitted);
- a model: :class:`CTCRecognizer` (a :class:`FrameEncoder` and a linear
  read-out) and :func:`fit_ctc`, which trains it with ``torch.nn.CTCLoss``
  through :func:`mmlab.train.fit`.

Used by: ``lectures/2_alignment/03_ctc_and_clustering_targets.ipynb`` and the alignment lab.

References
----------
Graves, A., Fernández, S., Gomez, F. and Schmidhuber, J. Connectionist temporal
classification: labelling unsegmented sequence data with recurrent neural
networks. ICML 2006.
Hannun, A. Y., Maas, A. L., Jurafsky, D. and Ng, A. Y. First-pass large
vocabulary continuous speech recognition using bi-directional recurrent DNNs.
arXiv:1408.2873, 2014 (prefix beam search).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int
from mmlab.align._encoders import FrameEncoder

__all__ = [
    "CTCRecognizer",
    "alignment_segments",
    "ctc_beam_decode",
    "ctc_forced_align",
    "ctc_greedy_decode",
    "fit_ctc",
]

_NEG_INF = float("-inf")


# --------------------------------------------------------------------------- #
# decoding
# --------------------------------------------------------------------------- #
def ctc_greedy_decode(log_probs: Any, lengths: Any = None, *, blank: int = 0) -> list[list[int]]:
    r"""Best-path decoding: the most probable symbol in every frame, collapsed.

    .. math::

        \hat\pi_t = \arg\max_k \log p_t(k), \qquad \hat l = \mathcal B(\hat\pi),

    where :math:`\mathcal B` merges runs of equal symbols and then removes
    blanks (``[1, 1, 0, 1, 2, 2] -> [1, 1, 2]`` with blank 0).

    Parameters
    ----------
    log_probs : array-like or torch.Tensor of shape (T, C) or (batch, T, C)
        Per-frame (log-)scores over ``C`` symbols, blank included; only
        their arg-max matters.
    lengths : array-like of int, optional
        Valid frames of each sequence (default: all ``T``).
    blank : int, default=0
        The blank symbol.

    Returns
    -------
    list of list of int
        One labelling per sequence (a single list in a list for 2-d input).

    Raises
    ------
    ValueError
        If the input is not 2-d or 3-d, ``blank`` is outside ``0 .. C - 1``,
        or a length is negative or longer than ``T``.

    Examples
    --------
    >>> scores = torch.log(torch.tensor([[.1, .9, 0], [.2, .8, 0], [.9, .1, 0], [.1, .8, .1], [.1, 0, .9]]))
    >>> ctc_greedy_decode(scores)
    [[1, 1, 2]]
    """
    lp, lens = _check_log_probs(log_probs, lengths, blank)
    best = lp.argmax(-1).numpy()
    return [_collapse(best[i, : int(lens[i])], blank) for i in range(len(best))]


def ctc_beam_decode(
    log_probs: Any, lengths: Any = None, *, beam_width: int = 8, blank: int = 0, prune: float = -12.0
) -> list[list[int]]:
    r"""Prefix beam search: the most probable labelling, summing over the alignments of each prefix.

    For every kept prefix :math:`\ell` the search tracks
    :math:`p_b(\ell)` and :math:`p_{nb}(\ell)`, the probability of the frames
    so far over the alignments that collapse to :math:`\ell` and end in a
    blank or in a label. At frame :math:`t`, symbol :math:`k`:

    .. math::

        p_b(\ell) \mathrel{+}= (p_b(\ell) + p_{nb}(\ell))\, p_t(\varnothing), \qquad
        p_{nb}(\ell k) \mathrel{+}= \big(p_b(\ell) + [k \ne \ell_{\text{last}}]\, p_{nb}(\ell)\big)\, p_t(k), \qquad
        p_{nb}(\ell) \mathrel{+}= p_{nb}(\ell)\, p_t(\ell_{\text{last}}),

    then the ``beam_width`` prefixes with the largest :math:`p_b + p_{nb}`
    are kept. Unlike greedy decoding, it adds up the many alignments of a
    labelling; with a beam as large as the number of prefixes it is exact.

    Parameters
    ----------
    log_probs : array-like or torch.Tensor of shape (T, C) or (batch, T, C)
        Per-frame log-probabilities (rows that are log-softmax outputs).
    lengths : array-like of int, optional
        Valid frames of each sequence.
    beam_width : int, default=8
        Prefixes kept after each frame.
    blank : int, default=0
    prune : float, default=-12.0
        Symbols with a log-probability below this in a frame are skipped (speed only).

    Returns
    -------
    list of list of int
        The best labelling per sequence.

    Raises
    ------
    ValueError
        As :func:`ctc_greedy_decode`, or if ``beam_width < 1``.

    Examples
    --------
    >>> lp = torch.log(torch.tensor([[0.4, 0.6], [0.4, 0.6]]))  # blank 0, one label 1
    >>> ctc_greedy_decode(lp), ctc_beam_decode(lp)
    ([[1]], [[1]])
    """
    beam_width = check_positive_int(beam_width, "beam_width")
    lp, lens = _check_log_probs(log_probs, lengths, blank)
    arr = lp.double().numpy()
    return [_beam_one(arr[i, : int(lens[i])], beam_width, blank, float(prune)) for i in range(len(arr))]


def _beam_one(lp: np.ndarray, width: int, blank: int, prune: float) -> list[int]:
    """Prefix beam search on one validated (T, C) array of log-probabilities."""
    lse = _lse
    beams: dict[tuple[int, ...], list[float]] = {(): [0.0, _NEG_INF]}  # prefix -> [log p_b, log p_nb]
    for row, keep in zip(lp.tolist(), (lp >= prune).tolist(), strict=True):
        nxt: dict[tuple[int, ...], list[float]] = {}
        cands = [(k, p) for k, (p, ok) in enumerate(zip(row, keep, strict=True)) if ok and k != blank]
        p_blank = row[blank]
        for prefix, (pb, pnb) in beams.items():
            total = lse(pb, pnb)
            entry = nxt.setdefault(prefix, [_NEG_INF, _NEG_INF])
            entry[0] = lse(entry[0], total + p_blank)  # ... then a blank
            last = prefix[-1] if prefix else None
            for k, p in cands:
                if k == last:
                    entry[1] = lse(entry[1], pnb + p)  # repeat collapses into the prefix
                    new = nxt.setdefault(prefix + (k,), [_NEG_INF, _NEG_INF])
                    new[1] = lse(new[1], pb + p)  # a new k needs a blank in between
                else:
                    new = nxt.setdefault(prefix + (k,), [_NEG_INF, _NEG_INF])
                    new[1] = lse(new[1], total + p)
        beams = dict(sorted(nxt.items(), key=lambda kv: -lse(*kv[1]))[:width])
    return list(max(beams.items(), key=lambda kv: lse(*kv[1]))[0])


def _lse(a: float, b: float) -> float:
    """``log(exp(a) + exp(b))`` without overflow (-inf when both are -inf)."""
    m = b if b > a else a
    if m == _NEG_INF:
        return _NEG_INF
    return m + math.log(math.exp(a - m) + math.exp(b - m))


# --------------------------------------------------------------------------- #
# forced alignment
# --------------------------------------------------------------------------- #
def ctc_forced_align(log_probs: Any, labels: Sequence[int], *, blank: int = 0) -> np.ndarray:
    r"""The most probable CTC alignment of a known labelling (Viterbi), as label positions per frame.

    The labelling :math:`l_1 \dots l_L` is extended with blanks to
    :math:`z = (\varnothing, l_1, \varnothing, l_2, \dots, l_L, \varnothing)`
    (:math:`S = 2L + 1` states), and

    .. math::

        \delta_t(s) = \log p_t(z_s) + \max\{\delta_{t-1}(s), \delta_{t-1}(s-1),
        \delta_{t-1}(s-2)\ \text{if } z_s \ne \varnothing \text{ and } z_s \ne z_{s-2}\},

    from :math:`\delta_0(0), \delta_0(1)`, ending in state :math:`S-1` or
    :math:`S-2`; backtracking gives the alignment. This is the
    maximum of the sum that the CTC loss takes.

    Parameters
    ----------
    log_probs : array-like or torch.Tensor of shape (T, C)
        Per-frame log-probabilities of one sequence (only its valid frames).
    labels : sequence of int
        The labelling (no blanks), each in ``0 .. C - 1``.
    blank : int, default=0

    Returns
    -------
    ndarray of int64, shape (T,)
        ``k`` where frame ``t`` emits label ``labels[k]``, -1 where it emits a blank.

    Raises
    ------
    ValueError
        If ``log_probs`` is not 2-d, ``labels`` is empty, holds the blank or an
        out-of-range symbol, or the sequence is too short for the labelling
        (it needs ``L`` plus the number of equal neighbours frames).

    See Also
    --------
    alignment_segments : first and last frame of each label's emission.

    Examples
    --------
    >>> lp = torch.log(torch.tensor([[.8, .1, .1], [.1, .8, .1], [.1, .8, .1], [.8, .1, .1], [.1, .1, .8]]))
    >>> ctc_forced_align(lp, [1, 2]).tolist()
    [-1, 0, 0, -1, 1]
    """
    lp, _ = _check_log_probs(log_probs, None, blank, ndim=2)
    lp = lp[0].double().numpy()
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.size == 0 or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"labels must be a non-empty sequence of ints; got {labels!r}.")
    n_classes = lp.shape[1]
    if lab.min() < 0 or lab.max() >= n_classes or np.any(lab == blank):
        raise ValueError(
            f"labels must be symbols in 0 .. {n_classes - 1} other than the blank {blank}; got {lab.tolist()}."
        )
    repeats = int(np.sum(lab[1:] == lab[:-1]))
    if len(lp) < lab.size + repeats:
        raise ValueError(
            f"a sequence of {len(lp)} frames cannot emit {lab.size} labels with {repeats} repeat(s); "
            f"it needs at least {lab.size + repeats} frames."
        )
    return _viterbi(lp, lab.astype(np.int64), blank)


def _viterbi(lp: np.ndarray, lab: np.ndarray, blank: int) -> np.ndarray:
    n_lab = len(lab)
    z = np.full(2 * n_lab + 1, blank, dtype=np.int64)
    z[1::2] = lab
    n_states, n_frames = len(z), len(lp)
    skip = np.zeros(n_states, dtype=bool)  # may come from s - 2
    skip[3::2] = lab[1:] != lab[:-1]
    emit = lp[:, z]  # (T, S): log p_t(z_s)
    delta = np.full(n_states, -np.inf)
    delta[:2] = emit[0, :2]
    back = np.zeros((n_frames, n_states), dtype=np.int8)  # 0: stay, 1: from s-1, 2: from s-2
    cand = np.full((3, n_states), -np.inf)  # rows: stay, step from s-1, jump from s-2 (-inf where not allowed)
    jumps = np.flatnonzero(skip)
    for t in range(1, n_frames):
        cand[0] = delta
        cand[1, 1:] = delta[:-1]
        cand[2, jumps] = delta[jumps - 2]
        back[t] = cand.argmax(0)
        np.max(cand, axis=0, out=delta)
        delta += emit[t]
    s = n_states - 1 if delta[-1] >= delta[-2] else n_states - 2
    states = np.empty(n_frames, dtype=np.int64)
    for t in range(n_frames - 1, -1, -1):
        states[t] = s
        s -= int(back[t, s])
    return np.where(states % 2 == 1, (states - 1) // 2, -1)


def alignment_segments(alignment: Any, n_labels: int) -> np.ndarray:
    """First and one-past-last frame where each label is emitted in an alignment from :func:`ctc_forced_align`.

    Parameters
    ----------
    alignment : array-like of int, shape (T,)
        Label position per frame, -1 for blank.
    n_labels : int
        ``L``; every position ``0 .. L - 1`` must occur.

    Returns
    -------
    ndarray of int64, shape (L, 2)

    Raises
    ------
    ValueError
        If a label position never occurs or the alignment is not 1-d.

    Examples
    --------
    >>> alignment_segments([-1, 0, 0, -1, 1], 2).tolist()
    [[1, 3], [4, 5]]
    """
    a = np.asarray(alignment)
    if a.ndim != 1:
        raise ValueError(f"alignment must be 1-d (one label position per frame); got shape {a.shape}.")
    n_labels = check_positive_int(n_labels, "n_labels")
    out = np.zeros((n_labels, 2), dtype=np.int64)
    for k in range(n_labels):
        frames = np.flatnonzero(a == k)
        if frames.size == 0:
            raise ValueError(
                f"label position {k} is never emitted in the alignment; expected all of 0 .. {n_labels - 1}."
            )
        out[k] = frames[0], frames[-1] + 1
    return out


# --------------------------------------------------------------------------- #
# a CTC model and its training
# --------------------------------------------------------------------------- #
class CTCRecognizer(nn.Module):
    r"""Frames -> per-frame log-probabilities over blank + ``n_labels`` symbols, for CTC.

    .. math:: \log p_t(\cdot) = \operatorname{log\,softmax}(W h_t + c), \qquad h = \text{FrameEncoder}(x)

    Symbol 0 is the blank; label :math:`d` (e.g. a digit) is symbol :math:`d + 1`.

    Parameters
    ----------
    n_in : int
        Features per frame.
    n_labels : int
        Number of labels (10 digits).
    hidden : int, default=64
        Width of the :class:`FrameEncoder`.

    Examples
    --------
    >>> model = CTCRecognizer(20, 10, hidden=8)
    >>> model([torch.randn(2, 30, 20), torch.tensor([30, 12])]).shape
    torch.Size([2, 30, 11])
    """

    blank = 0

    def __init__(self, n_in: int, n_labels: int, hidden: int = 64) -> None:
        super().__init__()
        self.n_labels = check_positive_int(n_labels, "n_labels")
        self.encoder = FrameEncoder(n_in, hidden)
        self.readout = nn.Linear(hidden, self.n_labels + 1)

    def forward(self, inputs: Any) -> torch.Tensor:
        """``[frames (batch, T, n_in), lengths (batch,)]`` (or frames alone) -> ``(batch, T_b, n_labels + 1)``.

        ``T_b`` is the longest of the batch's lengths: padding beyond it is dropped.
        """
        frames, lengths = _frames_and_lengths(inputs)
        frames = frames[:, : int(lengths.max())]
        return self.readout(self.encoder(frames)).log_softmax(-1)

    @torch.no_grad()
    def decode(
        self, frames: torch.Tensor, lengths: torch.Tensor, *, method: str = "greedy", beam_width: int = 8
    ) -> list[list[int]]:
        """The labels (0 .. n_labels - 1, blank removed) of each sequence, by greedy or beam decoding.

        Parameters
        ----------
        frames : torch.Tensor of shape (n, T, n_in)
        lengths : torch.Tensor of int64, shape (n,)
        method : {"greedy", "beam"}, default="greedy"
            :func:`ctc_greedy_decode` or :func:`ctc_beam_decode`.
        beam_width : int, default=8

        Returns
        -------
        list of list of int

        Raises
        ------
        ValueError
            If ``method`` is unknown.
        """
        if method not in ("greedy", "beam"):
            raise ValueError(f"method must be 'greedy' or 'beam'; got {method!r}.")
        was = self.training
        self.eval()
        try:
            lp = self([frames, lengths]).cpu()
        finally:
            self.train(was)
        lens = lengths.cpu()
        out = (
            ctc_greedy_decode(lp, lens, blank=self.blank)
            if method == "greedy"
            else ctc_beam_decode(lp, lens, beam_width=beam_width, blank=self.blank)
        )
        return [[k - 1 for k in seq] for seq in out]

    @torch.no_grad()
    def align(self, frames: torch.Tensor, length: int, labels: Sequence[int]) -> np.ndarray:
        """Forced alignment of one sequence (``frames`` ``(T, n_in)``) to its labels: label position per frame."""
        was = self.training
        self.eval()
        try:
            lp = self([frames[None, :length], torch.tensor([length], device=frames.device)])[0].cpu()
        finally:
            self.train(was)
        return ctc_forced_align(lp, [int(v) + 1 for v in labels], blank=self.blank)


def fit_ctc(
    model: CTCRecognizer,
    frames: torch.Tensor,
    lengths: torch.Tensor,
    labels: torch.Tensor,
    *,
    epochs: int,
    batch_size: int = 8,
    lr: float = 3e-3,
    random_state: RandomState = 0,
    progress: bool = False,
    device: Any = None,
) -> Any:
    r"""Train a :class:`CTCRecognizer` with ``torch.nn.CTCLoss`` on unsegmented sequences.

    The loss of a sequence with frames :math:`x` and labels :math:`l` is

    .. math:: -\log \sum_{\pi:\, \mathcal B(\pi) = l} \prod_t p_t(\pi_t \mid x),

    divided by the label length and averaged over the batch (``CTCLoss``'s
    ``"mean"`` reduction). Only the label sequences are used, never the frame
    boundaries. Training runs through :func:`mmlab.train.fit` (Adam; batches
    drawn from ``random_state``); the model's initial weights are the caller's.

    Parameters
    ----------
    model : CTCRecognizer
    frames : torch.Tensor of shape (n, T, n_in)
        Zero-padded frames.
    lengths : torch.Tensor of int64, shape (n,)
    labels : torch.Tensor of int64, shape (n, L_max)
        Labels ``0 .. n_labels - 1``, padded with -1.
    epochs, batch_size, lr, random_state, progress, device
        As :func:`mmlab.train.fit`.

    Returns
    -------
    mmlab.train.History

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`CTCRecognizer` or an input is not a tensor.
    ValueError
        On mismatched numbers of sequences, a label outside ``0 .. n_labels - 1``,
        a sequence without labels, or one too short for its labels.
    """
    from mmlab.train import fit

    if not isinstance(model, CTCRecognizer):
        raise TypeError(f"model must be a CTCRecognizer; got {type(model).__name__}.")
    frames, lengths, labels = _check_ctc_data(frames, lengths, labels, model.n_labels)
    targets = torch.cat([lengths[:, None], labels], dim=1)  # packed: the loss needs the input lengths
    return fit(
        model,
        [frames, lengths],
        targets,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        loss=_ctc_loss,
        metrics={},
        random_state=random_state,
        progress=progress,
        device=device,
    )


def _ctc_loss(log_probs: torch.Tensor, packed: torch.Tensor) -> torch.Tensor:
    input_lengths, labels = packed[:, 0], packed[:, 1:]
    valid = labels >= 0
    return nn.functional.ctc_loss(
        log_probs.transpose(0, 1),
        labels[valid] + 1,
        input_lengths,
        valid.sum(1),
        blank=CTCRecognizer.blank,
        zero_infinity=True,
    )


def _check_ctc_data(
    frames: Any, lengths: Any, labels: Any, n_labels: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    for name, t in (("frames", frames), ("lengths", lengths), ("labels", labels)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor; got {type(t).__name__}.")
    if frames.ndim != 3 or lengths.ndim != 1 or labels.ndim != 2:
        raise ValueError(
            f"expected frames (n, T, n_in), lengths (n,) and labels (n, L_max); got shapes "
            f"{tuple(frames.shape)}, {tuple(lengths.shape)} and {tuple(labels.shape)}."
        )
    if not (frames.shape[0] == lengths.shape[0] == labels.shape[0]):
        raise ValueError(
            f"frames, lengths and labels must describe the same sequences; got "
            f"{frames.shape[0]}, {lengths.shape[0]} and {labels.shape[0]}."
        )
    lengths, labels = lengths.long(), labels.long()
    if bool((lengths < 1).any()) or bool((lengths > frames.shape[1]).any()):
        raise ValueError(
            f"lengths must lie in 1 .. {frames.shape[1]} (the padded length); got values from "
            f"{int(lengths.min())} to {int(lengths.max())}."
        )
    if bool((labels >= n_labels).any()) or bool((labels < -1).any()):
        raise ValueError(
            f"labels must be 0 .. {n_labels - 1}, padded with -1; got values from "
            f"{int(labels.min())} to {int(labels.max())}."
        )
    n_lab = (labels >= 0).sum(1)
    if bool((n_lab == 0).any()):
        raise ValueError("every sequence needs at least one label; some rows of labels are all -1.")
    if bool((n_lab > lengths).any()):
        raise ValueError("some sequences have more labels than frames; CTC needs at least one frame per label.")
    return frames, lengths, labels


# --------------------------------------------------------------------------- #
# private helpers
# --------------------------------------------------------------------------- #
def _frames_and_lengths(inputs: Any) -> tuple[torch.Tensor, torch.Tensor]:
    if isinstance(inputs, torch.Tensor):
        return inputs, torch.full((inputs.shape[0],), inputs.shape[1], device=inputs.device)
    frames, lengths = inputs[0], inputs[1]
    return frames, lengths


def _collapse(path: np.ndarray, blank: int) -> list[int]:
    out, prev = [], None
    for k in path.tolist():
        if k != prev and k != blank:
            out.append(k)
        prev = k
    return out


def _check_log_probs(
    log_probs: Any, lengths: Any, blank: int, *, ndim: int | None = None
) -> tuple[torch.Tensor, np.ndarray]:
    lp = (
        log_probs.detach().cpu()
        if isinstance(log_probs, torch.Tensor)
        else torch.as_tensor(np.asarray(log_probs, dtype=float))
    )
    allowed = (2, 3) if ndim is None else (ndim,)
    if lp.ndim not in allowed:
        raise ValueError(
            f"log_probs must have shape {'(T, C) or (batch, T, C)' if ndim is None else '(T, C)'}; "
            f"got shape {tuple(lp.shape)}."
        )
    if lp.ndim == 2:
        lp = lp[None]
    if lp.shape[1] == 0 or lp.shape[2] == 0:
        raise ValueError(f"log_probs must have at least one frame and one symbol; got shape {tuple(lp.shape)}.")
    if isinstance(blank, bool) or not isinstance(blank, (int, np.integer)) or not 0 <= blank < lp.shape[2]:
        raise ValueError(f"blank must be a symbol index in 0 .. {lp.shape[2] - 1}; got {blank!r}.")
    if lengths is None:
        lens = np.full(lp.shape[0], lp.shape[1])
    else:
        lens = np.asarray(lengths.detach().cpu() if isinstance(lengths, torch.Tensor) else lengths).reshape(-1)
        if lens.shape[0] != lp.shape[0] or np.any(lens < 0) or np.any(lens > lp.shape[1]):
            raise ValueError(
                f"lengths must give one length in 0 .. {lp.shape[1]} per sequence ({lp.shape[0]}); got {lens.tolist()}."
            )
    return lp, lens
