"""Who may import whom (STYLE.md section 2), checked by walking each package's imports with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"config", "analyzers", "store", "indexer", "service", "bench"}
ALLOWED = {
    "config": set(),
    "analyzers": {"config"},
    "store": {"config"},
    "indexer": {"config", "analyzers", "store"},
    "service": {"config", "analyzers", "store"},
    "bench": OURS - {"bench"},
}
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


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(OURS))
def test_package_imports_respect_the_layering(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        imported = _imports(path)
        crossing = (imported & OURS) - ALLOWED[package] - {package}
        assert not crossing, f"{path.relative_to(ROOT)} imports {crossing}"
        for lib, home in HOMES.items():
            if package != "bench":
                assert lib not in imported or package == home, f"{path.relative_to(ROOT)} imports {lib}"
