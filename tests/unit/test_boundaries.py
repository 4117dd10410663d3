"""Who may import whom (STYLE.md section 2), checked by walking each package's imports with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"config", "analyzers", "store", "indexer", "search", "service", "bench"}
# service -> search -> store / analyzers: the pages and the API only parse, call the searcher and render.
ALLOWED = {
    "config": set(),
    "analyzers": {"config"},
    "store": {"config"},
    "indexer": {"config", "analyzers", "store"},
    "search": {"config", "analyzers", "store"},
    "service": {"config", "search", "store"},
    "bench": OURS - {"bench"},
}
# What service/ may use of store/: the store to wire up and the errors to answer (never query bodies).
# store.deadline: the service starts each request's Elasticsearch deadline (wiring, like the store itself).
SERVICE_FROM_STORE = {"store.errors", "store.search_store", "store.deadline"}
# Keys of Elasticsearch request bodies: only store/ writes them (queries.py, lookups.py, facets.py).
QUERY_KEYS = ("bool", "collapse", "knn", "aggs", "_source", "match_bool_prefix", "docvalue_fields", "dis_max")
# Each third-party library has one home.
HOMES = {
    "elasticsearch": "store",
    "jieba": "analyzers",
    "sentence_transformers": "analyzers",
    "opencc": "analyzers",
    "onnxruntime": "analyzers",
    "torch": "analyzers",
    "flask": "service",
}


def _modules(path: Path) -> set[str]:
    """Dotted names of the modules a file imports (absolute imports; `from x import y` counts x)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _modules(path)}


@pytest.mark.parametrize("package", sorted(OURS))
def test_package_imports_respect_the_layering(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        imported = _imports(path)
        crossing = (imported & OURS) - ALLOWED[package] - {package}
        assert not crossing, f"{path.relative_to(ROOT)} imports {crossing}"
        for lib, home in HOMES.items():
            if package != "bench":
                assert lib not in imported or package == home, f"{path.relative_to(ROOT)} imports {lib}"


def test_service_uses_only_the_store_it_wires_and_its_errors() -> None:
    for path in (ROOT / "service").rglob("*.py"):
        from_store = {m for m in _modules(path) if m.startswith("store.")}
        allowed = {m for m in from_store if any(m == a or m.startswith(a + ".") for a in SERVICE_FROM_STORE)}
        assert from_store <= allowed, f"{path.relative_to(ROOT)} imports {from_store - allowed}"


def test_service_builds_no_query_body() -> None:
    for path in (ROOT / "service").rglob("*.py"):
        keys = {
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and node.value in QUERY_KEYS
        }
        assert not keys, f"{path.relative_to(ROOT)} writes Elasticsearch query keys {keys}"
