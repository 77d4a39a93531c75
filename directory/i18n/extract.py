"""A Babel extractor for the vetting checklist file, so its texts are translated like the rest.

babel.cfg names it as ``directory.i18n.extract.extract_checklist``; templates show the
translation with the ``tr`` filter. The checklist file itself stays English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

CHECKLIST_FIELDS = ("title", "explanation", "why", "evidence")


def checklist_messages(text: str) -> Iterator[tuple[int, str, str]]:
    """Yield (line number, comment, message) for every patient-facing checklist text."""
    lines = text.splitlines()
    for item in tomllib.loads(text).get("items", []):
        start = next(
            (n for n, line in enumerate(lines) if line.strip() == f'key = "{item["key"]}"'), 0
        )
        for field in CHECKLIST_FIELDS:
            value = item.get(field)
            if not value:
                continue
            lineno = next(
                (n for n in range(start, len(lines)) if lines[n].startswith(f"{field} =")), start
            )
            yield lineno + 1, f"checklist item {item['key']}: {field}", value


def extract_checklist(fileobj, keywords, comment_tags, options):
    """Babel extraction method: each item's title, explanation, why and evidence."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, comment, message in checklist_messages(text):
        yield lineno, None, message, [comment]
