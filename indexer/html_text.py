"""HTML -> display text in one streaming pass: site chrome dropped, a line break around every block element.

lxml's parser reports start/end/data events to a small target instead of building a tree, so the work is
linear in the page's size however deep it nests (a tree walk with BeautifulSoup took 60 s on 50,000 nested
<div>s, and libxml2's own tree silently stops at depth 256, or 2,048 with huge_tree).
"""

from __future__ import annotations

import re

from lxml import etree

# Elements and class/id fragments that are site chrome rather than content.
_CHROME_TAGS = frozenset(
    {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"}
)
_CHROME_ATTR = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|sidebar|share|copyright|toolbar", re.I)
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "section", "article"}
)
# Where the content is, best first: the first <article>, else the first <main>, else <body>.
_REGIONS = ("article", "main", "body")


class _TextTarget:
    """Collects the text of the content regions while lxml parses; chrome subtrees are skipped whole."""

    def __init__(self) -> None:
        self.open: list[tuple[bool, str | None]] = []  # per open element: (is chrome, region it opened)
        self.chrome_depth = 0  # open chrome elements around the current position
        self.pieces: dict[str, list[str]] = {"all": []}
        self.active: set[str] = set()  # regions currently open

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = tag.lower() if isinstance(tag, str) else ""
        chrome = self.chrome_depth > 0 or (
            name not in ("html", "body")
            and (
                name in _CHROME_TAGS
                or bool(_CHROME_ATTR.search(attrib.get("class", "")))
                or bool(_CHROME_ATTR.search(attrib.get("id", "")))
            )
        )
        region = None
        if not chrome and name in _REGIONS and name not in self.pieces:
            region = name  # only the first of each kind counts
            self.pieces[name] = []
            self.active.add(name)
        elif name in _BLOCK_TAGS:
            self._emit("\n")
        self.open.append((chrome, region))
        self.chrome_depth += chrome

    def end(self, tag: str) -> None:
        if not self.open:
            return
        chrome, region = self.open.pop()
        self.chrome_depth -= chrome
        if region:
            self.active.discard(region)
        elif isinstance(tag, str) and tag.lower() in _BLOCK_TAGS:
            self._emit("\n")

    def data(self, text: str) -> None:
        self._emit(text)

    def _emit(self, text: str) -> None:
        if self.chrome_depth:
            return
        self.pieces["all"].append(text)
        for region in self.active:
            self.pieces[region].append(text)

    def close(self) -> str:
        region = next((r for r in _REGIONS if r in self.pieces), "all")
        return "".join(self.pieces[region])


def html_text(markup: str) -> str:
    """Text of an HTML page: one line per block, stripped, blank lines dropped."""
    target = _TextTarget()
    parser = etree.HTMLParser(target=target, encoding="utf-8", huge_tree=True, no_network=True)
    parser.feed(markup.encode("utf-8"))
    text: str = parser.close()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
