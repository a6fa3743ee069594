"""mmlab: the helper package of the multimodal machine learning workbook.

The notebooks under ``lectures/`` and ``labs/`` show the ideas; this package
holds the tested machinery they import. ``import mmlab`` is kept light: the
runtime (device, seeds, profiles, claims) is loaded here, and each topic
module (``mmlab.fusion``, ``mmlab.quantify``, ...) is imported on its own.
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
