"""HTML-safe snippets: a short piece of a clinic's text with the matching words in <mark>.

Everything but the <mark> tags is escaped, so the web layer may insert a snippet as it is.
"""

from __future__ import annotations

import html

from index import text

SNIPPET_CHARS = 180
LEAD_CHARS = 50  # how much text to show before the first match


def mark(value: str, terms: frozenset[str], *, join: bool) -> tuple[str, int]:
    """Return (HTML of value with matching words marked, how many were marked)."""
    spans = []
    if join:
        for parts, start, end in text.compounds(value):
            stems = {text.stem(p) for p in parts} | {text.stem("".join(parts))}
            if stems & terms:
                spans.append((start, end))
    else:
        spans = [(s, e) for w, s, e in text.words(value) if text.stem(w) in terms]
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(value[last:start]))
        out.append(f"<mark>{html.escape(value[start:end])}</mark>")
        last = end
    out.append(html.escape(value[last:]))
    return "".join(out), len(spans)


def may_match(value: str, terms: frozenset[str]) -> bool:
    """Say cheaply whether a word of value could stem to one of terms (False: none can).

    A word always begins with its stem less the stem's last letter (Porter changes endings
    only, and a final y may become i): three letters of that are looked for in the text at C
    speed, instead of stemming every word of a description that cannot match. Only for text
    split into plain words, not compounds (whose joined form drops the punctuation).
    """
    if not value.isascii():
        return True
    folded = value.lower()
    return any(term[: max(1, min(len(term) - 1, 3))] in folded for term in terms)


def _window(value: str, terms: frozenset[str]) -> str:
    """Cut value to about SNIPPET_CHARS around its first match, on word boundaries."""
    if len(value) <= SNIPPET_CHARS:
        return value
    first = 0
    if terms:
        first = next((s for w, s, _e in text.words(value) if text.stem(w) in terms), 0)
    start = max(0, first - LEAD_CHARS)
    if start:
        space = value.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = start + SNIPPET_CHARS
    if end < len(value):
        space = value.rfind(" ", start, end)
        end = space if space > first else end
    return ("…" if start else "") + value[start:end].strip() + ("…" if end < len(value) else "")


def snippet(
    stored: dict,
    terms: frozenset[str],
    offered: list[str],
    labels: dict[str, str],
) -> str | None:
    """Return why a clinic matched: its description, the treatments asked for, or its name."""
    description = stored.get("description") or ""
    if description and terms and may_match(description, terms):
        html_text, marks = mark(_window(description, terms), terms, join=False)
        if marks:
            return html_text
    if offered:
        names = ", ".join(f"<mark>{html.escape(labels.get(k, k))}</mark>" for k in offered)
        return f"Offers {names}"
    for field in ("name", "city", "postcode", "region"):
        value = stored.get(field) or ""
        if value and terms:
            html_text, marks = mark(value, terms, join=True)
            if marks:
                return html_text
    if description:
        return html.escape(_window(description, frozenset()))
    return None
