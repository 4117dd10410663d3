"""HTML -> display text in one streaming pass: site chrome dropped, a line break around every block element.

lxml's parser reports start/end/data events to a small target instead of building a tree, so the work is
linear in the page's size however deep it nests (a tree walk with BeautifulSoup took 60 s on 50,000 nested
<div>s, and libxml2's own tree silently stops at depth 256, or 2,048 with huge_tree).
"""

from __future__ import annotations

import re

from lxml import etree

from indexer.labels import LABELS, META_NAMES

# Elements and class/id fragments that are site chrome rather than content.
_CHROME_TAGS = frozenset(
    {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"}
)
_CHROME_ATTR = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|sidebar|share|copyright|toolbar", re.I)
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "section", "article"}
)
_ROWS = frozenset({"tr", "dl"})  # where "label | value" cell pairs sit (gov.cn detail pages)
_CELLS = frozenset({"td", "th", "dt", "dd"})
_LABEL_JUNK = re.compile(r"[\s:：]")
# Where the content is, best first: the first <article>, else the first <main>, else <body>.
_REGIONS = ("article", "main", "body")


class _TextTarget:
    """Collects the text of the content regions while lxml parses; chrome subtrees are skipped whole."""

    def __init__(self) -> None:
        self.open: list[tuple[bool, str | None]] = []  # per open element: (is chrome, region it opened)
        self.chrome_depth = 0  # open chrome elements around the current position
        self.pieces: dict[str, list[str]] = {"all": []}
        self.active: set[str] = set()  # regions currently open
        # Open table rows / <dl>s, innermost last: their text is held back as segments (cell tag or "", text
        # pieces) until the row ends, so label cells can be turned into "label：value" lines instead.
        self.rows: list[list[tuple[str, list[str]]]] = []
        self.in_cell: list[bool] = []
        self.labelled: list[str] = []

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
        if name == "meta" and (label := META_NAMES.get(attrib.get("name", "").strip().lower())):
            content = attrib.get("content", "").strip()
            if content:
                self.labelled.append(f"{label}：{content}")
        region = None
        if not chrome and name in _ROWS:
            self.rows.append([])
            self.in_cell.append(False)
        elif not chrome and name in _CELLS and self.rows:
            self.rows[-1].append((name, []))
            self.in_cell[-1] = True
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
        name = tag.lower() if isinstance(tag, str) else ""
        if not chrome and name in _CELLS and self.rows:
            self.in_cell[-1] = False
        if not chrome and name in _ROWS and self.rows:
            self._flush_row(self.rows.pop())
            self.in_cell.pop()
        if region:
            self.active.discard(region)
        elif name in _BLOCK_TAGS:
            self._emit("\n")

    def _flush_row(self, segments: list[tuple[str, list[str]]]) -> None:
        """Label cells followed by a value cell become labelled lines; everything else is text as usual."""
        cells = [i for i, (tag, _) in enumerate(segments) if tag]
        taken: set[int] = set()
        for i, j in zip(cells, cells[1:], strict=False):
            if i in taken:
                continue
            label = _LABEL_JUNK.sub("", "".join(segments[i][1]))
            value = " ".join("".join(segments[j][1]).split())
            if label in LABELS and value:
                self.labelled.append(f"{label}：{value}")
                taken |= {i, j}
        for k, (_, pieces) in enumerate(segments):
            if k not in taken:
                for piece in pieces:
                    self._emit(piece)

    def data(self, text: str) -> None:
        self._emit(text)

    def _emit(self, text: str) -> None:
        if self.chrome_depth:
            return
        if self.rows:  # held back until the row ends
            row = self.rows[-1]
            if not (self.in_cell[-1] and row):
                row.append(("", []))
            row[-1][1].append(text)
            return
        self.pieces["all"].append(text)
        for region in self.active:
            self.pieces[region].append(text)

    def close(self) -> str:
        while self.rows:  # rows left open by broken markup
            self._flush_row(self.rows.pop())
            self.in_cell.pop()
        region = next((r for r in _REGIONS if r in self.pieces), "all")
        return "\n".join(self.labelled + ["".join(self.pieces[region])])


def html_text(markup: str) -> str:
    """Text of an HTML page: one line per block, stripped, blank lines dropped."""
    target = _TextTarget()
    parser = etree.HTMLParser(target=target, encoding="utf-8", huge_tree=True, no_network=True)
    parser.feed(markup.encode("utf-8"))
    text: str = parser.close()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
