"""Retrieval: query understanding, the searcher, fusion, precedents and document assembly (no HTTP)."""
