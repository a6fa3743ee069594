"""Adapters, cosine heads, bag-of-tokens encoders and soft prompts."""

from __future__ import annotations

import pytest
import torch

from mmlab.fusion import n_params
from mmlab.transfer import AdapterClassifier, BagOfTokensEncoder, BottleneckAdapter, SoftPrompt, cosine_logits


@pytest.mark.parametrize("dim, r", [(384, 16), (8, 2), (5, 1)])
def test_adapter_parameter_count_is_the_closed_form(dim, r):
    assert n_params(BottleneckAdapter(dim, r)) == 2 * dim * r + r + dim


def test_adapter_starts_as_identity_and_matches_its_equation(torch_gen):
    adapter = BottleneckAdapter(6, 3)
    x = torch.randn(4, 6, generator=torch_gen)
    assert torch.equal(adapter(x), x)
    with torch.no_grad():
        adapter.up.weight.normal_(generator=torch_gen)
        adapter.up.bias.normal_(generator=torch_gen)
    w_d, b_d, w_u, b_u = adapter.down.weight, adapter.down.bias, adapter.up.weight, adapter.up.bias
    expected = x + torch.clamp(x @ w_d.T + b_d, min=0) @ w_u.T + b_u  # hand-written equation
    assert torch.allclose(adapter(x), expected, atol=1e-6)


def test_adapter_validates():
    with pytest.raises(ValueError, match=">= 1"):
        BottleneckAdapter(4, 0)
    with pytest.raises(ValueError, match="4 features"):
        BottleneckAdapter(4, 2)(torch.zeros(3, 5))
    with pytest.raises(TypeError, match="floating"):
        BottleneckAdapter(4, 2)(torch.zeros(3, 4, dtype=torch.long))


def test_cosine_logits_against_sklearn():
    from sklearn.metrics.pairwise import cosine_similarity

    g = torch.Generator().manual_seed(0)
    z, c = torch.randn(7, 5, generator=g), torch.randn(3, 5, generator=g)
    ref = torch.as_tensor(cosine_similarity(z.numpy(), c.numpy()), dtype=torch.float32)
    assert torch.allclose(cosine_logits(z, c, scale=2.0), 2 * ref, atol=1e-5)
    with pytest.raises(ValueError, match="5 features"):
        cosine_logits(z, torch.randn(3, 4))


def test_adapter_classifier_is_zero_shot_at_start_and_trains_only_small_parts():
    g = torch.Generator().manual_seed(1)
    classes = torch.nn.functional.normalize(torch.randn(10, 16, generator=g), dim=1)
    model = AdapterClassifier(classes, bottleneck=4)
    x = classes[[3, 7]] + 0.01 * torch.randn(2, 16, generator=g)
    assert model(x).argmax(1).tolist() == [3, 7]  # nearest class name before any training
    assert n_params(model) == 2 * 16 * 4 + 4 + 16 + 1  # adapter + scale; the class embeddings are a buffer
    fused = AdapterClassifier(classes, bottleneck=4, other_dim=3)
    assert fused([x, torch.zeros(2, 3)]).shape == (2, 10)
    with pytest.raises(ValueError, match="2 modality"):
        fused([x])


def test_adapter_classifier_with_a_trainable_text_encoder():
    enc = BagOfTokensEncoder(20, 8)
    model = AdapterClassifier(text_encoder=enc, class_tokens=torch.arange(1, 11).reshape(10, 1), bottleneck=2)
    out = model(torch.tensor([[3, 4, 0], [5, 0, 0]]))
    assert out.shape == (2, 10)
    out.sum().backward()
    assert enc.embedding.weight.grad is not None


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({}, "exactly one"),
        ({"class_embeddings": torch.zeros(3, 4), "class_tokens": torch.zeros(3, 1, dtype=torch.long)}, "exactly one"),
        ({"class_tokens": torch.zeros(3, 1, dtype=torch.long)}, "trainable text_encoder"),
    ],
)
def test_adapter_classifier_needs_one_class_source(kwargs, match):
    with pytest.raises(ValueError, match=match):
        AdapterClassifier(**kwargs)


def test_bag_of_tokens_is_the_mean_of_non_padding_vectors():
    enc = BagOfTokensEncoder(6, 3)
    w = enc.embedding.weight
    out = enc(torch.tensor([[2, 4, 0]]))
    assert torch.allclose(out[0], (w[2] + w[4]) / 2, atol=1e-6)
    with pytest.raises(ValueError, match=r"\[0, 6\)"):
        enc(torch.tensor([[7]]))
    with pytest.raises(TypeError, match="integer"):
        enc(torch.zeros(1, 2))


class _FakeEncoder(torch.nn.Module):
    """Stands in for the pretrained encoder: mean of (word vectors + prompt) per row."""

    dim = 4

    def encode_with_prompt(self, batch, prompt):
        x = batch["input_ids"].float().unsqueeze(-1).expand(-1, -1, 4)
        return torch.nn.functional.normalize(x.mean(1) + prompt.mean(0), dim=-1)


def test_soft_prompt_trains_only_the_prompt_and_scale():
    model = SoftPrompt(_FakeEncoder(), torch.eye(4)[:3], n_prompt=2)
    assert n_params(model) == 2 * 4 + 1
    batch = {"input_ids": torch.ones(5, 3, dtype=torch.long), "attention_mask": torch.ones(5, 3, dtype=torch.long)}
    assert model(batch).shape == (5, 3)
    with pytest.raises(TypeError, match="tokenize"):
        model(torch.zeros(5, 3))
    with pytest.raises(TypeError, match="PretrainedTextEncoder"):
        SoftPrompt(object(), torch.eye(4))
