"""Generation (challenge 4): produce raw modalities that reflect cross-modal interactions, structure and coherence.

In the order of the lectures:

- the ELBO's pieces (``_gaussian.py``): :func:`reparameterize`, :func:`gaussian_kl`,
  :func:`bernoulli_nll`;
- translation (``_cvae.py``): :class:`CVAE`, a conditional VAE that draws one modality from the
  encoding of another (a plain VAE without a condition);
- discrete tokens and an autoregressive prior, DALL-E in miniature (``_vq.py``, ``_prior.py``):
  :func:`vector_quantize` (straight-through), :class:`VQVAE`, :func:`text_tokens`, :class:`TokenPrior`;
- creation (``_mfm.py``): :class:`MFM`, shared and private latents that generate coherent pairs;
- summarisation (``_summarize.py``): :func:`av_digits_units`, :class:`UnitDropoutClassifier`,
  :func:`subset_accuracy`, :func:`greedy_selection`;
- evaluation (``_evaluate.py``): :func:`fit_judge`, :func:`recognition_rate`, :func:`coherence`
  (:class:`Coherence`), :func:`diversity`, :func:`nearest_neighbour_distance`,
  :func:`memorisation_ratio`, :func:`parzen_log_likelihood`;
- ethics (``_ethics.py``): :func:`plant_faint_style`, :func:`is_faint`;
- training (``_train.py``): :func:`fit_generator`, :func:`evaluate_terms` (models that score
  themselves with ``loss_terms``); data (``_data.py``): :func:`av_digits_for_generation`.

Used by: ``lectures/4_generation/`` and ``labs/4_generation/``.

References: Kingma and Welling, ICLR 2014; Sohn, Lee and Yan, NeurIPS 2015; van den Oord, Vinyals and
Kavukcuoglu, NeurIPS 2017; Ramesh et al., ICML 2021; Tsai et al., ICLR 2019; Theis, van den Oord and
Bethge, ICLR 2016.
"""

from mmlab.generate._cvae import CVAE
from mmlab.generate._data import GenerationSplit, av_digits_for_generation
from mmlab.generate._ethics import is_faint, plant_faint_style
from mmlab.generate._evaluate import (
    Coherence,
    coherence,
    diversity,
    fit_judge,
    memorisation_ratio,
    nearest_neighbour_distance,
    parzen_log_likelihood,
    recognition_rate,
)
from mmlab.generate._gaussian import bernoulli_nll, gaussian_kl, reparameterize
from mmlab.generate._mfm import MFM
from mmlab.generate._prior import TEXT_ALPHABET, TokenPrior, text_tokens
from mmlab.generate._summarize import UnitDropoutClassifier, av_digits_units, greedy_selection, subset_accuracy
from mmlab.generate._train import evaluate_terms, fit_generator
from mmlab.generate._vq import VQVAE, vector_quantize

__all__ = [
    "CVAE",
    "MFM",
    "TEXT_ALPHABET",
    "VQVAE",
    "Coherence",
    "GenerationSplit",
    "TokenPrior",
    "UnitDropoutClassifier",
    "av_digits_for_generation",
    "av_digits_units",
    "bernoulli_nll",
    "coherence",
    "diversity",
    "evaluate_terms",
    "fit_generator",
    "fit_judge",
    "gaussian_kl",
    "greedy_selection",
    "is_faint",
    "memorisation_ratio",
    "nearest_neighbour_distance",
    "parzen_log_likelihood",
    "plant_faint_style",
    "recognition_rate",
    "reparameterize",
    "subset_accuracy",
    "text_tokens",
    "vector_quantize",
]
