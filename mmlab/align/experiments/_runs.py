"""Seeded runs behind the claims of the alignment lectures (see the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from mmlab._validation import (
    RandomState,
    check_choice,
    check_positive_int,
    check_random_state,
    check_scalar,
    seed_from_random_state,
)
from mmlab.align._attention import (
    AudioTextAligner,
    LateFusionAligner,
    attention_hits,
    fit_aligner,
    token_accuracy,
)
from mmlab.align._clustering import (
    MaskedFramePredictor,
    fit_masked_prediction,
    kmeans_targets,
    linear_probe,
    span_mask,
)
from mmlab.align._ctc import CTCRecognizer, alignment_segments, fit_ctc
from mmlab.align._encoders import pad_sequences, segment_features
from mmlab.align._graph import AGGREGATIONS, GraphClassifier
from mmlab.align._transport import assignment
from mmlab.runtime import seeded

__all__ = [
    "AttentionRun",
    "CTCRun",
    "ClusteringRun",
    "GraphRun",
    "MatchingRun",
    "loudness_targets",
    "match_spoken_to_images",
    "run_attention_vs_late",
    "run_clustering_targets",
    "run_ctc",
    "run_graph_aggregations",
    "segment_distances",
]


def _check_strings(data: Any, name: str) -> None:
    from mmlab.data import DigitStrings

    if not isinstance(data, DigitStrings):
        raise TypeError(
            f"{name} must be a DigitStrings split from mmlab.data.load_digit_strings; got {type(data).__name__}."
        )


def _seeded(seed: int, build: Any) -> Any:
    """Build a model with torch's global generator seeded, without changing the caller's random state."""
    with seeded(seed):
        return build()


# --------------------------------------------------------------------------- #
# lecture 01: matching spoken digits to images
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class MatchingRun:
    """Spoken digits matched to a shuffled strip of images, string by string (:func:`match_spoken_to_images`).

    Attributes
    ----------
    independent : float
        Share of spoken digits matched to their own image when each picks its cheapest image on its own.
    assignment : float
        The same with a one-to-one assignment per string.
    chance : float
        Expected share for a random one-to-one matching (mean of 1/K).
    costs : tuple of ndarray
        Per test string, ``(K, K)``: cost of pairing spoken digit k with image slot l.
    truth : tuple of ndarray
        Per test string, ``(K,)``: the slot holding spoken digit k's image.
    audio_probs, image_probs : tuple of ndarray
        Per test string, ``(K, 10)``: each classifier's class probabilities (images in slot order).
    audio_accuracy, image_accuracy : float
        Test accuracy of the two unimodal digit classifiers.
    """

    independent: float
    assignment: float
    chance: float
    costs: tuple
    truth: tuple
    audio_probs: tuple
    image_probs: tuple
    audio_accuracy: float
    image_accuracy: float


def match_spoken_to_images(
    train: Any, test: Any, *, image_noise: float = 0.0, random_state: RandomState = 0
) -> MatchingRun:
    r"""Match each test string's spoken digits to its shuffled image strip, independently and one-to-one.

    Two unimodal digit classifiers are fitted on the training strings
    (logistic regression on standardised features): one on spoken segments
    (the mean and standard deviation of their frames, true boundaries) and one
    on images (with Gaussian pixel noise of standard deviation
    ``image_noise``, in training and test alike). For a test string with
    spoken digits :math:`k` and image slots :math:`l` (a random permutation),
    the cost of a pair is the negative log-probability that both show the same digit,

    .. math:: C_{kl} = -\log \sum_{c=0}^{9} p_{\text{audio}}(c \mid k)\, p_{\text{image}}(c \mid l).

    *Independent* matching sends every spoken digit to its cheapest slot; the
    *assignment* solves :func:`mmlab.align.assignment` on :math:`C`.

    Parameters
    ----------
    train, test : DigitStrings
    image_noise : float, default=0.0
        Standard deviation of the pixel noise (images are in [0, 1]).
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the noise and the shuffles.

    Returns
    -------
    MatchingRun

    Raises
    ------
    TypeError
        If ``train`` or ``test`` is not a :class:`~mmlab.data.DigitStrings`.
    ValueError
        If ``image_noise`` is negative.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    _check_strings(train, "train")
    _check_strings(test, "test")
    image_noise = check_scalar(image_noise, "image_noise", min_val=0.0)
    rng = check_random_state(random_state)

    def features(data: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        audio = np.concatenate([segment_features(f, s) for f, s in zip(data.frames, data.segments, strict=True)])
        images = np.concatenate([im.reshape(len(im), -1) for im in data.images]).astype(np.float64)
        return audio, images + image_noise * rng.standard_normal(images.shape), np.concatenate(data.digits)

    a_tr, i_tr, y_tr = features(train)
    a_te, i_te, y_te = features(test)
    clf_audio = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)).fit(a_tr, y_tr)
    clf_image = make_pipeline(
        StandardScaler(), LogisticRegression(C=0.1 if image_noise == 0 else 0.01, max_iter=2000)
    ).fit(i_tr, y_tr)
    p_audio, p_image = clf_audio.predict_proba(a_te), clf_image.predict_proba(i_te)
    cuts = np.cumsum([len(d) for d in test.digits])[:-1]
    costs, truths, pa_out, pi_out, ind, asg = [], [], [], [], [], []
    for pa, pi in zip(np.split(p_audio, cuts), np.split(p_image, cuts), strict=True):
        perm = rng.permutation(len(pa))  # slot l shows the image of spoken digit perm[l]
        pi = pi[perm]
        cost = -np.log(pa @ pi.T + 1e-12)
        truth = np.argsort(perm)
        ind.append(np.mean(cost.argmin(1) == truth))
        asg.append(np.mean(assignment(cost) == truth))
        costs.append(cost)
        truths.append(truth)
        pa_out.append(pa)
        pi_out.append(pi)
    return MatchingRun(
        independent=float(np.mean(ind)),
        assignment=float(np.mean(asg)),
        chance=float(np.mean([1 / len(d) for d in test.digits])),
        costs=tuple(costs),
        truth=tuple(truths),
        audio_probs=tuple(pa_out),
        image_probs=tuple(pi_out),
        audio_accuracy=float(clf_audio.score(a_te, y_te)),
        image_accuracy=float(clf_image.score(i_te, y_te)),
    )


# --------------------------------------------------------------------------- #
# lecture 03: CTC
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class CTCRun:
    """A CTC recogniser trained on unsegmented strings and scored on the test strings (:func:`run_ctc`).

    Attributes
    ----------
    model : CTCRecognizer
    history : mmlab.train.History
    greedy, beam : list of list of int
        Decoded digits of every test string.
    greedy_accuracy, beam_accuracy : float
        Share of test strings decoded exactly.
    spikes : tuple of ndarray
        Per test string, ``(K, 2)``: first and one-past-last frame where the forced
        alignment emits each digit.
    spike_distance : ndarray
        Per test digit: frames between the centre of its emission and its true segment (0 inside).
    delay : float
        The model's typical delay: the median, over the calibration strings' digits, of the emission
        centre minus the true segment centre, in frames (0 without calibration strings).
    shifted_distance : ndarray
        ``spike_distance`` after moving every emission back by ``delay``.
    equal_split_distance : ndarray
        The same for an equal split of each string into K parts (a baseline that knows K).
    """

    model: Any
    history: Any
    greedy: list
    beam: list
    greedy_accuracy: float
    beam_accuracy: float
    spikes: tuple
    spike_distance: np.ndarray
    delay: float
    shifted_distance: np.ndarray
    equal_split_distance: np.ndarray


def segment_distances(points: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """Frames from each point to its segment ``[start, stop)``: 0 inside, else the gap to the nearest end.

    Examples
    --------
    >>> segment_distances(np.array([4.0, 9.5, 1.0]), np.array([[2, 6], [3, 8], [3, 8]])).tolist()
    [0.0, 2.5, 2.0]
    """
    p = np.asarray(points, dtype=float)
    seg = np.asarray(segments, dtype=float)
    return np.maximum(0.0, np.maximum(seg[:, 0] - p, p - (seg[:, 1] - 1)))


def run_ctc(
    train: Any,
    test: Any,
    *,
    epochs: int,
    calibration: Any = None,
    hidden: int = 64,
    beam_width: int = 4,
    random_state: RandomState = 0,
    device: Any = None,
) -> CTCRun:
    """Train a :class:`~mmlab.align.CTCRecognizer` on the training strings; decode and align the test strings.

    Only the digit sequences are used for training, never the segments. The
    test strings are decoded greedily and with a prefix beam search, and each
    is force-aligned to its true digits (:meth:`CTCRecognizer.align`); the
    centre of every digit's emission is compared with its true segment, as
    it is and after removing the model's typical delay, measured on the
    ``calibration`` strings (CTC fixes the order of the emissions, not their
    timing: a model may learn to emit each label a fixed time after it).

    Parameters
    ----------
    train, test : DigitStrings
    epochs : int
    calibration : DigitStrings, optional
        Strings whose segments estimate the delay (e.g. the validation split).
    hidden : int, default=64
    beam_width : int, default=4
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the initial weights and the batches.
    device : torch.device or str, optional

    Returns
    -------
    CTCRun

    Raises
    ------
    TypeError
        If ``train`` or ``test`` is not a :class:`~mmlab.data.DigitStrings`.
    """
    from mmlab.runtime import device as default_device

    _check_strings(train, "train")
    _check_strings(test, "test")
    seed = seed_from_random_state(random_state)
    dev = default_device() if device is None else torch.device(device)
    model = _seeded(seed, lambda: CTCRecognizer(train.frames[0].shape[1], 10, hidden=hidden))
    frames, lengths = train.padded(device=dev)
    history = fit_ctc(
        model, frames, lengths, train.padded_digits(device=dev), epochs=epochs, random_state=seed, device=dev
    )
    x, n = test.padded(device=dev)
    greedy = model.decode(x, n)
    beam = model.decode(x, n, method="beam", beam_width=beam_width)
    truth = [d.tolist() for d in test.digits]
    spikes, centres = _emissions(model, test, dev)
    delay = 0.0
    if calibration is not None:
        _check_strings(calibration, "calibration")
        _, cal = _emissions(model, calibration, dev)
        delay = float(np.median(cal - np.concatenate([(s[:, 0] + s[:, 1] - 1) / 2 for s in calibration.segments])))
    segments = np.concatenate(test.segments)
    equal = np.concatenate(
        [(np.arange(len(d)) + 0.5) * int(t) / len(d) for d, t in zip(test.digits, n.cpu(), strict=True)]
    )
    return CTCRun(
        model=model,
        history=history,
        greedy=greedy,
        beam=beam,
        greedy_accuracy=float(np.mean([g == t for g, t in zip(greedy, truth, strict=True)])),
        beam_accuracy=float(np.mean([b == t for b, t in zip(beam, truth, strict=True)])),
        spikes=spikes,
        spike_distance=segment_distances(centres, segments),
        delay=delay,
        shifted_distance=segment_distances(centres - delay, segments),
        equal_split_distance=segment_distances(equal, segments),
    )


def _emissions(model: Any, data: Any, dev: Any) -> tuple[tuple, np.ndarray]:
    """Forced-alignment emission segments of every string, and the centre of every digit's emission."""
    x, n = data.padded(device=dev)
    spikes = tuple(
        alignment_segments(model.align(x[i], int(n[i]), digits), len(digits)) for i, digits in enumerate(data.digits)
    )
    return spikes, np.concatenate([(s[:, 0] + s[:, 1] - 1) / 2 for s in spikes])


# --------------------------------------------------------------------------- #
# lecture 04: clustering targets
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class ClusteringRun:
    """k-means pseudo-labels, masked prediction, and linear probes of the digit (:func:`run_clustering_targets`).

    Attributes
    ----------
    targets : tuple of ndarray
        Pseudo-label of every frame of every training string.
    kmeans : sklearn.pipeline.Pipeline
        The fitted standardisation and k-means.
    cluster_digit_table : ndarray
        ``(n_clusters, 11)`` joint frequency of (cluster, digit or silence = 10) over the training frames.
    model : MaskedFramePredictor
    history : mmlab.train.History
    masked_accuracy : float
        Share of masked test frames whose pseudo-label the model predicts.
    majority_accuracy : float
        Share of test frames in the most frequent cluster (the best guess without context).
    probe : dict of str to float
        Test accuracy of a linear probe of the digit on frames inside digit segments, from
        ``"raw"`` frames, the ``"random"`` (untrained) encoder and the ``"learned"`` one.
    """

    targets: tuple
    kmeans: Any
    cluster_digit_table: np.ndarray
    model: Any
    history: Any
    masked_accuracy: float
    majority_accuracy: float
    probe: Mapping[str, float] = field(default_factory=dict)


def run_clustering_targets(
    train: Any,
    test: Any,
    *,
    n_clusters: int,
    epochs: int,
    hidden: int = 64,
    probe_samples: int = 8000,
    random_state: RandomState = 0,
    device: Any = None,
) -> ClusteringRun:
    """Cluster frames into pseudo-labels, train masked prediction on them, and probe the frame representations.

    Parameters
    ----------
    train, test : DigitStrings
    n_clusters : int
        Number of k-means pseudo-labels.
    epochs : int
        Of masked prediction.
    hidden : int, default=64
    probe_samples : int, default=8000
        Training frames used by each linear probe.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds k-means, the initial weights, the masks and the batches.
    device : torch.device or str, optional

    Returns
    -------
    ClusteringRun

    Raises
    ------
    TypeError
        If ``train`` or ``test`` is not a :class:`~mmlab.data.DigitStrings`.
    """
    from mmlab.runtime import device as default_device

    _check_strings(train, "train")
    _check_strings(test, "test")
    n_clusters = check_positive_int(n_clusters, "n_clusters", minimum=2)
    seed = seed_from_random_state(random_state)
    dev = default_device() if device is None else torch.device(device)
    targets, km = kmeans_targets(train.frames, n_clusters, random_state=seed)
    labels_tr = np.concatenate(train.frame_labels(silence=10))
    table = np.zeros((n_clusters, 11))
    np.add.at(table, (np.concatenate(targets), labels_tr), 1.0)
    model = _seeded(
        seed, lambda: MaskedFramePredictor(train.frames[0].shape[1], n_clusters, hidden=hidden, random_state=seed)
    )
    untrained = _seeded(
        seed, lambda: MaskedFramePredictor(train.frames[0].shape[1], n_clusters, hidden=hidden, random_state=seed)
    )
    x, n = train.padded(device=dev)
    z, _ = pad_sequences(targets, fill=-1, device=dev)
    history = fit_masked_prediction(model, x, n, z, epochs=epochs, random_state=seed, device=dev)

    xt, nt = test.padded(device=dev)
    zt = [km.predict(f.astype(np.float64)) for f in test.frames]
    mask = span_mask(
        nt, start_prob=model.start_prob, span=model.span, generator=torch.Generator().manual_seed(seed + 1)
    )  # test masks, as in training
    model.eval()
    with torch.no_grad():
        hidden_in = torch.where(mask[..., None], model.mask_embedding, xt[:, : mask.shape[1]])
        pred = model.readout(model.encoder(hidden_in)).argmax(-1).cpu()
    mask = mask.cpu()
    hit, total = 0, 0
    for i, zi in enumerate(zt):
        m = mask[i, : len(zi)].numpy()
        hit += int((pred[i, : len(zi)].numpy()[m] == zi[m]).sum())
        total += int(m.sum())
    all_z = np.concatenate(zt)
    majority = float(np.mean(all_z == np.bincount(np.concatenate(targets), minlength=n_clusters).argmax()))

    y_tr, y_te = labels_tr, np.concatenate(test.frame_labels(silence=10))
    keep_tr, keep_te = y_tr < 10, y_te < 10
    untrained.to(dev)

    def flat(features: torch.Tensor, lengths: np.ndarray) -> np.ndarray:
        f = features.cpu().numpy()
        return np.concatenate([f[i, :k] for i, k in enumerate(lengths)])

    lens_tr, lens_te = train.lengths(), test.lengths()
    probe = {}
    for name, fn in (
        ("raw", lambda a, b: a[:, : int(b.max())]),
        ("random", untrained.represent),
        ("learned", model.represent),
    ):
        f_tr, f_te = flat(fn(x, n), lens_tr), flat(fn(xt, nt), lens_te)
        probe[name] = linear_probe(
            f_tr[keep_tr], y_tr[keep_tr], f_te[keep_te], y_te[keep_te], max_samples=probe_samples, random_state=seed
        )
    return ClusteringRun(
        targets=targets,
        kmeans=km,
        cluster_digit_table=table / table.sum(),
        model=model,
        history=history,
        masked_accuracy=hit / max(total, 1),
        majority_accuracy=majority,
        probe=probe,
    )


# --------------------------------------------------------------------------- #
# lecture 05: cross-modal attention and graphs
# --------------------------------------------------------------------------- #
def loudness_targets(data: Any, *, device: Any = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The "which written digits were said loudly?" task: frames, lengths, written digits and 0/1 targets.

    A written digit's target is 1 when its spoken version (rendering a) was
    made louder than the voice's level (gain above 0 dB, drawn uniformly from
    [-6, 6] dB per digit), 0 otherwise; tokens and targets are padded with -1.

    Parameters
    ----------
    data : DigitStrings
    device : torch.device or str, optional

    Returns
    -------
    frames : (n, T, 20), lengths : (n,), tokens : (n, 5) int64, targets : (n, 5) float32

    Raises
    ------
    TypeError
        If ``data`` is not a :class:`~mmlab.data.DigitStrings`.
    """
    _check_strings(data, "data")
    frames, lengths = data.padded(device=device)
    tokens = data.padded_digits(device=device)
    targets = torch.full(tokens.shape, -1.0)
    for i, gains in enumerate(data.meta["gain_db"]):
        targets[i, : len(gains)] = torch.from_numpy((np.asarray(gains) > 0).astype(np.float32))
    return frames, lengths, tokens, targets.to(device)


@dataclass(frozen=True, eq=False)
class AttentionRun:
    """Cross-modal attention against late fusion on the loudness task (:func:`run_attention_vs_late`).

    Attributes
    ----------
    attention, late : float
        Test accuracy per written digit of :class:`~mmlab.align.AudioTextAligner` and
        :class:`~mmlab.align.LateFusionAligner`.
    hits : ndarray of bool
        Per test digit: the attention of its written digit peaks inside its spoken segment.
    chance_hits : float
        The expected share for a peak at a random frame (mean segment length / string length).
    weights : torch.Tensor
        ``(n_test, 5, T)``: the attention of every written digit over the frames of its string.
    models : dict of str to nn.Module
    histories : dict of str to mmlab.train.History
    """

    attention: float
    late: float
    hits: np.ndarray
    chance_hits: float
    weights: torch.Tensor
    models: Mapping[str, Any]
    histories: Mapping[str, Any]


def run_attention_vs_late(
    train: Any, test: Any, *, epochs: int, hidden: int = 32, random_state: RandomState = 0, device: Any = None
) -> AttentionRun:
    """Train cross-modal attention and late fusion on :func:`loudness_targets`; score them and the attention peaks.

    Parameters
    ----------
    train, test : DigitStrings
    epochs : int
    hidden : int, default=32
    random_state : int, numpy.random.Generator or None, default=0
        Seeds both models' initial weights and batches.
    device : torch.device or str, optional

    Returns
    -------
    AttentionRun

    Raises
    ------
    TypeError
        If ``train`` or ``test`` is not a :class:`~mmlab.data.DigitStrings`.
    """
    from mmlab.runtime import device as default_device

    _check_strings(train, "train")
    _check_strings(test, "test")
    seed = seed_from_random_state(random_state)
    dev = default_device() if device is None else torch.device(device)
    data_tr, data_te = loudness_targets(train, device=dev), loudness_targets(test, device=dev)
    n_in = train.frames[0].shape[1]
    models = {
        "attention": _seeded(seed, lambda: AudioTextAligner(n_in, hidden=hidden)),
        "late fusion": _seeded(seed, lambda: LateFusionAligner(n_in, hidden=hidden)),
    }
    histories, scores = {}, {}
    for name, model in models.items():
        histories[name] = fit_aligner(model, *data_tr, epochs=epochs, random_state=seed, device=dev)
        scores[name] = token_accuracy(model, *data_te)
    weights = models["attention"].last_attention.cpu()  # from the test evaluation above
    hits = attention_hits(weights, test.segments)
    share = [(s[:, 1] - s[:, 0]) / len(f) for s, f in zip(test.segments, test.frames, strict=True)]
    return AttentionRun(
        attention=scores["attention"],
        late=scores["late fusion"],
        hits=hits,
        chance_hits=float(np.mean(np.concatenate(share))),
        weights=weights,
        models=models,
        histories=histories,
    )


@dataclass(frozen=True, eq=False)
class GraphRun:
    """The three aggregations on scene graphs (:func:`run_graph_aggregations`).

    Attributes
    ----------
    accuracy : dict of str to float
        Test accuracy per aggregation.
    referent_weight : dict of str to float
        Mean weight the word node gives the object it refers to, per aggregation.
    models : dict of str to GraphClassifier
    test : SceneGraphs
    """

    accuracy: Mapping[str, float]
    referent_weight: Mapping[str, float]
    models: Mapping[str, Any]
    test: Any


def run_graph_aggregations(
    n_train: int,
    n_test: int,
    *,
    epochs: int,
    n_objects: int = 6,
    hidden: int = 32,
    aggregations: Sequence[str] = AGGREGATIONS,
    random_state: RandomState = 0,
    device: Any = None,
) -> GraphRun:
    """Train one :class:`~mmlab.align.GraphClassifier` per aggregation on scene graphs; test accuracy and weights.

    Parameters
    ----------
    n_train, n_test : int
        Scenes drawn in one call of :func:`mmlab.data.make_scene_graphs` and split.
    epochs : int
    n_objects : int, default=6
    hidden : int, default=32
    aggregations : sequence of {"mean", "conv", "attention"}, default=AGGREGATIONS
        The aggregations to train. Each model has its own seeded weights and batches, so a model's
        results do not depend on which others are trained.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the scenes, the initial weights and the batches.
    device : torch.device or str, optional

    Returns
    -------
    GraphRun

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer, or ``aggregations`` is empty or names an unknown aggregation.
    """
    from mmlab.data import make_scene_graphs
    from mmlab.runtime import device as default_device
    from mmlab.train import evaluate, fit

    n_train = check_positive_int(n_train, "n_train")
    n_test = check_positive_int(n_test, "n_test")
    if isinstance(aggregations, str) or not aggregations:
        raise ValueError(f"aggregations must be a non-empty sequence of {list(AGGREGATIONS)}; got {aggregations!r}.")
    aggregations = [check_choice(a, "aggregations", AGGREGATIONS) for a in aggregations]
    seed = seed_from_random_state(random_state)
    dev = default_device() if device is None else torch.device(device)
    scenes = make_scene_graphs(n_train + n_test, n_objects=n_objects, random_state=seed)
    tr, te = scenes.subset(slice(0, n_train)), scenes.subset(slice(n_train, None))
    (x_tr, y_tr), (x_te, y_te) = tr.tensors(dev), te.tensors(dev)
    n_colours = int(scenes.colours.max()) + 1
    accuracy, weight, models = {}, {}, {}
    rows = torch.arange(n_test)
    for agg in aggregations:
        model = _seeded(
            seed, lambda agg=agg: GraphClassifier(scenes.x.shape[-1], n_colours, hidden=hidden, aggregation=agg)
        )
        fit(model, x_tr, y_tr, epochs=epochs, batch_size=64, lr=3e-3, random_state=seed, progress=False, device=dev)
        accuracy[agg] = float(evaluate(model, x_te, y_te, device=dev)["accuracy"])
        model.eval()
        with torch.no_grad():
            model(x_te)
        weight[agg] = float(model.last_weights.cpu()[rows, 0, torch.from_numpy(te.referent)].mean())
        models[agg] = model
    return GraphRun(accuracy=accuracy, referent_weight=weight, models=models, test=te)
