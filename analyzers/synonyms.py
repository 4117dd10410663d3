"""Query synonyms from config/synonyms.txt: equivalence groups ("a, b, c") and one-way expansions ("a => b, c")."""

from __future__ import annotations

from pathlib import Path

from analyzers.textnorm import fold


class SynonymRuleError(ValueError):
    """A line of the synonyms file that is not a rule."""


def _words(part: str, where: str) -> list[str]:
    words = [fold(w.strip()) for w in part.split(",")]
    if not all(words):
        raise SynonymRuleError(f"empty word in synonym rule at {where}")
    return words


def parse_rules(text: str, source: str = "<synonyms>") -> dict[str, list[str]]:
    """Word -> its alternatives (the word first, no repeats), from the rule file's text."""
    table: dict[str, list[str]] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{n}"
        if line.count("=>") > 1:
            raise SynonymRuleError(f"more than one '=>' at {where}")
        left, arrow, right = line.partition("=>")
        sources = _words(left, where)
        targets = _words(right, where) if arrow else sources
        for word in sources:
            merged = table.setdefault(word, [word])
            merged.extend(t for t in targets if t not in merged)
    return table


MAX_PHRASE_TOKENS = 4  # the longest rule word, in jieba tokens, that a query may spell out


class Synonyms:
    """Loaded once from the rule file; expand() gives each query token its alternatives."""

    def __init__(self, path: Path) -> None:
        self._table = parse_rules(path.read_text(encoding="utf-8"), str(path))

    def alternatives(self, token: str) -> list[str]:
        """The token itself first, then its synonyms (which may be phrases of several tokens)."""
        found = self._table.get(fold(token))
        return [token, *found[1:]] if found else [token]

    def expand(self, tokens: list[str]) -> list[list[str]]:
        """One group per query word: the word itself first, then its alternatives. Consecutive tokens that
        together spell a rule's word form one group, longest first: jieba cuts 残障人士 into 残障 人士,
        and the rule for 残障人士 must still apply."""
        groups: list[list[str]] = []
        i = 0
        while i < len(tokens):
            for n in range(min(MAX_PHRASE_TOKENS, len(tokens) - i), 1, -1):
                phrase = "".join(tokens[i : i + n])
                found = self._table.get(fold(phrase))
                if found:
                    groups.append([phrase, *found[1:]])
                    i += n
                    break
            else:
                groups.append(self.alternatives(tokens[i]))
                i += 1
        return groups
