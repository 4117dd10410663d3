"""store/mapping.py: the vector field and the segmented fields are what the queries expect."""

from __future__ import annotations

from config.settings import EsSettings
from store.mapping import SCHEMA_VERSION, index_body


def test_vector_field_is_cosine_hnsw_with_model_dims() -> None:
    body = index_body(EsSettings(), "m3e-small", 512)
    vector = body["mappings"]["properties"]["vector"]
    assert vector == {
        "type": "dense_vector",
        "dims": 512,
        "index": True,
        "similarity": "cosine",
        "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100},
    }
    assert body["mappings"]["_meta"] == {
        "model_name": "m3e-small",
        "dims": 512,
        "schema_version": SCHEMA_VERSION,
    }


def test_segmented_fields_split_on_whitespace_only() -> None:
    props = index_body(EsSettings(), "m", 8)["mappings"]["properties"]
    for name in ("text_seg", "title_seg", "heading_seg"):
        assert props[name]["analyzer"] == "whitespace"
    assert props["text"]["index"] is False
    assert props["doc_number"]["type"] == "keyword"


def test_vectors_can_be_int8_quantized() -> None:
    body = index_body(EsSettings(vector_index="int8_hnsw"), "m", 8)
    assert body["mappings"]["properties"]["vector"]["index_options"]["type"] == "int8_hnsw"
