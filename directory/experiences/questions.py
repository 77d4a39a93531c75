"""The questions patients answer, parsed from their versioned data file and checked (pure)."""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources

from directory.vetting.checklist import KEY_RE, load_checklist, parse_versioned

QUESTIONS_FILE = "questions-v1.toml"
LANGUAGES = ("en", "ar", "fr")


class QuestionsError(ValueError):
    """The questions file is malformed."""


@dataclass(frozen=True)
class Question:
    key: str
    item: str  # the checklist item the answers tell about
    text: str
    summary: str  # "%(percent)s were asked about allergies"
    hint: str | None = None


@dataclass(frozen=True)
class Thresholds:
    min_answers_shown: int
    recheck_min_answers: int
    recheck_below: float
    latest_shown: int
    oldest_visit_months: int
    code_days: tuple[int, ...]


@dataclass(frozen=True)
class SideEffects:
    text: str
    handled: str
    choices: tuple[tuple[str, str], ...]  # (key, label)
    serious_answers: frozenset[str]
    serious_words: dict[str, tuple[str, ...]]  # language -> words


@dataclass(frozen=True)
class Questions:
    version: int
    questions: tuple[Question, ...]
    thresholds: Thresholds
    side_effects: SideEffects

    def get(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    @property
    def items(self) -> tuple[str, ...]:
        """Return the checklist items patients can observe, in the order first asked about."""
        return tuple(dict.fromkeys(q.item for q in self.questions))


def _text(raw: dict, name: str, where: str, *, required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise QuestionsError(f"{where}: {name} is required")
    return " ".join(value.split())


def _whole(raw: dict, name: str, *, low: int = 1) -> int:
    value = raw.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise QuestionsError(f"thresholds: {name} must be a whole number of at least {low}")
    return value


def _question(raw: dict, checklist_keys: Collection[str]) -> Question:
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise QuestionsError(f"question key {key!r} must be lower-case letters, digits, hyphens")
    where = f"question {key}"
    item = _text(raw, "item", where)
    if item not in checklist_keys:
        raise QuestionsError(f"{where}: item {item!r} is not a checklist item")
    summary = _text(raw, "summary", where)
    if summary.count("%(percent)s") != 1 or summary.replace("%(percent)s", "").count("%"):
        raise QuestionsError(f"{where}: summary must hold %(percent)s once and no other %")
    return Question(
        key=key,
        item=item,
        text=_text(raw, "text", where),
        summary=summary,
        hint=_text(raw, "hint", where, required=False),
    )


def _thresholds(raw: dict) -> Thresholds:
    below = raw.get("recheck_below")
    if not isinstance(below, int | float) or isinstance(below, bool) or not 0 < below <= 1:
        raise QuestionsError("thresholds: recheck_below must be a share above 0 and at most 1")
    days = raw.get("code_days")
    if (
        not isinstance(days, list)
        or not days
        or not all(isinstance(d, int) and not isinstance(d, bool) and 0 < d <= 366 for d in days)
    ):
        raise QuestionsError("thresholds: code_days must list whole numbers of days up to 366")
    return Thresholds(
        min_answers_shown=_whole(raw, "min_answers_shown"),
        recheck_min_answers=_whole(raw, "recheck_min_answers"),
        recheck_below=float(below),
        latest_shown=_whole(raw, "latest_shown"),
        oldest_visit_months=_whole(raw, "oldest_visit_months"),
        code_days=tuple(sorted(set(days))),
    )


def _side_effects(raw: dict) -> SideEffects:
    choices = []
    for entry in raw.get("choices") or []:
        key = entry.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise QuestionsError(f"side effect choice {key!r} needs a key")
        choices.append((key, _text(entry, "label", f"side effect choice {key}")))
    if not choices:
        raise QuestionsError("side_effects: there are no choices")
    keys = {key for key, _ in choices}
    serious = raw.get("serious_answers") or []
    if not serious or not set(serious) <= keys:
        raise QuestionsError("side_effects: serious_answers must name some of its choices")
    words = raw.get("serious_words") or {}
    if set(words) != set(LANGUAGES) or not all(
        isinstance(w, list) and w and all(isinstance(x, str) and x.strip() for x in w)
        for w in words.values()
    ):
        raise QuestionsError(f"side_effects: serious_words needs words for each of {LANGUAGES}")
    return SideEffects(
        text=_text(raw, "text", "side_effects"),
        handled=_text(raw, "handled", "side_effects"),
        choices=tuple(choices),
        serious_answers=frozenset(serious),
        serious_words={lang: tuple(words[lang]) for lang in LANGUAGES},
    )


def parse_questions(text: str, checklist_keys: Collection[str]) -> Questions:
    """Parse the questions TOML, checking each question names an item of the checklist."""
    parse_question = functools.partial(_question, checklist_keys=checklist_keys)
    raw, version, questions = parse_versioned(
        text, "questions", parse_question, QuestionsError, "there are no [[questions]]"
    )
    return Questions(
        version=version,
        questions=questions,
        thresholds=_thresholds(raw.get("thresholds") or {}),
        side_effects=_side_effects(raw.get("side_effects") or {}),
    )


def questions_text() -> str:
    """Return the packaged questions file as text."""
    return resources.files("directory.experiences").joinpath(QUESTIONS_FILE).read_text("utf-8")


@functools.cache
def load_questions() -> Questions:
    """Return the packaged questions, checked against the checklist (read once per process)."""
    return parse_questions(questions_text(), load_checklist().keys)
