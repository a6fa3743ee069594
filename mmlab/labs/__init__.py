"""Lab tooling: message-first feedback for check cells, the checks of every lab, and the student-copy generator.

- feedback (``_feedback.py``): :class:`CheckFailed` and the expectation
  helpers the checks are built from (:class:`CheckRun`, :func:`expect_close`,
  :func:`expect_shape`, :func:`expect_true`, :func:`run_student`);
- the checks, one file per lab: ``_regression.py`` (lab 1.1), ``_fusion.py``
  (lab 1.2), ``_interactions.py`` (lab 6.1); a lab imports its ``check_*``
  functions from here;
- :mod:`mmlab.labs.student` turns instructor sources into student copies
  (nbgrader-compatible solution markers); ``make student`` runs it.
"""

from mmlab.labs._feedback import CheckFailed, CheckRun, expect_close, expect_shape, expect_true, run_student
from mmlab.labs._regression import (
    check_decide_h2,
    check_fit_additive,
    check_fit_interaction,
    check_simple_slope,
)
from mmlab.labs._fusion import (
    check_interaction_contrast,
    check_low_rank_fusion,
    check_tensor_fusion_features,
    check_tensor_fusion_n_params,
)
from mmlab.labs._interactions import (
    check_dominant_atom,
    check_emap_projection,
    check_mutual_information,
    check_pick_model,
    check_shared_noisy_copy,
)

__all__ = [
    "CheckFailed",
    "CheckRun",
    "check_decide_h2",
    "check_dominant_atom",
    "check_emap_projection",
    "check_fit_additive",
    "check_fit_interaction",
    "check_interaction_contrast",
    "check_low_rank_fusion",
    "check_mutual_information",
    "check_pick_model",
    "check_shared_noisy_copy",
    "check_simple_slope",
    "check_tensor_fusion_features",
    "check_tensor_fusion_n_params",
    "expect_close",
    "expect_shape",
    "expect_true",
    "run_student",
]
