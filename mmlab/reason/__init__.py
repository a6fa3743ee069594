"""Reasoning (challenge 3): composing multimodal evidence in several steps, along the problem's structure.

- structure modelling: a multi-view memory that writes, composes and reads
  (``_memory.py``: :class:`MultiViewMemory`, the memory-less
  :class:`LastStepModel`, :func:`make_recall_sequences`); grounding a phrase
  along its parse tree or all at once (``_tree.py``: :class:`TreeGrounder`,
  :class:`FlatGrounder`, :func:`make_grounding_phrases`); interactive
  structure, a gymnasium environment whose goal is given in words and a
  policy-gradient learner (``_env.py``: :class:`LanguageGridEnv`,
  :func:`train_instruction_policy`, :func:`evaluate_policy`);
- intermediate concepts: soft logic (``_logic.py``: t-norms :func:`soft_and`,
  :func:`soft_or`, :func:`soft_not`, and programs run on attention maps,
  :func:`execute_soft`); neural module networks and the monolithic baseline
  (``_modules.py``: :class:`NeuralModuleNetwork`, :class:`MonolithicVQA`);
- inference paradigms: causal interventions (``_causal.py``:
  :func:`intervention_test`, :func:`augment_with_interventions`); external
  knowledge (``_knowledge.py``: :class:`KnowledgeGraph`); counting
  (``_counting.py``: :class:`CountingModel`, MoVie's :func:`movie_modulation`);
- the experiments behind the lectures' claims: :mod:`mmlab.reason.experiments`.

Used by: ``lectures/3_reasoning`` and ``labs/3_reasoning``.

References
----------
Liang, P. P., Zadeh, A. and Morency, L.-P. Foundations and trends in
multimodal machine learning: principles, challenges, and open questions. ACM
Computing Surveys 56(10), 2024 (the reasoning challenge, section 5).
"""

from mmlab.reason._causal import (
    Intervention,
    InterventionReport,
    augment_with_interventions,
    concat_scenes,
    intervention_test,
    standard_interventions,
)
from mmlab.reason._counting import COUNTING_FUSIONS, CountingModel, ModulatedConv, movie_modulation
from mmlab.reason._env import (
    GRID_ACTIONS,
    GridState,
    LanguageGridEnv,
    PolicyResult,
    evaluate_policy,
    grid_observation,
    grid_reset,
    grid_step,
    train_instruction_policy,
)
from mmlab.reason._knowledge import KnowledgeGraph, scene_knowledge_graph
from mmlab.reason._logic import (
    TNORMS,
    execute_soft,
    soft_and,
    soft_count,
    soft_exists,
    soft_not,
    soft_or,
    soft_relate,
)
from mmlab.reason._memory import LastStepModel, MultiViewMemory, RecallSequences, make_recall_sequences
from mmlab.reason._modules import ATTRIBUTE_VALUES, CellEncoder, MonolithicVQA, NeuralModuleNetwork
from mmlab.reason._tree import (
    PHRASE_TEMPLATES,
    PHRASE_WORDS,
    FlatGrounder,
    GroundingPhrases,
    TreeGrounder,
    make_grounding_phrases,
)

__all__ = [
    "ATTRIBUTE_VALUES",
    "COUNTING_FUSIONS",
    "GRID_ACTIONS",
    "PHRASE_TEMPLATES",
    "PHRASE_WORDS",
    "TNORMS",
    "CellEncoder",
    "CountingModel",
    "FlatGrounder",
    "GridState",
    "GroundingPhrases",
    "Intervention",
    "InterventionReport",
    "KnowledgeGraph",
    "LanguageGridEnv",
    "LastStepModel",
    "ModulatedConv",
    "MonolithicVQA",
    "MultiViewMemory",
    "NeuralModuleNetwork",
    "PolicyResult",
    "RecallSequences",
    "TreeGrounder",
    "augment_with_interventions",
    "concat_scenes",
    "evaluate_policy",
    "execute_soft",
    "grid_observation",
    "grid_reset",
    "grid_step",
    "intervention_test",
    "make_grounding_phrases",
    "make_recall_sequences",
    "movie_modulation",
    "scene_knowledge_graph",
    "soft_and",
    "soft_count",
    "soft_exists",
    "soft_not",
    "soft_or",
    "soft_relate",
    "standard_interventions",
    "train_instruction_policy",
]
