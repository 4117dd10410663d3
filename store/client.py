"""make_client(): the one place that constructs an Elasticsearch client."""

from __future__ import annotations

from elasticsearch import Elasticsearch
from elasticsearch.serializer import OrjsonSerializer

from config.settings import EsSettings


def make_client(settings: EsSettings) -> Elasticsearch:
    """A client with bounded timeouts, so a stopped node yields an error fast instead of a hang."""
    return Elasticsearch(
        settings.url,
        request_timeout=settings.timeout,
        max_retries=1,
        retry_on_timeout=False,
        # Re-resolving a dead node must not pile up requests: fail fast, the caller answers 503.
        http_compress=False,
        # Search answers carry hundreds of passages and query vectors 512 floats: orjson parses and writes
        # them several times faster than the json module.
        serializer=OrjsonSerializer(),
    )
