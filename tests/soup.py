"""Read HTML in tests with BeautifulSoup, to assert on structure rather than substrings.

Named soup, not html: pytest puts tests/ first on sys.path, where an html.py would shadow the
standard library's html package.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import Tag


def parse_html(text: str | bytes) -> BeautifulSoup:
    """Parse a page with the standard library's parser (no compiled dependency)."""
    # Our pages are UTF-8: decode here rather than let bs4 guess an encoding from the bytes.
    return BeautifulSoup(text.decode() if isinstance(text, bytes) else text, "html.parser")


def text_of(node: Tag, separator: str = "") -> str:
    """Return a node's text with runs of whitespace collapsed to one space, as a reader sees it."""
    return " ".join(node.get_text(separator).split())


def foreign_scripts(tree: BeautifulSoup) -> list[Tag]:
    """Return the <script> elements that are not our own static files (what an injection adds)."""
    return [
        script
        for script in tree.find_all("script")
        if not (script.get("src") or "").startswith("/static/") or script.string
    ]
