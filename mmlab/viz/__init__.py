"""Plotting helpers shared by the notebooks, one file per challenge.

- training curves (``_common.py``): :func:`plot_history`;
- representation (``_representation.py``): regression forest plots and
  interaction lines, fusion score bars, per-cell tables, per-sample strips,
  parameters against score;
- quantification (``_quantification.py``): PID atom bars, atoms along a path,
  joint tables, model selection, EMAP, interaction strengths, modality
  contributions.

Import every helper from here (``from mmlab.viz import plot_atoms``). Every
function draws with matplotlib on the ``ax`` it is given (or on a new figure),
labels its axes, sets a title, and returns the Axes or Figure; none calls
``plt.show()`` (the notebook decides when to show). Colours follow
matplotlib's default cycle, so the same group has the same colour in every
figure of a notebook.
"""

from mmlab.viz._common import plot_history
from mmlab.viz._quantification import (
    ATOM_COLORS,
    ATOM_LABELS,
    plot_atoms,
    plot_atoms_path,
    plot_contributions,
    plot_emap,
    plot_joint_table,
    plot_model_selection,
    plot_strengths,
)
from mmlab.viz._representation import (
    plot_cell_table,
    plot_coefficients,
    plot_interaction,
    plot_params_vs_score,
    plot_per_sample,
    plot_residuals,
    plot_score_bars,
)

__all__ = [
    "ATOM_COLORS",
    "ATOM_LABELS",
    "plot_atoms",
    "plot_atoms_path",
    "plot_cell_table",
    "plot_coefficients",
    "plot_contributions",
    "plot_emap",
    "plot_history",
    "plot_interaction",
    "plot_joint_table",
    "plot_model_selection",
    "plot_params_vs_score",
    "plot_per_sample",
    "plot_residuals",
    "plot_score_bars",
    "plot_strengths",
]
