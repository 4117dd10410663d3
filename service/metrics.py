"""Prometheus metrics: requests and latency by endpoint and mode, Elasticsearch errors, documents indexed.

One registry per process (gunicorn workers each expose their own; scrape through the load balancer or
aggregate by instance).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "search_requests_total", "HTTP requests", ["endpoint", "mode", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "search_request_seconds",
            "Request latency",
            ["endpoint", "mode"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10),
        )
        self.es_errors = Counter(
            "search_elasticsearch_errors_total",
            "Elasticsearch unavailable or refusing",
            ["kind"],
            registry=self.registry,
        )
        self.documents = Gauge(
            "search_index_documents", "Documents in the live index", registry=self.registry
        )

    def observe(self, endpoint: str, mode: str, status: int, seconds: float) -> None:
        self.requests.labels(endpoint, mode, str(status)).inc()
        self.latency.labels(endpoint, mode).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
