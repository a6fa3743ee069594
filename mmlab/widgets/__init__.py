"""ipywidgets explorers: sliders that redraw a figure, one file per challenge.

Each explorer returns an ipywidgets container; make it the last expression of
a cell (or ``display`` it) to show it. The figure is drawn once when the
explorer is built, so the cell also runs headless (nbval, ``make book``),
where the controls simply keep their starting values.

- representation (``_representation.py``): :func:`interaction_explorer`,
  :func:`fusion_explorer`;
- quantification (``_quantification.py``): :func:`pid_morph_explorer`.
"""

from mmlab.widgets._quantification import pid_morph_explorer
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
    "pid_morph_explorer",
    "run_interaction_operator",
]
