"""The rules of experiences as pure functions: visit codes, serious side effects, shares of
answers, and when patients' answers contradict a verified checklist item."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from directory.experiences.questions import Questions, SideEffects, Thresholds
from directory.i18n.known import N_

ANSWERS = ("yes", "no", "unsure")  # "unsure" also means "does not apply": it is not counted
RATINGS = (1, 2, 3, 4, 5)
# Codes are read aloud and typed from paper: no 0/O, 1/I/L, 5/S or 2/Z to confuse.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
CODE_LENGTH = 12
CODE_GROUP = 4
MAX_BATCH = 200
# Why a moderator refuses an experience, as the patient reads it (mailed to them).
REFUSALS = {
    "personal-data": N_(
        "It names or describes a person, or gives contact details or other personal information."
    ),
    "medical-advice": N_(
        "It gives medical advice to other patients; only a doctor who examined you can do that."
    ),
    "defamation": N_(
        "It states as fact something we cannot check that would harm someone's reputation "
        "(such as a crime or fraud)."
    ),
    "no-proof": N_("The receipt does not show a visit to this clinic."),
    "other": N_("It does not follow our rules for experiences."),
}
REFUSAL_TITLES = {
    "personal-data": "Personal data",
    "medical-advice": "Medical advice",
    "defamation": "Defamation",
    "no-proof": "No proof of a visit",
    "other": "Other",
}
_NOT_CODE = re.compile(r"[\s-]+")
_ARABIC_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ـ": None})


# Visit codes ---------------------------------------------------------------------------------


def new_code() -> str:
    """Return a fresh random visit code (about 57 bits), grouped for reading: ABCD-EFGH-JK34."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalise_code(typed: str) -> str | None:
    """Return the code as stored (upper case, no spaces or dashes), or None if it cannot be one."""
    code = _NOT_CODE.sub("", unicodedata.normalize("NFKC", typed or "")).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def code_hash(code: str) -> str:
    """Return the sha256 a normalised code is stored as (the code itself is never kept)."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def email_hash(email: str) -> str:
    """Return the sha256 of an address, case-folded: the same person's address, however typed."""
    return hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()


# Serious side effects --------------------------------------------------------------------------


def fold(text: str) -> str:
    """Fold case, accents, Arabic diacritics and letter variants, for matching words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", plain).translate(_ARABIC_VARIANTS).split())


def serious_words_in(texts: Iterable[str | None], side_effects: SideEffects) -> list[str]:
    """Return the serious words (in any language) found in these texts."""
    folded = " ".join(fold(t) for t in texts if t)
    found = []
    for words in side_effects.serious_words.values():
        found.extend(w for w in words if fold(w) in folded)
    return found


def sounds_serious(answer: str, texts: Iterable[str | None], side_effects: SideEffects) -> bool:
    """Say whether a reported side effect sounds serious: by the answer, or by its words."""
    return answer in side_effects.serious_answers or bool(serious_words_in(texts, side_effects))


# Shares and contradictions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    answered: int = 0  # yes or no; "not sure" is not counted

    def share(self, thresholds: Thresholds) -> float | None:
        """Return the share who said yes, or None below the number of answers shown."""
        if self.answered < thresholds.min_answers_shown:
            return None
        return self.yes / self.answered


def tally(answer_sets: Iterable[Mapping[str, str]], questions: Questions) -> dict[str, Tally]:
    """Count, per question, the yes answers and all yes-or-no answers."""
    counts = {q.key: [0, 0] for q in questions.questions}
    for answers in answer_sets:
        for key, answer in answers.items():
            if key in counts and answer in ("yes", "no"):
                counts[key][1] += 1
                counts[key][0] += answer == "yes"
    return {key: Tally(yes, answered) for key, (yes, answered) in counts.items()}


def rating_spread(ratings: Iterable[int]) -> dict[int, int]:
    """Return how many experiences gave each rating, 1 to 5."""
    spread = dict.fromkeys(RATINGS, 0)
    for rating in ratings:
        if rating in spread:
            spread[rating] += 1
    return spread


@dataclass(frozen=True)
class Contradiction:
    item: str
    question: str
    yes: int
    answered: int


def contradictions(
    tallies: Mapping[str, Tally],
    verified_items: Iterable[str],
    questions: Questions,
    *,
    answered_at_last_check: Mapping[str, int] | None = None,
) -> list[Contradiction]:
    """Return the verified items whose patients' answers contradict them, one per item.

    A question contradicts its item when at least recheck_min_answers patients answered it and
    fewer than recheck_below of them said yes. After a moderator's re-check (the answers
    counted then, per item, in answered_at_last_check) an item is flagged again only once as
    many answers again have arrived.
    """
    limits = questions.thresholds
    verified = set(verified_items)
    last = answered_at_last_check or {}
    out: dict[str, Contradiction] = {}
    for question in questions.questions:
        count = tallies.get(question.key, Tally())
        if question.item not in verified or question.item in out:
            continue
        if count.answered < limits.recheck_min_answers:
            continue
        if question.item in last and count.answered < last[question.item] + (
            limits.recheck_min_answers
        ):
            continue
        if count.yes < limits.recheck_below * count.answered:
            out[question.item] = Contradiction(
                question.item, question.key, count.yes, count.answered
            )
    return list(out.values())
