"""A document carrying markup is indexed for real and shown inert: escaped on every page and in the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.pipeline import Pipeline
from service.app import create_app
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

HOSTILE = """关于加强古树名木保护工作的通知
各有关部门要高度重视古树名木保护<script>alert('x')</script>工作。
请点击<img src=x onerror=alert(1)>查看古树名木名录，<em onclick=alert(2)>务必</em>落实。
聊城市人民政府办公室
2023年7月10日
"""
PAYLOADS = ("<script>", "<img src=x onerror", "<em onclick")


def test_markup_in_documents_renders_inert(settings: Settings, store: SearchStore, tmp_path: Path) -> None:
    (tmp_path / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    scoped = settings.model_copy(update={"es": store.settings})
    embedder = FakeEmbedder(dims=16)
    Pipeline(scoped, store, embedder, Segmenter(scoped.analyzer)).build([tmp_path])
    client = create_app(scoped, store=store, embedder=embedder).test_client()

    api = client.get("/api/search", query_string={"q": "古树名木", "mode": "keyword"}).get_json()
    doc_id = api["hits"][0]["doc_id"]
    highlights = " ".join(p["highlight"] for p in api["hits"][0]["passages"])
    assert "<em>古树</em>" in highlights
    assert "&lt;script&gt;" in highlights and not any(p in highlights for p in PAYLOADS)

    pages = [
        client.get("/search", query_string={"q": "古树名木 <script>alert(3)</script>"}),
        client.get(f"/documents/{doc_id}", query_string={"q": "古树名木"}),
    ]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Content-Security-Policy" in page.headers
        assert not any(p in html for p in PAYLOADS), [p for p in PAYLOADS if p in html]
        assert "&lt;script&gt;" in html
