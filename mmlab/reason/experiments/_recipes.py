"""The seeded experiments behind the reasoning lectures' claims (one function per section)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_random_state, seed_from_random_state
from mmlab.runtime import seeded

__all__ = [
    "HELD_OUT_PAIRS",
    "LOGIC_FORMS",
    "ExperimentResult",
    "causal_experiment",
    "counting_experiment",
    "knowledge_experiment",
    "language_rl",
    "logic_probes",
    "make_logic_questions",
    "memory_vs_memoryless",
    "nmn_vs_monolithic",
    "tree_vs_flat",
]

#: The (colour, shape) pairs held out of training in the compositional tests, in the order they are held out.
HELD_OUT_PAIRS: tuple[tuple[str, str], ...] = (
    ("red", "circle"),
    ("green", "triangle"),
    ("blue", "square"),
    ("red", "triangle"),
    ("green", "square"),
    ("blue", "circle"),
)

#: The question forms of :func:`make_logic_questions`.
LOGIC_FORMS: tuple[str, ...] = (
    "premise",
    "not",
    "and",
    "or",
    "and_not",
    "contradiction",
    "not_and",
    "or_not",
    "hollow",
)


@dataclass
class ExperimentResult:
    """The figures of one experiment, and what a notebook may want to draw.

    Attributes
    ----------
    scores : dict
        The figures the lecture claims (accuracies, failure rates, RMSE).
    models : dict
        The trained models, by name.
    extra : dict
        Anything else (data, histories, reports).
    """

    scores: dict
    models: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def _init(seed: int, build: Any) -> nn.Module:
    with seeded(seed):
        return build()


def _fit(
    model: nn.Module,
    x: Any,
    y: torch.Tensor,
    *,
    epochs: int,
    seed: int,
    lr: float,
    loss: str,
    metrics: Sequence[str] = ("accuracy",),
) -> Any:
    from mmlab.train import fit

    return fit(
        model,
        x,
        y,
        epochs=epochs,
        lr=lr,
        loss=loss,
        metrics=metrics,
        batch_size=64,
        progress=False,
        random_state=seed,
        device="cpu",
    )


def _accuracy(model: nn.Module, x: Any, y: torch.Tensor) -> float:
    from mmlab.train import evaluate

    return evaluate(model, x, y, device="cpu")["accuracy"]


# --------------------------------------------------------------------------- #
# 3.1 memory and trees
# --------------------------------------------------------------------------- #
def memory_vs_memoryless(
    *,
    n: int = 2000,
    epochs: int = 20,
    steps: int = 6,
    random_state: RandomState = 0,
) -> ExperimentResult:
    """Train :class:`~mmlab.reason.MultiViewMemory` and :class:`~mmlab.reason.LastStepModel` on recall sequences.

    Returns
    -------
    ExperimentResult
        ``scores``: test accuracy of ``"memory"`` and ``"memoryless"``;
        ``extra["test"]``: the test sequences.

    Raises
    ------
    TypeError, ValueError
        On a bad size or random state.
    """
    from mmlab.reason._memory import LastStepModel, MultiViewMemory, make_recall_sequences

    n, epochs = check_positive_int(n, "n"), check_positive_int(epochs, "epochs")
    seed = seed_from_random_state(random_state)
    train = make_recall_sequences(n, steps=steps, random_state=seed)
    test = make_recall_sequences(1000, steps=steps, random_state=seed + 1)
    x, y = train.to_torch()
    xt, yt = test.to_torch()
    scores, models = {}, {}
    for name, build in (("memory", lambda: MultiViewMemory((8, 8))), ("memoryless", lambda: LastStepModel((8, 8)))):
        models[name] = _init(seed, build)
        _fit(models[name], x, y, epochs=epochs, seed=seed, lr=3e-3, loss="cross_entropy")
        scores[name] = _accuracy(models[name], xt, yt)
    return ExperimentResult(scores, models, {"test": test})


def tree_vs_flat(
    *,
    n: int = 2000,
    epochs: int = 30,
    held_out: int = 4,
    random_state: RandomState = 0,
) -> ExperimentResult:
    """Train :class:`~mmlab.reason.TreeGrounder` and :class:`~mmlab.reason.FlatGrounder` without some pairs.

    The first ``held_out`` pairs of :data:`HELD_OUT_PAIRS` are never referred
    to in training; both models are tested on phrases about them
    (``"held_out"``) and about the trained pairs (``"seen"``).

    Returns
    -------
    ExperimentResult
        ``scores[model]["held_out" | "seen"]``: accuracy of pointing at the referent.

    Raises
    ------
    TypeError, ValueError
        On a bad size or random state, or ``held_out`` outside 1..6.
    """
    from mmlab.reason._tree import FlatGrounder, TreeGrounder, make_grounding_phrases

    n, epochs = check_positive_int(n, "n"), check_positive_int(epochs, "epochs")
    held_out = check_positive_int(held_out, "held_out")
    if held_out > len(HELD_OUT_PAIRS):
        raise ValueError(f"held_out must be at most {len(HELD_OUT_PAIRS)}; got {held_out}.")
    seed = seed_from_random_state(random_state)
    held = HELD_OUT_PAIRS[:held_out]
    train = make_grounding_phrases(n, exclude=held, noise=0.2, random_state=seed)
    tests = {
        "held_out": make_grounding_phrases(1000, only=held, noise=0.2, random_state=seed + 1),
        "seen": make_grounding_phrases(1000, exclude=held, noise=0.2, random_state=seed + 2),
    }
    scores, models = {}, {}
    for name, build in (("tree", TreeGrounder), ("flat", FlatGrounder)):
        models[name] = _init(seed, build)
        _fit(
            models[name],
            train.inputs(),
            torch.as_tensor(train.target),
            epochs=epochs,
            seed=seed,
            lr=3e-3,
            loss="cross_entropy",
        )
        scores[name] = {k: _accuracy(models[name], d.inputs(), torch.as_tensor(d.target)) for k, d in tests.items()}
    return ExperimentResult(scores, models, {"held": held, **tests})


# --------------------------------------------------------------------------- #
# 3.2 interactive structure
# --------------------------------------------------------------------------- #
def language_rl(
    *,
    updates: int = 300,
    boards: int = 128,
    episodes: int = 1000,
    random_state: RandomState = 0,
) -> ExperimentResult:
    """Train the instructed and the instruction-ignoring policy; evaluate both and a random one.

    Returns
    -------
    ExperimentResult
        ``scores[policy]``: :func:`~mmlab.reason.evaluate_policy` of
        ``"instructed"``, ``"ignoring"`` and ``"random"``; ``models``: the
        two :class:`~mmlab.reason.PolicyResult`.

    Raises
    ------
    TypeError, ValueError
        On a bad size or random state.
    """
    from mmlab.reason._env import evaluate_policy, train_instruction_policy

    seed = seed_from_random_state(random_state)
    models = {
        name: train_instruction_policy(updates=updates, boards=boards, instruction=flag, random_state=seed)
        for name, flag in (("instructed", True), ("ignoring", False))
    }
    scores = {name: evaluate_policy(p, episodes=episodes, random_state=seed + 1) for name, p in models.items()}
    scores["random"] = evaluate_policy("random", episodes=episodes, random_state=seed + 1)
    return ExperimentResult(scores, models)


# --------------------------------------------------------------------------- #
# 3.3 neural modules and soft logic
# --------------------------------------------------------------------------- #
def nmn_vs_monolithic(
    *,
    n: int = 3000,
    epochs: int = 25,
    held_out: int = 3,
    random_state: RandomState = 0,
) -> ExperimentResult:
    """Train a neural module network and a monolithic model on the same questions, without some pairs.

    Training questions (``make_scene_qa(family="exists_mixed")``) never ask
    about the first ``held_out`` pairs of :data:`HELD_OUT_PAIRS`; both models
    are tested on "is there a <colour> <shape>?" about the held-out pairs and
    about the trained ones.

    Returns
    -------
    ExperimentResult
        ``scores[model]["held_out" | "seen"]``; ``models["nmn"]``,
        ``models["monolithic"]``; ``extra``: the test sets.

    Raises
    ------
    TypeError, ValueError
        On a bad size or random state.
    """
    from mmlab.data import make_scene_qa
    from mmlab.reason._modules import MonolithicVQA, NeuralModuleNetwork

    n, epochs = check_positive_int(n, "n"), check_positive_int(epochs, "epochs")
    seed = seed_from_random_state(random_state)
    held = HELD_OUT_PAIRS[:held_out]
    opts = {"n_objects": (1, 4)}
    train = make_scene_qa(n, family="exists_mixed", exclude=held, random_state=seed, **opts)
    tests = {
        "held_out": make_scene_qa(1000, only=held, random_state=seed + 1, **opts),
        "seen": make_scene_qa(1000, exclude=held, random_state=seed + 2, **opts),
    }
    nmn = _init(seed, lambda: NeuralModuleNetwork(dim=16))
    mono = _init(seed, lambda: MonolithicVQA(train.tokens.shape[1], dim=16))
    y = torch.as_tensor(train.answers).float()
    img = torch.as_tensor(train.scenes.images)
    _fit(nmn, [img, nmn.encode(train.programs)], y, epochs=epochs, seed=seed, lr=1e-2, loss="bce")
    _fit(mono, [img, torch.as_tensor(train.tokens)], y, epochs=epochs, seed=seed, lr=1e-3, loss="bce")
    scores: dict[str, dict[str, float]] = {"nmn": {}, "monolithic": {}}
    for k, d in tests.items():
        yt, it = torch.as_tensor(d.answers).float(), torch.as_tensor(d.scenes.images)
        scores["nmn"][k] = _accuracy(nmn, [it, nmn.encode(d.programs)], yt)
        scores["monolithic"][k] = _accuracy(mono, [it, torch.as_tensor(d.tokens)], yt)
    return ExperimentResult(scores, {"nmn": nmn, "monolithic": mono}, {"held": held, **tests})


def make_logic_questions(
    n: int, forms: Sequence[str], *, random_state: RandomState = None, **scene_options: Any
) -> Any:
    """Scenes with compound yes/no questions built from "is there a <colour> <shape>?" premises.

    Forms (``e1``, ``e2``: two premises; each premise names a pair present in
    the scene with probability 1/2, so answers are not mostly "no"):
    ``premise`` e1; ``not`` NOT e1; ``and`` e1 AND e2; ``or`` e1 OR e2;
    ``and_not`` e1 AND NOT e2; ``contradiction`` e1 AND NOT e1; ``not_and``
    NOT (e1 AND e2); ``or_not`` NOT e1 OR NOT e2 (same e1, e2 as ``not_and`` on
    the same row); ``hollow`` "is there a hollow <colour> <shape>?".

    Parameters
    ----------
    n : int
    forms : sequence of str
        Drawn uniformly per question (from :data:`LOGIC_FORMS`).
    random_state : int, numpy.random.Generator or None
    **scene_options
        Passed to :func:`mmlab.data.make_scenes`.

    Returns
    -------
    mmlab.data.SceneQA
        ``extra["form"]``: the form of each question (str array);
        ``extra["premises"]``: the two premise programs' answers, bool ``(n, 2)``.

    Raises
    ------
    ValueError
        If ``forms`` is empty or names an unknown form.
    """
    from mmlab.data import SCENE_COLORS, SCENE_SHAPES, SceneQA, bag_of_words, make_scenes, qa_vocabulary
    from mmlab.data._scenes import _answer_each

    n = check_positive_int(n, "n")
    if not forms or any(f not in LOGIC_FORMS for f in forms):
        raise ValueError(f"forms must be a non-empty selection of {list(LOGIC_FORMS)}; got {list(forms)}.")
    rng = check_random_state(random_state)
    scenes = make_scenes(n, random_state=rng, **scene_options)
    chosen = [forms[i] for i in rng.integers(0, len(forms), size=n)]
    programs, premises = [], []
    for i in range(n):
        pair_programs = []
        for _ in range(2):
            occ = np.argwhere(scenes.occupied[i])
            if len(occ) and rng.random() < 0.5:
                r, c = occ[rng.integers(len(occ))]
                col, sh = SCENE_COLORS[scenes.color[i, r, c]], SCENE_SHAPES[scenes.shape[i, r, c]]
            else:
                col, sh = SCENE_COLORS[rng.integers(3)], SCENE_SHAPES[rng.integers(3)]
            pair_programs.append(("filter", "color", col, ("filter", "shape", sh, ("scene",))))
        e1, e2 = ("exists", pair_programs[0]), ("exists", pair_programs[1])
        form = chosen[i]
        program = {
            "premise": e1,
            "not": ("not", e1),
            "and": ("and", e1, e2),
            "or": ("or", e1, e2),
            "and_not": ("and", e1, ("not", e2)),
            "contradiction": ("and", e1, ("not", e1)),
            "not_and": ("not", ("and", e1, e2)),
            "or_not": ("or", ("not", e1), ("not", e2)),
            "hollow": ("exists", ("filter", "fill", "hollow", pair_programs[0])),
        }[form]
        programs.append(program)
        premises.append((e1, e2))
    answers = _answer_each(programs, scenes).astype(np.int64)
    prem = np.stack([_answer_each([p[k] for p in premises], scenes) for k in range(2)], axis=1)
    vocabulary = qa_vocabulary()
    return SceneQA(
        scenes=scenes,
        programs=tuple(programs),
        answers=answers,
        tokens=bag_of_words(programs, vocabulary),
        vocabulary=vocabulary,
        family="logic",
        extra={"form": np.array(chosen), "premises": prem},
    )


def _antonym_rewrite(program: tuple) -> tuple:
    """Replace ``filter fill hollow`` by ``(NOT filter fill filled) AND ...``: the lexicon's antonym rule."""
    if not isinstance(program, tuple) or not program:
        return program
    if program[0] == "filter" and program[1:3] == ("fill", "hollow"):
        child = _antonym_rewrite(program[3])
        return ("and", ("not", ("filter", "fill", "filled", ("scene",))), child)
    return tuple(_antonym_rewrite(p) if isinstance(p, tuple) else p for p in program)


class _PlainOnPercepts(nn.Module):
    """An MLP on [percepts; bag of words]: a VQA model with good perception and no logic."""

    def __init__(self, width: int, vocab: int, hidden: int = 128) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(width + vocab, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1)
        )

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        return self.net(torch.cat(list(inputs), dim=1))


def logic_probes(
    nmn: nn.Module,
    *,
    n: int = 3000,
    epochs: int = 20,
    tnorm: str = "product",
    train_forms: Sequence[str] = ("premise", "not", "and", "or"),
    random_state: RandomState = 0,
) -> ExperimentResult:
    """Compose a trained module network's premises with soft logic, and compare with a plain model.

    The plain model sees the same perception (the module network's
    probabilities that the scene holds something filled, each colour, each
    shape and each colour-shape pair) and the question's bag of words, and an
    MLP answers; it
    is trained on premises and their NOT, AND and OR (``train_forms``). Both are then
    probed on forms the plain model never saw: ``and_not``,
    ``contradiction`` (e1 AND NOT e1, always "no"), the De Morgan pair
    ``not_and`` / ``or_not`` (same answer by logic), and ``hollow`` (an
    antonym of "filled", never in any training question; the composed model
    rewrites it as NOT filled).

    Parameters
    ----------
    nmn : NeuralModuleNetwork
        Trained premise model (e.g. from :func:`nmn_vs_monolithic`).
    n, epochs : int
    tnorm : {"product", "lukasiewicz", "godel"}
    train_forms : sequence of str, default=("premise", "not", "and", "or")
        The question forms of :data:`LOGIC_FORMS` the plain model is trained on
        (e.g. add ``"contradiction"``); the probes are the same whatever they are.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    ExperimentResult
        ``scores["accuracy"][model][form]``; ``scores["contradiction_yes"][model]``
        (mean probability of "yes" on contradictions); ``scores["demorgan_gap"][model]``
        (mean absolute difference of the two De Morgan forms' probabilities).

    Raises
    ------
    TypeError, ValueError
        On a bad size, random state or t-norm, or ``train_forms`` empty or naming an unknown form.
    """
    from mmlab._validation import check_choice
    from mmlab.reason._logic import TNORMS
    from mmlab.reason._modules import execute_grouped

    check_choice(tnorm, "tnorm", TNORMS)
    n, epochs = check_positive_int(n, "n"), check_positive_int(epochs, "epochs")
    seed = seed_from_random_state(random_state)
    opts = {"n_objects": (1, 4)}
    train = make_logic_questions(n, tuple(train_forms), random_state=seed, **opts)

    def percepts(images: np.ndarray) -> torch.Tensor:  # what the scene holds, seen by the module network
        from mmlab.data import SCENE_COLORS, SCENE_SHAPES

        summary = [("filter", "fill", "filled", ("scene",))]
        summary += [("filter", "color", c, ("scene",)) for c in SCENE_COLORS]
        summary += [("filter", "shape", s, ("scene",)) for s in SCENE_SHAPES]
        summary += [
            ("filter", "color", c, ("filter", "shape", s, ("scene",))) for c in SCENE_COLORS for s in SCENE_SHAPES
        ]
        with torch.no_grad():
            maps = nmn.attention(torch.as_tensor(images))
            k = maps.shape[0]
            return torch.stack([execute_grouped([("exists", p)] * k, maps, nmn._channel, tnorm) for p in summary], 1)

    width = percepts(train.scenes.images[:1]).shape[1]
    plain = _init(seed, lambda: _PlainOnPercepts(width, train.tokens.shape[1]))
    _fit(
        plain,
        [percepts(train.scenes.images), torch.as_tensor(train.tokens)],
        torch.as_tensor(train.answers).float(),
        epochs=epochs,
        seed=seed,
        lr=1e-3,
        loss="bce",
    )
    probes = ("premise", "not", "and", "or", "and_not", "contradiction", "hollow")
    test = make_logic_questions(2000, probes, random_state=seed + 1, **opts)
    pair = make_logic_questions(1000, ("not_and",), random_state=seed + 2, **opts)
    pair_or = [("or", ("not", p[1][1]), ("not", p[1][2])) for p in pair.programs]

    def composed(qa_programs: Sequence[tuple], images: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            maps = nmn.attention(torch.as_tensor(images))
            rewritten = [_antonym_rewrite(p) for p in qa_programs]
            return execute_grouped(rewritten, maps, nmn._channel, tnorm).numpy()

    def plain_p(programs: Sequence[tuple], images: np.ndarray) -> np.ndarray:
        from mmlab.data import bag_of_words
        from mmlab.train import predict

        logits = predict(plain, [percepts(images), torch.as_tensor(bag_of_words(programs))], device="cpu")
        return torch.sigmoid(logits.reshape(-1)).numpy()

    prob = {
        "composed": composed(test.programs, test.scenes.images),
        "plain": plain_p(test.programs, test.scenes.images),
    }
    forms = test.extra["form"]
    acc = {
        m: {f: float(((p[forms == f] > 0.5) == test.answers[forms == f]).mean()) for f in probes}
        for m, p in prob.items()
    }
    contradiction = {m: float(p[forms == "contradiction"].mean()) for m, p in prob.items()}
    gap = {
        "composed": float(
            np.abs(composed(pair.programs, pair.scenes.images) - composed(pair_or, pair.scenes.images)).mean()
        ),
        "plain": float(
            np.abs(plain_p(pair.programs, pair.scenes.images) - plain_p(pair_or, pair.scenes.images)).mean()
        ),
    }
    return ExperimentResult(
        {"accuracy": acc, "contradiction_yes": contradiction, "demorgan_gap": gap},
        {"plain": plain},
        {"test": test, "probabilities": prob},
    )


# --------------------------------------------------------------------------- #
# 3.4 causal inference, knowledge, counting
# --------------------------------------------------------------------------- #
def causal_experiment(
    *, n: int = 2000, epochs: int = 15, shape: str = "circle", color: str = "red", random_state: RandomState = 0
) -> ExperimentResult:
    """Train "is there a <shape>?" on data where <shape> and <color> go together, with and without interventions.

    Returns
    -------
    ExperimentResult
        ``scores[model]`` for ``"spurious"`` and ``"augmented"``:
        ``accuracy_correlated`` (test data with the correlation),
        ``accuracy_uncorrelated`` (without it), ``invariance_failure``,
        ``covariance_failure``; ``extra["reports"]``: the
        :class:`~mmlab.reason.InterventionReport` of each model.

    Raises
    ------
    TypeError, ValueError
        On a bad size, random state, shape or colour.
    """
    from mmlab.data import execute_program, make_scenes
    from mmlab.reason._causal import augment_with_interventions, intervention_test, standard_interventions
    from mmlab.reason._modules import MonolithicVQA
    from mmlab.train import predict

    n, epochs = check_positive_int(n, "n"), check_positive_int(epochs, "epochs")
    seed = seed_from_random_state(random_state)
    question = ("exists", ("filter", "shape", shape, ("scene",)))
    edits = standard_interventions(shape, color)
    train = make_scenes(n, spurious=(shape, color), random_state=seed)
    data = {"spurious": train, "augmented": augment_with_interventions(train, edits, random_state=seed + 3)}
    correlated = make_scenes(1000, spurious=(shape, color), random_state=seed + 1)
    uncorrelated = make_scenes(1000, random_state=seed + 2)
    scores, models, reports = {}, {}, {}
    for name, scenes in data.items():
        model = _init(seed, lambda: MonolithicVQA(1, dim=16, hidden=64))
        _fit(
            model,
            [torch.as_tensor(scenes.images), torch.ones(scenes.n, 1)],
            torch.as_tensor(execute_program(question, scenes)).float(),
            epochs=epochs,
            seed=seed,
            lr=2e-3,
            loss="bce",
        )

        def answer(s: Any, model: nn.Module = model) -> np.ndarray:
            out = predict(model, [torch.as_tensor(s.images), torch.ones(s.n, 1)], device="cpu")
            return (out.reshape(-1) > 0).numpy()

        report = intervention_test(answer, correlated, question, edits, random_state=seed + 4)
        truth_c = execute_program(question, correlated)
        scores[name] = {
            "accuracy_correlated": float((answer(correlated) == truth_c).mean()),
            "accuracy_uncorrelated": float((answer(uncorrelated) == execute_program(question, uncorrelated)).mean()),
            "invariance_failure": report.invariance_failure,
            "covariance_failure": report.covariance_failure,
        }
        models[name], reports[name] = model, report
    return ExperimentResult(scores, models, {"reports": reports, "train_sizes": {k: v.n for k, v in data.items()}})


def knowledge_experiment(
    nmn: nn.Module,
    *,
    n: int = 2000,
    epochs: int = 15,
    random_state: RandomState = 0,
) -> ExperimentResult:
    """Questions about concepts ("is there any food?"): with the knowledge graph, and from pixels and words alone.

    The pixels-only model (:class:`~mmlab.reason.MonolithicVQA` whose question
    is the concept's one-hot) is trained on questions about the concepts
    ``fruit``, ``toy``, ``sign``, ``money`` and tested on ``food``,
    ``vegetable``, ``artifact``, ``cold thing``, which it never saw; the
    knowledge-graph model grounds each concept in (colour, shape) pairs
    (:meth:`~mmlab.reason.KnowledgeGraph.program`) and runs the result with
    the trained module network ``nmn``, for every concept.

    Returns
    -------
    ExperimentResult
        ``scores["with_graph" | "without_graph"]``: accuracy on the unseen
        concepts; ``scores["with_graph_seen"]``, ``scores["without_graph_seen"]``: on
        the training concepts; ``scores["majority"]``: always answering the
        more frequent answer on the unseen concepts.

    Raises
    ------
    TypeError, ValueError
        On a bad size or random state.
    """
    from mmlab.data import execute_program, make_scenes
    from mmlab.reason._knowledge import scene_knowledge_graph
    from mmlab.reason._modules import MonolithicVQA, execute_grouped
    from mmlab.train import predict

    n, epochs = check_positive_int(n, "n"), check_positive_int(epochs, "epochs")
    seed = seed_from_random_state(random_state)
    kg = scene_knowledge_graph()
    seen, unseen = ("fruit", "toy", "sign", "money"), ("food", "vegetable", "artifact", "cold thing")
    concepts = seen + unseen

    def draw(count: int, allowed: Sequence[str], rng_seed: int) -> tuple[Any, list[str], np.ndarray]:
        rng = np.random.default_rng(rng_seed)
        scenes = make_scenes(count, n_objects=(1, 4), random_state=rng)
        asked = [allowed[i] for i in rng.integers(0, len(allowed), size=count)]
        answers = np.zeros(count, dtype=np.int64)
        for c in set(asked):
            rows = [i for i, a in enumerate(asked) if a == c]
            answers[rows] = execute_program(kg.program(c), scenes.subset(rows))
        return scenes, asked, answers

    def onehot(asked: Sequence[str]) -> torch.Tensor:
        return torch.as_tensor(np.eye(len(concepts), dtype=np.float32)[[concepts.index(a) for a in asked]])

    tr_scenes, tr_asked, tr_y = draw(n, seen, seed)
    model = _init(seed, lambda: MonolithicVQA(len(concepts), dim=16))
    _fit(
        model,
        [torch.as_tensor(tr_scenes.images), onehot(tr_asked)],
        torch.as_tensor(tr_y).float(),
        epochs=epochs,
        seed=seed,
        lr=1e-3,
        loss="bce",
    )
    scores: dict[str, float] = {}
    for label, allowed, s in (("", unseen, seed + 1), ("_seen", seen, seed + 2)):
        scenes, asked, y = draw(1000, allowed, s)
        out = predict(model, [torch.as_tensor(scenes.images), onehot(asked)], device="cpu").reshape(-1)
        scores["without_graph" + label] = float(((out > 0).numpy() == y).mean())
        with torch.no_grad():
            maps = nmn.attention(torch.as_tensor(scenes.images))
            p = execute_grouped([kg.program(a) for a in asked], maps, nmn._channel, "product").numpy()
        scores["with_graph" + label] = float(((p > 0.5) == y).mean())
        if not label:
            scores["majority"] = float(max(y.mean(), 1 - y.mean()))
    return ExperimentResult(scores, {"without_graph": model}, {"graph": kg, "seen": seen, "unseen": unseen})


def counting_experiment(*, n: int = 3000, epochs: int = 20, random_state: RandomState = 0) -> ExperimentResult:
    """Train the explicit, modulated (MoVie) and global counters on "how many <colour> <shape>s are there?".

    Returns
    -------
    ExperimentResult
        ``scores[fusion]``: ``rmse`` and ``accuracy`` (rounded prediction
        equals the count) on test scenes; ``scores["mean_baseline_rmse"]``:
        predicting the training mean.

    Raises
    ------
    TypeError, ValueError
        On a bad size or random state.
    """
    from mmlab.data import make_scene_qa
    from mmlab.reason._counting import COUNTING_FUSIONS, CountingModel
    from mmlab.train import predict

    n, epochs = check_positive_int(n, "n"), check_positive_int(epochs, "epochs")
    seed = seed_from_random_state(random_state)
    opts = {"family": "count_pair", "n_objects": (3, 10)}
    train = make_scene_qa(n, random_state=seed, **opts)
    test = make_scene_qa(1000, random_state=seed + 1, **opts)
    x = [torch.as_tensor(train.scenes.images), torch.as_tensor(train.tokens)]
    xt = [torch.as_tensor(test.scenes.images), torch.as_tensor(test.tokens)]
    y = test.answers.astype(float)
    scores: dict[str, Any] = {}
    models = {}
    for fusion in COUNTING_FUSIONS:
        model = _init(seed, lambda fusion=fusion: CountingModel(train.tokens.shape[1], fusion=fusion))
        _fit(
            model,
            x,
            torch.as_tensor(train.answers).float(),
            epochs=epochs,
            seed=seed,
            lr=3e-3,
            loss="mse",
            metrics=("mse",),
        )
        p = predict(model, xt, device="cpu").numpy()
        scores[fusion] = {"rmse": float(np.sqrt(((p - y) ** 2).mean())), "accuracy": float((np.round(p) == y).mean())}
        models[fusion] = model
    scores["mean_baseline_rmse"] = float(np.sqrt(((y - train.answers.mean()) ** 2).mean()))
    return ExperimentResult(scores, models, {"test": test})
