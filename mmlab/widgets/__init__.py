"""ipywidgets explorers: sliders that redraw a figure, one file per challenge.

Each explorer returns an ipywidgets container; make it the last expression of
a cell (or ``display`` it) to show it. The figure is drawn once when the
explorer is built, so the cell also runs headless (nbval, ``make book``),
where the controls simply keep their starting values.

- representation (``_representation.py``): :func:`interaction_explorer`,
  :func:`fusion_explorer`;
- alignment (``_alignment.py``): :func:`warping_explorer`;
- reasoning (``_reasoning.py``): :func:`tnorm_explorer`;
- generation (``_generation.py``): :func:`latent_explorer`;
- quantification (``_quantification.py``): :func:`pid_morph_explorer`,
  :func:`robustness_explorer`.
"""

from mmlab.widgets._alignment import rate_pair, warping_explorer
from mmlab.widgets._generation import latent_explorer
from mmlab.widgets._quantification import pid_morph_explorer, robustness_explorer
from mmlab.widgets._reasoning import tnorm_explorer
from mmlab.widgets._representation import (
    EXPLORER_INTERACTIONS,
    EXPLORER_OPERATORS,
    fusion_explorer,
    interaction_explorer,
    run_interaction_operator,
)

__all__ = [
    "EXPLORER_INTERACTIONS",
    "EXPLORER_OPERATORS",
    "fusion_explorer",
    "interaction_explorer",
    "latent_explorer",
    "pid_morph_explorer",
    "run_interaction_operator",
    "tnorm_explorer",
    # alignment (_alignment.py)
    "rate_pair",
    "warping_explorer",
    # quantification II (_quantification.py)
    "robustness_explorer",
]
