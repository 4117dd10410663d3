"""analyzers/textnorm.py: folding is correct and never moves a character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers import textnorm
from analyzers.textnorm import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("高新區 水污染防治", "高新区 水污染防治"),
        ("村莊規劃", "村庄规划"),
        ("ＡＢＣ１２３（一）", "abc123(一)"),
        ("政务\u3000公开", "政务 公开"),
        ("Hello World", "hello world"),
        ("聊政辦字［２０２３］２４號", "聊政办字[2023]24号"),
        ("头发", "头发"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_non_ascii_letters_keep_their_length() -> None:
    # str.lower() would turn "İ" into two code points.
    assert fold("İÄ") == "İÄ"


def test_phrase_conversion_that_changes_length_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stretching:
        def convert(self, text: str) -> str:
            return text if len(text) == 1 else text + "多"

    monkeypatch.setattr(textnorm, "_converter", Stretching())
    textnorm._simplify_run.cache_clear()
    try:
        assert fold("乾隆年間") == "乾隆年間"
    finally:
        monkeypatch.undo()
        textnorm._simplify_run.cache_clear()


cjk_heavy = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xFF00, max_codepoint=0xFF65),
        st.sampled_from(list("乾隆頭髮著瞭麼麵條裏後於臺灣\u3000 \n\t〔〕")),
        st.characters(),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(cjk_heavy)
def test_fold_preserves_length_and_positions(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    for i, ch in enumerate(text):
        # Each position folds on its own to the same character class: whitespace stays whitespace.
        assert folded[i].isspace() == (ch.isspace() or ch == "\u3000")


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_fold_is_idempotent_in_length(text: str) -> None:
    assert len(fold(fold(text))) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(cjk_heavy, st.text()))
def test_width_and_case_fold_is_the_table_character_by_character(text: str) -> None:
    """fold_width_and_case replaces each foldable character it finds; the table says what each becomes."""
    assert textnorm.fold_width_and_case(text) == text.translate(textnorm._WIDTH_AND_CASE)
