"""A Babel extractor for the questions file, so its texts are translated like the checklist's.

babel.cfg names it as ``directory.experiences.extract.extract_questions``; pages show the
translations with the ``tr`` filter and lazy_gettext. The file itself stays English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

QUESTION_FIELDS = ("text", "summary", "hint")


def _line(lines: list[str], text: str, start: int = 0) -> int:
    """Return the 1-based line of the first line from start that holds text (else start)."""
    needle = text[:40]
    return next((n for n in range(start, len(lines)) if needle in lines[n]), start) + 1


def questions_messages(text: str) -> Iterator[tuple[int, str, str]]:
    """Yield (line number, comment, message) for every patient-facing text of the file."""
    lines = text.splitlines()
    raw = tomllib.loads(text)
    for question in raw.get("questions", []):
        for field in QUESTION_FIELDS:
            value = question.get(field)
            if value:
                value = " ".join(value.split())
                yield _line(lines, value), f"question {question['key']}: {field}", value
    effects = raw.get("side_effects", {})
    for field in ("text", "handled"):
        if effects.get(field):
            yield _line(lines, effects[field]), f"side effects: {field}", effects[field]
    for choice in effects.get("choices", []):
        yield _line(lines, choice["label"]), f"side effect: {choice['key']}", choice["label"]


def extract_questions(fileobj, keywords, comment_tags, options):
    """Babel extraction method: each question's text, summary and hint, the side effects'."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, comment, message in questions_messages(text):
        yield lineno, None, message, [comment]
