"""Plotting helpers shared by the notebooks, one file per challenge.

- training curves (``_common.py``): :func:`plot_history`;
- orientation (``_orientation.py``): :func:`plot_modality_gallery`, one
  sample of every modality of the workbook's data sets;
- representation (``_representation.py``): regression forest plots and
  interaction lines, fusion score bars, per-cell tables, per-sample strips,
  parameters against score;
- alignment (``_alignment.py``): warping paths on cost matrices, matching
  and transport plans, segmented spectrograms, CTC posteriors, attention
  against the true segments;
- reasoning (``_reasoning.py``): scenes with their questions, attention maps
  composed by a program, intervention-test failure rates;
- generation (``_generation.py``): sample grids, the ELBO's terms, token
  grids, memorisation distances, generator metrics, summary units;
- transference (``_transference.py``): :func:`plot_matrix` (labelled heat
  maps: similarities, FiLM scales, heterogeneity), :func:`plot_curves`;
- quantification (``_quantification.py``): PID atom bars, atoms along a path,
  joint tables, model selection, EMAP, interaction strengths, modality
  contributions; training curves per evaluation set, robustness curves,
  heterogeneity matrices, learning curves per head, equivariance maps.

Import every helper from here (``from mmlab.viz import plot_atoms``). Every
function draws with matplotlib on the ``ax`` it is given (or on a new figure),
labels its axes, sets a title, and returns the Axes or Figure; none calls
``plt.show()`` (the notebook decides when to show). Colours follow
matplotlib's default cycle, so the same group has the same colour in every
figure of a notebook.
"""

from mmlab.viz._alignment import (
    plot_attention_alignment,
    plot_ctc_posteriors,
    plot_segmented_frames,
    plot_transport_plan,
    plot_warping_path,
)
from mmlab.viz._common import plot_history
from mmlab.viz._generation import (
    plot_elbo_terms,
    plot_generated_pairs,
    plot_generator_metrics,
    plot_nearest_neighbour_distances,
    plot_sample_grid,
    plot_summary_units,
    plot_token_grid,
)
from mmlab.viz._orientation import plot_modality_gallery
from mmlab.viz._quantification import (
    ATOM_COLORS,
    ATOM_LABELS,
    plot_atoms,
    plot_atoms_path,
    plot_contributions,
    plot_emap,
    plot_equivariance_map,
    plot_heterogeneity,
    plot_joint_table,
    plot_learning_curves,
    plot_model_selection,
    plot_probe_curves,
    plot_robustness_curves,
    plot_strengths,
)
from mmlab.viz._reasoning import plot_attention_maps, plot_intervention_report, plot_scenes
from mmlab.viz._representation import (
    plot_canonical_pairs,
    plot_cell_table,
    plot_coefficients,
    plot_cost_curves,
    plot_interaction,
    plot_params_vs_score,
    plot_per_sample,
    plot_probe_table,
    plot_residuals,
    plot_score_bars,
    plot_series,
    plot_similarity,
)
from mmlab.viz._transference import plot_curves, plot_matrix

__all__ = [
    "ATOM_COLORS",
    "ATOM_LABELS",
    "plot_atoms",
    "plot_attention_maps",
    "plot_intervention_report",
    "plot_scenes",
    "plot_atoms_path",
    "plot_cell_table",
    "plot_coefficients",
    "plot_contributions",
    "plot_curves",
    "plot_elbo_terms",
    "plot_emap",
    "plot_generated_pairs",
    "plot_generator_metrics",
    "plot_history",
    "plot_interaction",
    "plot_joint_table",
    "plot_matrix",
    "plot_modality_gallery",
    "plot_model_selection",
    "plot_nearest_neighbour_distances",
    "plot_params_vs_score",
    "plot_per_sample",
    "plot_residuals",
    "plot_sample_grid",
    "plot_score_bars",
    "plot_strengths",
    "plot_summary_units",
    "plot_token_grid",
    # alignment (_alignment.py)
    "plot_attention_alignment",
    "plot_ctc_posteriors",
    "plot_segmented_frames",
    "plot_transport_plan",
    "plot_warping_path",
    # quantification II (_quantification.py)
    "plot_equivariance_map",
    "plot_heterogeneity",
    "plot_learning_curves",
    "plot_probe_curves",
    "plot_robustness_curves",
    # representation II: coordination, fission, intermediate fusion (_representation.py)
    "plot_canonical_pairs",
    "plot_cost_curves",
    "plot_probe_table",
    "plot_series",
    "plot_similarity",
]
