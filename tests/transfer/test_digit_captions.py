"""The digit-caption generator: forms, templates, the informative share, and the vocabulary."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.data import CAPTION_FORMS, CAPTION_GENERIC, CAPTION_TEMPLATES, caption_vocabulary, make_digit_captions


def test_every_informative_caption_names_its_digit_in_its_form(seed):
    y = np.arange(500) % 10
    caps = make_digit_captions(y, informative=0.7, random_state=seed)
    for text, label, form, template in zip(caps.captions, caps.y, caps.form, caps.template, strict=True):
        if form == "generic":
            assert text in CAPTION_GENERIC and template == -1
        else:
            assert text == CAPTION_TEMPLATES[template].format(CAPTION_FORMS[form][label])
    share = caps.informative.mean()
    assert abs(share - 0.7) < 0.09  # binomial sd 0.02 for n = 500: > 4 sd margin


def test_seeded_and_all_words_in_the_vocabulary():
    a = make_digit_captions([1, 2, 3] * 20, random_state=5)
    b = make_digit_captions([1, 2, 3] * 20, random_state=5)
    assert (a.captions == b.captions).all()
    vocab = set(caption_vocabulary())
    assert all(w in vocab for text in a.captions for w in text.replace(":", " ").split())


@pytest.mark.parametrize(
    "y, kwargs, match",
    [
        ([10], {}, "digits 0..9"),
        ([[1, 2]], {}, "dimension"),
        ([1], {"informative": 1.5}, "informative"),
        ([1], {"forms": ["roman"]}, "forms"),
    ],
)
def test_validation(y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_digit_captions(y, **kwargs)
