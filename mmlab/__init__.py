"""mmlab: the helper package of the multimodal machine learning workbook.

The notebooks under ``lectures/`` and ``labs/`` show the ideas; this package
holds the tested machinery they import. ``import mmlab`` is kept light: the
runtime (device, seeds, profiles, claims) is loaded here, and each topic
module (``mmlab.fusion``, ``mmlab.quantify``, ...) is imported on its own.

Where things are (concept, module, the notebooks that teach it; ``TOC.md`` lists every notebook):

==============================================  ================================  =============================
concept                                         module                            notebooks
==============================================  ================================  =============================
profiles, sizes, claims, seeds, device          ``mmlab.runtime``                 every notebook
the course map (challenges, notebook list)      ``mmlab.course``                  0.1
data sets: shipped, simulated, catalogue        ``mmlab.data``                    0.1 and every chapter
training loop (fit, evaluate, predict)          ``mmlab.train``                   1.2 onwards
interaction regression (statsmodels formulas)   ``mmlab.regression``              1.1, lab 1.1
fusion operators and their registry             ``mmlab.fusion``                  1.2-1.5, 1.9-1.10, lab 1.2
fusion experiments (train and compare)          ``mmlab.fusion.experiments``      1.2-1.5
coordination: CCA, deep CCA, contrastive, SSL   ``mmlab.coordination``            1.6-1.7, lab 1.3
fission: shared and private codes, clusters     ``mmlab.fission``                 1.8
alignment: DTW, optimal transport, CTC,         ``mmlab.align``                   2.1-2.5, lab 2
clustering targets, cross-modal attention
reasoning: memory, trees, grid world, neural    ``mmlab.reason``                  3.1-3.4, lab 3
modules, soft logic, interventions, counting
generation: CVAE, VQ-VAE and prior, MFM,        ``mmlab.generate``                4.1-4.4, lab 4
evaluation of generators
transference: pretrained encoder, adapters,     ``mmlab.transfer``                5.1-5.4, lab 5
zero shot, FiLM, missing modalities, multitask
information, PID (exact and estimated)          ``mmlab.quantify.pid``            6.1-6.2, lab 6.1, 2.1
EMAP, gradients, contributions, bias,           ``mmlab.quantify``                6.3-6.8, lab 6.2
fairness, robustness, heterogeneity, learning
figures, interactive widgets                    ``mmlab.viz``, ``mmlab.widgets``  every chapter
lab check cells and student copies              ``mmlab.labs``                    every lab
exceptions (ClaimFailed, CheckFailed, ...)      ``mmlab.exceptions``
the offline book (HTML, slides)                 ``mmlab.book``                    ``make book``
serving a class (nbgrader, JupyterHub)          ``mmlab.classroom``               ``make course``, ``make hub``
==============================================  ================================  =============================
"""

from mmlab.runtime import (
    PROFILES,
    ClaimFailed,
    claim,
    device,
    profile,
    seed_everything,
    set_num_threads,
    sizes,
)

__version__ = "0.1.0"

__all__ = [
    "PROFILES",
    "ClaimFailed",
    "__version__",
    "claim",
    "device",
    "profile",
    "seed_everything",
    "set_num_threads",
    "sizes",
]
