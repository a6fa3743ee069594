"""Seeded experiments behind the claims of the reasoning lectures.

Each function draws its data from the scene world (:mod:`mmlab.data`) or a
task generator of :mod:`mmlab.reason`, trains the section's models with
:func:`mmlab.train.fit`, and returns an :class:`ExperimentResult` whose
``scores`` are the figures the lecture claims. A notebook calls a function
once with its size table; ``tests/reason/test_reason_notebook_claims.py``
calls the same function on five seeds with the notebook's quick sizes and
checks the same margins. Models are initialised inside
:func:`torch.random.fork_rng`, so the caller's global random state is left alone.

- :func:`memory_vs_memoryless`, :func:`tree_vs_flat` (lecture 3.1);
- :func:`language_rl` (lecture 3.2);
- :func:`nmn_vs_monolithic`, :func:`make_logic_questions`, :func:`logic_probes` (lecture 3.3);
- :func:`causal_experiment`, :func:`knowledge_experiment`, :func:`counting_experiment` (lecture 3.4).

Used by: the notebooks of ``lectures/3_reasoning``.
"""

from mmlab.reason.experiments._recipes import (
    HELD_OUT_PAIRS,
    LOGIC_FORMS,
    ExperimentResult,
    causal_experiment,
    counting_experiment,
    knowledge_experiment,
    language_rl,
    logic_probes,
    make_logic_questions,
    memory_vs_memoryless,
    nmn_vs_monolithic,
    tree_vs_flat,
)

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
