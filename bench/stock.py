"""Stock Elasticsearch baseline: whole documents, one built-in analyzer, a plain multi_match."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from elasticsearch import helpers

from config.settings import EsSettings
from indexer.sources import iter_source_files, read_documents
from store.client import make_client


@dataclass(frozen=True)
class StockHit:
    doc_id: str
    title: str
    text: str  # title + body, as the judged keys are matched


class StockIndex:
    """A throw-away index of the same documents as ours, deleted on exit."""

    def __init__(self, settings: EsSettings, analyzer: str, corpora: list[Path]) -> None:
        self.client = make_client(settings.model_copy(update={"timeout": 60.0}))
        self.analyzer = analyzer
        self.corpora = corpora
        self.name = f"bench-stock-{analyzer}-{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> StockIndex:
        text_field = {"type": "text", "analyzer": self.analyzer}
        self.client.indices.create(
            index=self.name,
            settings={"number_of_shards": 1, "number_of_replicas": 0},
            mappings={"properties": {"title": text_field, "text": text_field}},
        )
        helpers.bulk(self.client, self._actions(), refresh=True)
        return self

    def _actions(self) -> Any:
        for corpus in self.corpora:
            for path in iter_source_files([corpus]):
                for doc in read_documents(path, corpus, 50_000_000):
                    yield {
                        "_index": self.name,
                        "_id": doc.doc_id,
                        "_source": {"title": doc.title, "text": doc.text},
                    }

    def search(self, text: str, size: int = 10) -> list[StockHit]:
        """The top documents for a plain multi_match (drafts are cut: the query has limits)."""
        query = {"multi_match": {"query": text[:1000], "fields": ["title", "text"]}}
        resp = self.client.search(index=self.name, query=query, size=size, source_includes=["title", "text"])
        return [
            StockHit(h["_id"], h["_source"]["title"], h["_source"]["title"] + "\n" + h["_source"]["text"])
            for h in resp["hits"]["hits"]
        ]

    def __exit__(self, *exc: object | TracebackType | None) -> None:
        self.client.options(ignore_status=404).indices.delete(index=self.name)
        self.client.close()
