"""Test doubles shared by the unit and integration tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from analyzers.vectors import l2_normalise


class FakeEmbedder:
    """Deterministic hash-based unit vectors of fixed dims, for unit tests and mapping/bulk tests only.

    The same text always gives the same vector (query and passage alike); vectors carry no meaning.
    """

    def __init__(self, dims: int = 512, model_name: str = "fake") -> None:
        self.dims = dims
        self.model_name = model_name

    def _vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dims)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        return l2_normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return l2_normalise(self._vector(text))
