"""Character folding shared by index and query side: traditional->simplified, full-width->half-width, lowercase.

fold() never changes the length, so position i of the folded text is position i of the original.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import opencc

# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E; U+3000 is the ideographic space.
# Only A-Z is lowercased: str.lower() on other scripts may change the length ("İ" -> "i̇").
_WIDTH_AND_CASE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_AND_CASE[0x3000] = 0x20
_WIDTH_AND_CASE.update({cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})
_WIDTH_AND_CASE.update({cp + 0xFEE0: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})

# Runs of CJK ideographs (the only thing t2s changes); everything between them is left alone.
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")

_lock = threading.Lock()
_converter: opencc.OpenCC | None = None


def _t2s() -> opencc.OpenCC:
    """The one OpenCC converter of the process, built on first use."""
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter


@lru_cache(maxsize=4096)
def _simplify_run(run: str) -> str:
    """t2s of one run of ideographs; per character when phrase conversion would change the length."""
    converter = _t2s()
    out = converter.convert(run)
    if len(out) == len(run):
        return out
    # A phrase rule changed the length: convert char by char so offsets still line up.
    chars = [converter.convert(ch) for ch in run]
    return "".join(c if len(c) == 1 else ch for c, ch in zip(chars, run, strict=True))


# What _WIDTH_AND_CASE changes, found by one regex scan. No character maps to another that is changed, so
# the replacements cannot chain.
_FOLDABLE = re.compile("[\uff01-\uff5e\u3000A-Z]")
_FOLDED = {chr(k): chr(v) for k, v in _WIDTH_AND_CASE.items()}


def fold_width_and_case(text: str) -> str:
    """fold() without traditional->simplified: all that Latin letters, digits and punctuation need."""
    # Each distinct character replaced in one pass: a Chinese text holds only a few (，。：（）), and
    # str.translate, which looks every character up in the table, took ~9x as long on result passages.
    for ch in set(_FOLDABLE.findall(text)):
        text = text.replace(ch, _FOLDED[ch])
    return text


def fold(text: str) -> str:
    """Traditional->simplified, full-width->half-width, ASCII lowercase; len(fold(t)) == len(t)."""
    narrowed = fold_width_and_case(text)
    return _HAN_RUN.sub(lambda m: _simplify_run(m.group(0)), narrowed)
