"""User text only ever reaches match / match_phrase / term(s) / knn: never query_string, scripts,
regexp or wildcard queries, whatever it contains."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest.mock import Mock

from hypothesis import given, settings
from hypothesis import strategies as st

from config.settings import Settings
from search import similar
from search.searcher import Searcher
from service.params import parse_search
from store import lookups, queries
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

FORBIDDEN = {"query_string", "simple_query_string", "script", "script_score", "regexp", "wildcard", "fuzzy"}
HOSTILE = st.text(
    alphabet=st.sampled_from(list("古树名木*?~\\/\"'()[]{}:^!+-&|<>=AND OR 聊政办字〔2023〕24号")),
    min_size=1,
    max_size=60,
).filter(str.strip)  # blank queries are refused before any body is built


def _keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


@settings(max_examples=200, deadline=None)
@given(q=HOSTILE)
def test_keyword_and_knn_bodies_use_only_safe_clauses(q: str) -> None:
    searcher = Searcher(
        Settings(),
        store=Mock(spec=SearchStore),
        embedder=lambda: FakeEmbedder(dims=8),  # type: ignore[arg-type]
        segmenter=_SEGMENTER,
        synonyms=_SYNONYMS,
    )
    p = parse_search({"q": q}, Settings().service)
    u = searcher.analyse(p.q)
    bodies = [
        *searcher._keyword_bodies(p, u, 40),
        {"knn": queries.knn_clause([0.0] * 8, p.filters, 10, 20)},
        *similar.bodies(similar.cut_draft(q * 3), [[0.0] * 8], similar.top_terms(q, _SEGMENTER), p.filters),
        lookups.suggest_body(_SEGMENTER.seg_field(q), q, None, 8),
        queries.browse_body(p.filters, 0, 10),
        queries.document_evidence_body(u.groups, ["d1", "d2"]),
        queries.document_frequency_body(u.groups),
    ]
    for body in bodies:
        assert not FORBIDDEN & set(_keys(body)), body


def _analyzers() -> tuple[Any, Any]:
    from analyzers.segment import Segmenter
    from analyzers.synonyms import Synonyms

    s = Settings()
    return Segmenter(s.analyzer), Synonyms(s.analyzer.synonyms)


_SEGMENTER, _SYNONYMS = _analyzers()
