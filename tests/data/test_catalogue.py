"""The catalogue of data sets (mmlab/data/_catalogue.py): every entry loads with its documented shapes.

Every registered data set is loaded part by part and compared with the shapes
its entry documents; every shipped file's sha256 is recomputed and compared
with its card. The entries' own validation and the lookup of unknown names
are tested on small toy entries registered for one test only.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from mmlab.data import (
    DATASET_KINDS,
    DATASETS,
    MODALITY_STRUCTURES,
    DatasetCheck,
    DatasetInfo,
    DatasetSample,
    ModalityInfo,
    _catalogue,
    card_checksums,
    catalogue_table,
    data_dir,
    dataset_info,
    load_dataset,
    sha256_of,
    verify_dataset,
)

NAMES = list(DATASETS)


def _toy_source(n: int = 5, random_state: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(random_state)
    return pd.DataFrame({"a": rng.normal(size=n), "b": rng.integers(0, 2, size=n), "y": rng.normal(size=n)})


def _toy_info(**changes) -> DatasetInfo:
    kwargs = dict(
        name="toy",
        kind="generated",
        summary="a toy table",
        source=_toy_source,
        modalities=(
            ModalityInfo("a", "table", (), "none", "a number"),
            ModalityInfo("b", "table", (), "none", "a bit"),
        ),
        target="y",
        parts={"all": 5},
        arguments={"n": 5},
    )
    kwargs.update(changes)
    return DatasetInfo(**kwargs)


@pytest.fixture
def register(monkeypatch):
    """Register a DatasetInfo for one test; the catalogue is restored afterwards."""

    def add(info: DatasetInfo) -> DatasetInfo:
        monkeypatch.setitem(_catalogue._REGISTRY, info.name, info)
        return info

    return add


# --------------------------------------------------------------------------- #
# every entry of the catalogue
# --------------------------------------------------------------------------- #
def test_the_catalogue_holds_the_shipped_sets_and_the_generators():
    assert {"book_reviews", "av_digits", "interaction"} <= set(NAMES)
    kinds = {dataset_info(n).kind for n in NAMES}
    assert kinds == set(DATASET_KINDS)


@pytest.mark.parametrize("name", NAMES)
def test_every_part_loads_with_its_documented_shapes(name):
    info = dataset_info(name)
    for part in info.parts:
        sample = load_dataset(name, part)
        assert isinstance(sample, DatasetSample) and sample.part == part and sample.info is info
        assert list(sample.modalities) == [m.name for m in info.modalities]
        assert sample.shapes == info.documented_shapes(part), (name, part)
        assert all(isinstance(x, np.ndarray) for x in sample.modalities.values())
        assert sample.n == info.parts[part]
        for m in info.modalities:  # every row reshapes to the layout the entry documents
            assert sample[m.name][0].reshape(m.layout).shape == m.layout


@pytest.mark.parametrize("name", NAMES)
def test_verify_dataset_agrees_and_shipped_files_match_their_cards(name):
    info = dataset_info(name)
    check = verify_dataset(name)
    assert check.ok and check.shapes_ok and check.checksums_ok
    assert set(check.shapes) == set(info.parts)
    assert set(check.checksums) == set(info.files)
    for filename in info.files:  # independent of verify_dataset: the card's line against the file's bytes
        assert card_checksums(info.card)[filename] == sha256_of(data_dir() / filename)


@pytest.mark.parametrize("name", NAMES)
def test_entries_are_well_formed(name):
    info = dataset_info(name)
    assert info.source_name.startswith("mmlab.data.") and callable(info.source)
    assert all(m.structure in MODALITY_STRUCTURES for m in info.modalities)
    assert all(m.noise and m.description for m in info.modalities)
    if info.kind == "shipped":
        assert (data_dir() / f"{info.card}.md").is_file()
        assert all((data_dir() / f).is_file() for f in info.files)


@pytest.mark.parametrize("name", [n for n in NAMES if dataset_info(n).kind == "generated"])
def test_generated_sets_are_the_same_on_every_call(name):
    first, second = load_dataset(name), load_dataset(name)
    for key in first.modalities:
        np.testing.assert_array_equal(first[key], second[key])
    np.testing.assert_array_equal(first.y, second.y)


def test_av_digits_shapes_are_those_of_its_card():
    # the card's table: image (n, 64), audio (n, 480), text (n, 64); 1,078 / 359 / 360 samples
    info = dataset_info("av_digits")
    assert info.documented_shapes("val") == {"image": (359, 64), "audio": (359, 480), "text": (359, 64), "y": (359,)}
    assert {m.name: m.layout for m in info.modalities} == {"image": (8, 8), "audio": (20, 24), "text": (64,)}
    assert sum(info.parts.values()) == 1797


def test_book_reviews_modalities_are_its_columns():
    sample = load_dataset("book_reviews")
    frame = sample.raw
    assert frame.shape == (300, 4)  # load_book_reviews' documented shape
    np.testing.assert_array_equal(sample["smiling"], frame["smiling"].to_numpy())
    np.testing.assert_array_equal(sample.y, frame["score"].to_numpy())


def test_catalogue_table_has_one_row_per_data_set_and_modality():
    table = catalogue_table()
    expected = [(n, m.name) for n in NAMES for m in dataset_info(n).modalities]
    assert list(zip(table["dataset"], table["modality"], strict=True)) == expected
    assert set(table["structure"]) <= set(MODALITY_STRUCTURES)
    row = table[(table.dataset == "av_digits") & (table.modality == "audio")].iloc[0]
    assert (row.layout, row.dim, row.card, row.source) == ("20 x 24", 480, "av_digits", "mmlab.data.load_av_digits")
    assert table.loc[table.modality == "smiling", "layout"].item() == "scalar"


# --------------------------------------------------------------------------- #
# bad names and parts
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("function", [dataset_info, load_dataset, verify_dataset])
def test_unknown_names_raise_and_list_the_catalogue(function):
    with pytest.raises(ValueError, match=r"no data set called 'av_digit'.*av_digits"):
        function("av_digit")


@pytest.mark.parametrize("bad", [3, None, ["av_digits"]])
def test_names_must_be_strings(bad):
    with pytest.raises(TypeError, match="name must be a data set name"):
        dataset_info(bad)


def test_unknown_parts_raise():
    with pytest.raises(ValueError, match=r"parts \['train', 'val', 'test'\]; got 'dev'"):
        load_dataset("av_digits", "dev")
    with pytest.raises(ValueError, match="got 'train'"):
        dataset_info("book_reviews").documented_shapes("train")


def test_sample_indexing_names_the_modalities():
    with pytest.raises(KeyError, match="has the modalities"):
        load_dataset("interaction")["image"]


# --------------------------------------------------------------------------- #
# verification finds what is wrong
# --------------------------------------------------------------------------- #
def test_verify_reports_a_shape_that_differs_from_the_documented_one(register):
    register(_toy_info(parts={"all": 6}))  # the source draws 5 rows
    check = verify_dataset("toy")
    assert not check.ok and check.checksums_ok
    assert check.shape_mismatches == [
        "all/a: documented (6,), loaded (5,)",
        "all/b: documented (6,), loaded (5,)",
        "all/y: documented (6,), loaded (5,)",
    ]


def test_dataset_check_reports_checksums_that_differ():
    check = DatasetCheck(
        name="x",
        shapes={"all": {"a": ((2,), (2,))}},
        checksums={"f.npz": ("0" * 64, "1" * 64), "g.csv": ("2" * 64, "2" * 64)},
    )
    assert check.shapes_ok and not check.checksums_ok and not check.ok
    assert check.checksum_mismatches == ["f.npz"]


def test_a_shipped_file_that_no_longer_matches_its_card_fails_to_load(tmp_path, monkeypatch):
    for path in data_dir().glob("book_reviews.*"):
        shutil.copy(path, tmp_path / path.name)
    with open(tmp_path / "book_reviews.csv", "a", encoding="utf-8") as fh:
        fh.write("301,0,1.0,5.0\n")
    monkeypatch.setenv("MMLAB_DATA", str(tmp_path))
    with pytest.raises(ValueError, match="does not match the sha256"):
        verify_dataset("book_reviews")


# --------------------------------------------------------------------------- #
# registering entries
# --------------------------------------------------------------------------- #
def test_a_registered_entry_loads_through_the_default_views(register):
    register(_toy_info(target_column="y"))
    sample = load_dataset("toy")
    assert sample.shapes == {"a": (5,), "b": (5,), "y": (5,)}
    assert "toy" in DATASETS


def test_custom_views_read_other_return_types(register):
    def source(n):
        return {"pixels": np.zeros((n, 4)), "label": np.arange(n)}

    register(
        _toy_info(
            source=source,
            modalities=(
                ModalityInfo("pixels", "image", (4,), "none", "a 2x2 image", layout=(2, 2), axes=("row", "column")),
            ),
            views=lambda raw: ({"pixels": raw["pixels"]}, raw["label"]),
        )
    )
    assert verify_dataset("toy").ok


def test_an_unreadable_return_type_raises(register):
    register(_toy_info(source=lambda n: [1, 2, 3]))
    with pytest.raises(TypeError, match="pass views="):
        load_dataset("toy")


def test_a_table_without_the_documented_columns_raises(register):
    register(_toy_info(modalities=(ModalityInfo("c", "table", (), "none", "missing"),)))
    with pytest.raises(TypeError, match=r"without the columns \['c'\]"):
        load_dataset("toy")


def test_registering_a_name_twice_raises():
    with pytest.raises(ValueError, match="already catalogued"):
        _catalogue._register(_toy_info(name="av_digits"))


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"kind": "downloaded"}, "kind must be one of"),
        ({"kind": "shipped"}, "names its card and its files"),
        ({"card": "book_reviews"}, "has no card or files"),
        ({"modalities": ()}, "at least one, with distinct names"),
        ({"modalities": (ModalityInfo("a", "table", (), "n", "d"),) * 2}, "distinct names"),
        ({"parts": {"all": 0}}, "positive sample count"),
        ({"parts": {"train": 3, "test": 2}}, "names its part_argument"),
        ({"part_argument": "split"}, "names its part_argument"),
    ],
)
def test_dataset_info_rejects_inconsistent_entries(changes, match):
    with pytest.raises(ValueError, match=match):
        _toy_info(**changes)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"structure": "graph"}, "structure must be one of"),
        ({"shape": (0,)}, "positive ints"),
        ({"shape": (64,), "layout": (8, 7)}, "as many values"),
        ({"shape": (64,), "layout": (8, 8), "axes": ("row",)}, "each of the 2 layout axes"),
    ],
)
def test_modality_info_rejects_inconsistent_entries(kwargs, match):
    base = {"name": "m", "structure": "vector", "shape": (3,), "noise": "n", "description": "d"}
    with pytest.raises(ValueError, match=match):
        ModalityInfo(**{**base, **kwargs})


def test_modality_info_dim_and_default_layout():
    m = ModalityInfo("audio", "sequence", (480,), "n", "d", layout=(20, 24))
    assert m.dim == 480 and m.layout == (20, 24)
    assert ModalityInfo("s", "table", (), "n", "d").dim == 1
    assert ModalityInfo("v", "vector", (16,), "n", "d").layout == (16,)
