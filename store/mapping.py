"""index_body(): settings and mappings of a versioned index (passages and whole documents in one index)."""

from __future__ import annotations

from typing import Any

from config.settings import EsSettings

# Bump when the mapping or the stored fields change: the indexer then refuses to `update` an old index.
SCHEMA_VERSION = 8
LIVE_REFRESH_INTERVAL = "1s"

# Segmented fields hold jieba tokens joined by spaces (analyzers.Segmenter.seg_field), so Elasticsearch
# only splits on whitespace; offsets in the postings make the unified highlighter cheap.
_SEGMENTED = {"type": "text", "analyzer": "whitespace", "index_options": "offsets"}
# Character bigrams (the cjk analyzer) over the folded text: robust where jieba cuts a word differently
# in the query than in the document (妇女儿童 vs 妇女 儿童). Matching only; highlights use text_seg.
_BIGRAMS = {"type": "text", "analyzer": "cjk"}


def _vector(dims: int, index_type: str) -> dict[str, Any]:
    return {
        "type": "dense_vector",
        "dims": dims,
        "index": True,
        "similarity": "cosine",
        "index_options": {"type": index_type, "m": 16, "ef_construction": 100},
    }


def index_body(settings: EsSettings, model_name: str, dims: int) -> dict[str, Any]:
    """The create-index body; records which model and dimension the vectors come from."""
    return {
        "settings": {
            "number_of_shards": settings.shards,
            "number_of_replicas": settings.replicas,
            # No refreshes while a build writes: fewer small segments means less HNSW graph merging,
            # which competes with the embedder for the CPU. publish() sets LIVE_REFRESH_INTERVAL.
            "refresh_interval": "-1",
        },
        "mappings": {
            "dynamic": "strict",
            # Vectors are searched, never read back: keeping them out of _source makes every fetched hit
            # ~10 KB lighter to load and parse (a search fetching 60 passages got ~2x faster).
            # (text_cjk is only matched, never shown.)
            "_source": {"excludes": ["vector", "text_cjk"]},
            "_meta": {"model_name": model_name, "dims": dims, "schema_version": SCHEMA_VERSION},
            "properties": {
                "type": {"type": "keyword"},
                "doc_id": {"type": "keyword"},
                "passage_id": {"type": "keyword"},
                "ordinal": {"type": "integer"},
                "title": {"type": "keyword", "ignore_above": 512},
                "title_seg": _SEGMENTED,
                "title_cjk": _BIGRAMS,
                "doc_number": {"type": "keyword"},
                "doc_number_parts": {"type": "keyword"},
                "issuer": {"type": "keyword"},
                "date": {"type": "date", "format": "strict_date"},
                "year": {"type": "integer"},
                "kind": {"type": "keyword"},
                "source": {"type": "keyword"},
                "source_root": {"type": "keyword"},
                "line_start": {"type": "integer"},
                "line_end": {"type": "integer"},
                "title_derived": {"type": "boolean"},
                "cites": {"type": "keyword"},
                # Every canonical 文号 of the document (issued under, revised, amended, repealed by): a
                # term query on any of them finds it; doc_number_history says what each one did.
                "doc_numbers": {"type": "keyword"},
                "doc_number_history": {
                    "properties": {
                        "number": {"type": "keyword"},
                        "role": {"type": "keyword"},
                        "date": {"type": "date", "format": "strict_date"},
                    }
                },
                "promulgated": {"type": "date", "format": "strict_date"},
                "effective_from": {"type": "date", "format": "strict_date"},
                "expires_on": {"type": "date", "format": "strict_date"},
                "repeals": {"type": "keyword", "ignore_above": 512},
                "index_no": {"type": "keyword"},
                "subject": {"type": "keyword"},
                "stated_validity": {"type": "keyword"},
                "version_group": {"type": "keyword"},
                "superseded_by": {"type": "keyword"},
                "repealed_by": {"type": "keyword"},
                "text": {"type": "text", "index": False},
                "text_seg": _SEGMENTED,
                "text_cjk": _BIGRAMS,
                "heading": {"type": "keyword", "ignore_above": 512},
                "heading_seg": _SEGMENTED,
                "start": {"type": "integer"},
                "end": {"type": "integer"},
                "content_hash": {"type": "keyword"},
                "passage_count": {"type": "integer"},
                "vector": _vector(dims, settings.vector_index),
            },
        },
    }
