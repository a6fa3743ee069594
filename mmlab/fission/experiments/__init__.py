"""Seeded experiments behind the claims of the fission lecture (1.8).

- :func:`fission_probes`: probe tables of shared and private codes, with and
  without the overlap penalty;
- :func:`local_correspondence`: cluster and element correspondences of
  fine-grained fission by clustering.

``tests/fission/test_fission_claims.py`` reruns them on five seeds with the
notebook's quick sizes.
"""

from mmlab.fission.experiments._fission import ClusteringResult, FissionProbes, fission_probes, local_correspondence

__all__ = ["ClusteringResult", "FissionProbes", "fission_probes", "local_correspondence"]
