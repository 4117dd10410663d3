"""service/markup.py: the highlight sanitiser and query-term marking."""

from __future__ import annotations

import pytest

from service.markup import mark_words, sanitise_highlight, words_to_mark


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("关于<em>古树</em>保护", "关于<em>古树</em>保护"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ('<em onclick="alert(1)">x</em>', "&lt;em onclick=&#34;alert(1)&#34;&gt;x"),
        ("<EM>x</EM>", "&lt;EM&gt;x&lt;/EM&gt;"),
        ("a &amp; b &lt;c&gt;", "a &amp; b &lt;c&gt;"),  # already escaped: not escaped twice
        ("<em>open", "<em>open</em>"),  # left open: closed
        ("</em>x<em><em>y</em></em>", "x<em>y</em>"),  # stray and nested tags dropped
    ],
)
def test_sanitise_highlight_keeps_only_em(fragment: str, expected: str) -> None:
    assert str(sanitise_highlight(fragment)) == expected


def test_sanitised_output_has_no_live_markup_but_em() -> None:
    out = str(sanitise_highlight('<em>a</em><svg onload=x><a href="javascript:x">b</a><em style="x">c</em>'))
    assert out.replace("<em>", "").replace("</em>", "").count("<") == 0


def test_mark_terms_escapes_before_marking() -> None:
    out = str(mark_words("<b>古树名木</b>保护 & 古树", ["古树"]))
    assert out == "&lt;b&gt;<mark>古树</mark>名木&lt;/b&gt;保护 &amp; <mark>古树</mark>"


def test_mark_terms_prefers_longest_term() -> None:
    assert str(mark_words("古树名木", words_to_mark("古树 古树名木"))) == "<mark>古树名木</mark>"


def test_query_terms_drop_single_characters_and_punctuation() -> None:
    assert words_to_mark("古树，保护 的", ["名木", "的"]) == ["保护", "古树", "名木"]


def test_query_terms_keep_a_single_character_query() -> None:
    assert words_to_mark("树") == ["树"]
