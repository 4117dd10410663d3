"""Segmenter: jieba tokens of folded text, the reversible text_seg field, and highlights mapped back onto the original.

Index and query side use the same Segmenter, so they tokenise identically.
"""

from __future__ import annotations

import bisect
import html
import logging
import re
import threading
from pathlib import Path

import jieba

from analyzers.textnorm import fold, fold_width_and_case
from config.settings import AnalyzerSettings

log = logging.getLogger(__name__)

PRE = "\x01"
POST = "\x02"
# Highlight markers (restore_highlight): control characters that the indexer strips from text, so they
# cannot collide with document content (a literal "<em>" in a document stays text); text_seg never
# contains them.
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

    def restore_highlight(self, original: str, text_seg: str, spans: Spans) -> str:
        """HTML of original with <em> around what mark_terms found in its text_seg; everything escaped."""
        return restore_highlight(original, text_seg, spans)


# Original characters with no counterpart in text_seg: whitespace (re's \s is exactly str.isspace) and
# stray marker characters.
_GAPS = re.compile(f"[\\s{PRE}{POST}]+")

# Stretches of a text_seg's non-space characters, (start, end): where the query's words are (mark_terms).
Spans = tuple[tuple[int, int], ...]


def mark_terms(text_seg: str, terms: frozenset[str]) -> Spans | None:
    """Where text_seg's tokens that are one of terms lie (what a highlighter over the whitespace-split
    field would mark), as spans of its non-space characters; None when no token is one. One set lookup
    per token, whatever the number of terms (a regex alternation of the terms was ~20 % faster for a
    short query and twice as slow for a pasted paragraph's hundred)."""
    spans: list[tuple[int, int]] = []
    at = 0
    for token in text_seg.split(" "):
        if token and token in terms:
            spans.append((at, at + len(token)))
        at += len(token)
    return tuple(spans) or None


def restore_highlight(original: str, text_seg: str, spans: Spans) -> str:
    """HTML of original with <em> around the spans of its text_seg's non-space characters (mark_terms);
    everything else escaped. Falls back to the plain escaped original when the two disagree.

    text_seg holds the original's non-whitespace characters (folded, one for one) with spaces between
    tokens, so its k-th non-space character is the original's k-th non-gap character. Works on slices, not
    characters: this runs for every passage of every result page.
    """
    text = _without_markers(original)  # stray marker characters would read as marks
    if not _same_characters(text, text_seg.replace(" ", "")):
        log.warning("highlight does not match its text; showing it unmarked")
        return html.escape(text)
    position = _NonGapPositions(text)
    out: list[str] = []
    done = 0
    for start, end in spans:
        at = max(done, position(start))
        close = max(at, position(end - 1) + 1) if end > start else at  # the gap after a word stays out
        out += (text[done:at], PRE, text[at:close], POST)
        done = close
    out.append(text[done:])
    # One escape over the whole text: html.escape leaves the marker characters alone.
    return html.escape("".join(out)).replace(PRE, "<em>").replace(POST, "</em>")


def _same_characters(text: str, seg_chars: str) -> bool:
    """text_seg's characters are the text's, folded one for one (gaps aside)."""
    # Folding makes no gap of a non-gap character (only U+3000 becomes a space), so the gaps can go first.
    kept = _GAPS.sub("", text)
    if kept == seg_chars or fold_width_and_case(kept) == seg_chars:
        return True
    # Traditional characters: t2s can differ inside a phrase, so the whole-text fold is the reference.
    return _GAPS.sub("", fold(text)) == seg_chars


class _NonGapPositions:
    """Index in text of its k-th non-gap character (len(text) past the last), from the few gap runs
    rather than one regex match per character."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.before: list[int] = []  # non-gap characters before each gap run
        self.skipped: list[int] = []  # gap characters up to and including each run
        skipped = 0
        for m in _GAPS.finditer(text):
            self.before.append(m.start() - skipped)
            skipped += m.end() - m.start()
            self.skipped.append(skipped)
        self.non_gap = self.length - skipped

    def __call__(self, k: int) -> int:
        if k >= self.non_gap:
            return self.length
        runs = bisect.bisect_right(self.before, k)  # gap runs before the k-th non-gap character
        return k + (self.skipped[runs - 1] if runs else 0)


def _without_markers(text: str) -> str:
    """text without the marker characters."""
    return text.replace(PRE, "").replace(POST, "") if PRE in text or POST in text else text
