"""Lab tooling: message-first feedback for check cells, the checks of every lab, and the student-copy generator.

- feedback (``_feedback.py``): :class:`CheckFailed` and the helpers the checks
  are built from: :class:`CheckRun`, :func:`run_student`; validators of what a
  student's function returned (:func:`expect_number`, :func:`expect_integer`,
  :func:`expect_array`, :func:`expect_choice`) and comparisons
  (:func:`expect_close`, :func:`expect_shape`, :func:`expect_true`); the
  tripwire (:func:`forbid`, :func:`tripwire`, :class:`ForbiddenCalls`) that
  fails a check whose student function calls the library function the
  exercise asks for;
- the checks, one file per lab: ``_regression.py`` (lab 1.1), ``_fusion.py``
  (lab 1.2), ``_coordination.py`` (lab 1.3), ``_transfer.py`` (lab 5.1),
  ``_align.py`` (lab 2.1), ``_reason.py`` (lab 3.1), ``_generate.py`` (lab 4.1),
  ``_interactions.py`` (lab 6.1),
  ``_quantify2.py`` (lab 6.2); a lab imports its ``check_*`` functions from here;
- :mod:`mmlab.labs.student` turns instructor sources into student copies
  (nbgrader-compatible solution markers); ``make student`` runs it.
"""

from mmlab.labs._align import (
    check_cross_attention,
    check_ctc_greedy,
    check_dtw_accumulated,
    check_dtw_path,
    check_sinkhorn_plan,
)
from mmlab.labs._coordination import (
    check_bottleneck_layer,
    check_canonical_correlations,
    check_info_nce,
    check_probe_accuracy,
)
from mmlab.labs._feedback import (
    RETURNED_NONE,
    CheckFailed,
    CheckRun,
    ForbiddenCalls,
    expect_array,
    expect_choice,
    expect_close,
    expect_integer,
    expect_number,
    expect_shape,
    expect_true,
    forbid,
    install_ipython_display,
    run_student,
    tripwire,
)
from mmlab.labs._fusion import (
    check_interaction_contrast,
    check_low_rank_fusion,
    check_tensor_fusion_features,
    check_tensor_fusion_n_params,
)
from mmlab.labs._generate import (
    check_coherence_with_chance,
    check_kl_to_prior,
    check_quantize,
    check_reparameterize,
)
from mmlab.labs._interactions import (
    check_dominant_atom,
    check_emap_projection,
    check_mutual_information,
    check_pick_model,
    check_shared_noisy_copy,
)
from mmlab.labs._quantify2 import (
    check_blend_weights,
    check_invariance_gap,
    check_ogr,
    check_robustness_scores,
    check_tpr_gap,
)
from mmlab.labs._reason import (
    check_exists_pair,
    check_intervention_failures,
    check_modulate,
    check_soft_logic,
)
from mmlab.labs._regression import (
    check_decide_h2,
    check_fit_additive,
    check_fit_interaction,
    check_simple_slope,
)
from mmlab.labs._transfer import (
    check_adapter_forward,
    check_adapter_n_params,
    check_drop_modalities,
    check_film,
    check_zero_shot_predict,
)

install_ipython_display()  # a failed check shows the message and the check cell's line, not mmlab's frames

__all__ = [
    "RETURNED_NONE",
    "CheckFailed",
    "CheckRun",
    # lab 1.3, coordination (_coordination.py)
    "check_bottleneck_layer",
    "check_canonical_correlations",
    "check_info_nce",
    "check_probe_accuracy",
    "ForbiddenCalls",
    "check_blend_weights",
    "check_coherence_with_chance",
    "check_adapter_forward",
    "check_adapter_n_params",
    "check_decide_h2",
    "check_dominant_atom",
    "check_drop_modalities",
    "check_emap_projection",
    "check_exists_pair",
    "check_intervention_failures",
    "check_kl_to_prior",
    "check_modulate",
    "check_quantize",
    "check_reparameterize",
    "check_soft_logic",
    "check_film",
    "check_fit_additive",
    "check_fit_interaction",
    "check_interaction_contrast",
    "check_invariance_gap",
    "check_low_rank_fusion",
    "check_mutual_information",
    "check_ogr",
    "check_pick_model",
    "check_robustness_scores",
    "check_shared_noisy_copy",
    "check_simple_slope",
    "check_tensor_fusion_features",
    "check_tensor_fusion_n_params",
    "check_zero_shot_predict",
    "check_tpr_gap",
    "expect_array",
    "expect_choice",
    "expect_close",
    "expect_integer",
    "expect_number",
    "expect_shape",
    "expect_true",
    "forbid",
    "install_ipython_display",
    "run_student",
    "tripwire",
    # alignment lab (_align.py)
    "check_ctc_greedy",
    "check_cross_attention",
    "check_dtw_accumulated",
    "check_dtw_path",
    "check_sinkhorn_plan",
]
