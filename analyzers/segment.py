"""Segmenter: jieba tokens of folded text, the reversible text_seg field, and highlights mapped back onto the original.

Index and query side use the same Segmenter, so they tokenise identically.
"""

from __future__ import annotations

import html
import logging
import threading
from pathlib import Path

import jieba

from analyzers.textnorm import fold
from config.settings import AnalyzerSettings

log = logging.getLogger(__name__)

PRE = "\x01"
POST = "\x02"
# Elasticsearch's highlight markers; text_seg must never contain them.
_MARKERS = str.maketrans({PRE: " ", POST: " "})


def _is_word(token: str) -> bool:
    """A token that carries meaning: has a letter, digit or ideograph (not whitespace, not punctuation)."""
    return any(ch.isalnum() for ch in token)


def read_word_list(path: Path) -> frozenset[str]:
    """Folded words of a one-word-per-line file; blank lines and # comments skipped."""
    words = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(fold(w) for w in words if w)


def read_user_dict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """(word, freq, tag) of a jieba user dictionary; unlike jieba's loader, # comment lines are skipped."""
    entries: list[tuple[str, int | None, str | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            freq = int(fields[1]) if len(fields) > 1 else None
            entries.append((fold(fields[0]), freq, fields[2] if len(fields) > 2 else None))
    return entries


class Segmenter:
    """jieba with our user dictionary; cheap to construct, the dictionary is loaded once on first use."""

    def __init__(self, settings: AnalyzerSettings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._tokenizer: jieba.Tokenizer | None = None
        self._stop_words: frozenset[str] | None = None

    def _jieba(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._load()
        return self._tokenizer

    def _load(self) -> jieba.Tokenizer:
        # jieba logs its dictionary build at DEBUG; keep it out of our logs.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word, freq, tag in read_user_dict(self._settings.user_dict):
            tokenizer.add_word(word, freq, tag)
        return tokenizer

    @property
    def stop_words(self) -> frozenset[str]:
        """Stop words (folded) from settings.stop_words."""
        if self._stop_words is None:
            self._stop_words = read_word_list(self._settings.stop_words)
        return self._stop_words

    def _cut(self, folded: str) -> list[str]:
        """jieba precise mode with HMM; the pieces concatenate back to the input."""
        return list(self._jieba().cut(folded, cut_all=False, HMM=True))

    def tokens(self, text: str) -> list[str]:
        """Word tokens of fold(text): whitespace and punctuation dropped."""
        return [t for t in self._cut(fold(text)) if _is_word(t)]

    def seg_field(self, text: str) -> str:
        """text_seg: every non-space character of fold(text) in order, tokens (punctuation too) split by one space."""
        pieces = self._cut(fold(text).translate(_MARKERS))
        return " ".join(p for p in pieces if not p.isspace())

    def query_tokens(self, query: str) -> list[str]:
        """Tokens of a query without stop words; all tokens when nothing else is left."""
        tokens = self.tokens(query)
        kept = [t for t in tokens if t not in self.stop_words]
        return kept or tokens

    def restore_highlight(self, original: str, highlighted_seg: str, pre: str = PRE, post: str = POST) -> str:
        """HTML of original with <em> where Elasticsearch marked text_seg tokens; everything escaped."""
        return restore_highlight(original, highlighted_seg, pre, post)


def _is_gap(ch: str) -> bool:
    """An original character with no counterpart in text_seg (whitespace, or a stray marker character)."""
    return ch.isspace() or ch in (PRE, POST)


def _skip_gap(original: str, i: int) -> int:
    while i < len(original) and _is_gap(original[i]):
        i += 1
    return i


def restore_highlight(original: str, highlighted_seg: str, pre: str = PRE, post: str = POST) -> str:
    """HTML of original with <em> where text_seg was marked; a space in text_seg with no whitespace behind it in
    the original is a separator and is dropped. Falls back to the plain escaped original when they disagree."""
    folded: list[str] = []  # the whole-text fold, computed only if a character needs it (it costs ~1 ms)
    out: list[str] = []
    i = j = depth = 0
    while j < len(highlighted_seg):
        if highlighted_seg.startswith(pre, j) or highlighted_seg.startswith(post, j):
            opening = highlighted_seg.startswith(pre, j)
            depth += 1 if opening else -1
            out.append("<em>" if opening else "</em>")
            j += len(pre if opening else post)
            continue
        mark, start = highlighted_seg[j], i
        i = _skip_gap(original, i)  # whitespace behind a space, or dropped before a character
        if mark != " ":
            if i >= len(original) or not _same(original, i, mark, folded):
                log.warning("highlight does not match its text at %d; showing it unmarked", i)
                return html.escape(original)
            i += 1
        out.append(_escape_gap(original[start:i]))
        j += 1
    out.append("</em>" * max(depth, 0) + _escape_gap(original[i:]))
    return "".join(out)


def _same(original: str, i: int, mark: str, folded: list[str]) -> bool:
    """Whether text_seg's character `mark` stands for original[i]: identical (the common case), or equal
    after folding; the whole-text fold is the reference, since t2s can differ inside a phrase."""
    if original[i] == mark:
        return True
    if not folded:
        folded.append(fold(original))
    return folded[0][i] == mark


def _escape_gap(gap: str) -> str:
    """Escaped original text without stray marker characters."""
    return html.escape(gap.replace(PRE, "").replace(POST, ""))
