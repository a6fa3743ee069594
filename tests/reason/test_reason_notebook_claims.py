"""The reasoning lectures' stochastic claims, rerun on five seeds with each notebook's quick sizes and margins.

Each test reads the quick row of the notebook's size table from the notebook
itself (its setup cell), calls the same ``mmlab.reason.experiments`` function
the notebook calls, and checks the same margins as the notebook's ``claim``.
"""

from __future__ import annotations

import pytest
from lecture_exercises import quick_sizes

import mmlab.reason.experiments as rx

LECTURES = "lectures/3_reasoning/"


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


@pytest.mark.slow
def test_lecture_01_claims_hold_across_seeds(seed):
    s = quick_sizes(LECTURES + "01_memory_and_tree_structure.ipynb")
    m = rx.memory_vs_memoryless(n=s["n_memory"], epochs=s["epochs_memory"], random_state=seed).scores
    assert m["memory"] > 0.7 and m["memoryless"] < 0.6 and m["memory"] - m["memoryless"] > 0.15, m
    t3 = rx.tree_vs_flat(n=s["n_tree"], epochs=s["epochs_tree"], held_out=3, random_state=seed).scores
    assert min(t3["tree"]["held_out"], t3["flat"]["held_out"]) > 0.85, t3
    t4 = rx.tree_vs_flat(n=s["n_tree"], epochs=s["epochs_tree"], held_out=4, random_state=seed).scores
    assert t4["tree"]["held_out"] > 0.85 and t4["tree"]["held_out"] - t4["flat"]["held_out"] > 0.1, t4


@pytest.mark.slow
def test_lecture_02_claims_hold_across_seeds(seed):
    s = quick_sizes(LECTURES + "02_interactive_structure.ipynb")
    r = rx.language_rl(updates=s["updates"], boards=s["boards"], episodes=s["episodes"], random_state=seed).scores
    success = {k: v["success"] for k, v in r.items()}
    assert success["instructed"] > 0.8 and success["ignoring"] < 0.45 and success["random"] < 0.35, success
    assert success["instructed"] - max(success["ignoring"], success["random"]) > 0.35, success


@pytest.mark.slow
def test_lectures_03_and_04_module_network_claims_hold_across_seeds(seed):
    """Lecture 03's claims and lecture 04's knowledge-graph claim, from one module network per seed.

    Both notebooks train the module network with the same call (``nmn_vs_monolithic`` at the shared
    ``n_qa``/``epochs_nmn``, three pairs held out, ``random_state=seed``); it is trained once here and every
    claim that uses it is checked on it. One test, so that a scheduler that splits tests by seed
    (``--dist loadscope``) cannot put the two users of the network in two processes.
    """
    s3 = quick_sizes(LECTURES + "03_neural_modules_and_soft_logic.ipynb")
    s4 = quick_sizes(LECTURES + "04_causal_knowledge_counting.ipynb")
    network = {k: s3[k] for k in ("n_qa", "epochs_nmn")}
    assert network == {k: s4[k] for k in network}, (s3, s4)  # else lecture 04 needs a network of its own
    res = rx.nmn_vs_monolithic(n=s3["n_qa"], epochs=s3["epochs_nmn"], held_out=3, random_state=seed)
    n_, m_ = res.scores["nmn"], res.scores["monolithic"]
    assert n_["held_out"] > 0.9 and n_["held_out"] - m_["held_out"] > 0.2, res.scores
    assert n_["seen"] - n_["held_out"] < 0.05, res.scores
    nmn = res.models["nmn"]
    logic = rx.logic_probes(nmn, n=s3["n_logic"], epochs=s3["epochs_logic"], random_state=seed).scores
    acc, yes, gap = logic["accuracy"], logic["contradiction_yes"], logic["demorgan_gap"]
    trained = min(acc["plain"][f] for f in ("premise", "not", "and", "or"))
    assert trained > 0.8 and max(acc["plain"]["and_not"], acc["plain"]["hollow"]) < trained - 0.1, acc
    assert min(acc["composed"].values()) > 0.9, acc
    assert yes["composed"] < 0.05 and gap["composed"] < 0.01 and yes["plain"] > 0.1 and gap["plain"] > 0.15, logic
    k = rx.knowledge_experiment(nmn, n=s4["n_kg"], epochs=s4["epochs_kg"], random_state=seed).scores
    assert k["with_graph"] > 0.9 and k["without_graph"] < k["majority"] + 0.1, k


@pytest.mark.slow
def test_lecture_04_causal_and_counting_claims_hold_across_seeds(seed):
    """Lecture 04's claims that need no module network (its knowledge claim is checked with lecture 03's)."""
    s = quick_sizes(LECTURES + "04_causal_knowledge_counting.ipynb")
    c = rx.causal_experiment(n=s["n_causal"], epochs=s["epochs_causal"], random_state=seed).scores
    sp, au = c["spurious"], c["augmented"]
    assert sp["accuracy_correlated"] > 0.95 and sp["invariance_failure"] > 0.5 and sp["covariance_failure"] > 0.5, c
    assert sp["invariance_failure"] - au["invariance_failure"] > 0.4, c
    assert sp["covariance_failure"] - au["covariance_failure"] > 0.4, c
    assert au["accuracy_uncorrelated"] - sp["accuracy_uncorrelated"] > 0.15, c
    cs = rx.counting_experiment(n=s["n_count"], epochs=s["epochs_count"], random_state=seed).scores
    assert cs["global"]["rmse"] - cs["modulated"]["rmse"] > 0.3, cs
    assert cs["modulated"]["accuracy"] - cs["global"]["accuracy"] > 0.3, cs
    assert min(("explicit", "modulated", "global"), key=lambda f: cs[f]["rmse"]) != "global", cs


def test_experiment_arguments_are_validated():
    with pytest.raises(ValueError, match="held_out must be at most"):
        rx.tree_vs_flat(n=10, epochs=1, held_out=7)
    with pytest.raises(ValueError, match="forms"):
        rx.make_logic_questions(5, ("maybe",))
    with pytest.raises(TypeError):
        rx.memory_vs_memoryless(n=1.5)
    qa = rx.make_logic_questions(200, rx.LOGIC_FORMS, random_state=0)
    from mmlab.data import execute_program

    for i in range(0, 200, 23):
        assert qa.answers[i] == int(execute_program(qa.programs[i], qa.scenes.subset([i]))[0])
    forms = qa.extra["form"]
    assert not qa.answers[forms == "contradiction"].any()
