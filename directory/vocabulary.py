"""The treatment and concern vocabulary, loaded from its versioned data file."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources

VOCABULARY_FILE = "vocabulary-v1.toml"


@dataclass(frozen=True)
class Term:
    key: str
    kind: str  # "treatment" or "concern"
    labels: dict[str, str]
    synonyms: tuple[str, ...]
    description: str = ""
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> words
    gloss: dict[str, str] = field(default_factory=dict)  # language -> a few words on what it is
    broader: str | None = None
    treatments: tuple[str, ...] = ()  # for concerns: the treatments that address it
    prescription_only: bool = False

    @property
    def label(self) -> str:
        return self.labels.get("en", self.key)

    def label_in(self, language: str) -> str:
        """Return the label in this language, else in English."""
        return self.labels.get(language) or self.label

    def gloss_in(self, language: str) -> str:
        """Return the short explanation in this language, else in English ("" if none)."""
        return self.gloss.get(language) or self.gloss.get("en", "")

    @property
    def patient_words(self) -> list[str]:
        """Return what patients say for it, every language, once each."""
        return list(dict.fromkeys(w for words in self.words.values() for w in words))


@dataclass(frozen=True)
class Vocabulary:
    version: int
    treatments: dict[str, Term]
    concerns: dict[str, Term]
    languages: dict[str, str] = field(default_factory=dict)
    general: tuple[str, ...] = ()  # words that describe every clinic ("clinic", "best")

    def treatment_label(self, key: str) -> str:
        term = self.treatments.get(key)
        return term.label if term else key

    def term(self, kind: str, key: str) -> Term | None:
        """Return the treatment or concern of this key."""
        return (self.treatments if kind == "treatment" else self.concerns).get(key)

    def language_name(self, code: str) -> str:
        return self.languages.get(code, code)

    def concerns_for(self, treatment_keys) -> list[Term]:
        """Return the concerns any of these treatments addresses."""
        wanted = set(treatment_keys)
        return [c for c in self.concerns.values() if wanted.intersection(c.treatments)]

    def synonym_groups(self) -> dict[str, list[str]]:
        """Map each term key to every phrase that names it (labels and synonyms)."""
        groups: dict[str, list[str]] = {}
        for term in (*self.treatments.values(), *self.concerns.values()):
            phrases = [term.key.replace("-", " "), *term.labels.values(), *term.synonyms]
            seen: list[str] = []
            for phrase in phrases:
                if phrase and phrase.lower() not in (p.lower() for p in seen):
                    seen.append(phrase)
            groups[term.key] = seen
        return groups


def _term(key: str, kind: str, raw: dict) -> Term:
    return Term(
        key=key,
        kind=kind,
        labels=dict(raw.get("labels", {})),
        synonyms=tuple(raw.get("synonyms", ())),
        description=raw.get("description", ""),
        words={lang: tuple(words) for lang, words in raw.get("words", {}).items()},
        gloss=dict(raw.get("gloss", {})),
        broader=raw.get("broader"),
        treatments=tuple(raw.get("treatments", ())),
        prescription_only=bool(raw.get("prescription_only", False)),
    )


def parse_vocabulary(text: str) -> Vocabulary:
    """Parse vocabulary TOML text into a Vocabulary, checking its references."""
    raw = tomllib.loads(text)
    treatments = {k: _term(k, "treatment", v) for k, v in raw.get("treatments", {}).items()}
    concerns = {k: _term(k, "concern", v) for k, v in raw.get("concerns", {}).items()}
    for concern in concerns.values():
        unknown = set(concern.treatments) - set(treatments)
        if unknown:
            raise ValueError(f"concern {concern.key} names unknown treatments {sorted(unknown)}")
    for term in treatments.values():
        if term.broader and term.broader not in treatments:
            raise ValueError(f"treatment {term.key} has unknown broader term {term.broader}")
    return Vocabulary(
        version=int(raw["version"]),
        treatments=treatments,
        concerns=concerns,
        languages=dict(raw.get("languages", {})),
        general=tuple(raw.get("general", {}).get("words", ())),
    )


@functools.cache
def load_vocabulary() -> Vocabulary:
    """Return the packaged vocabulary (read once per process)."""
    text = (
        resources.files("directory").joinpath("data").joinpath(VOCABULARY_FILE).read_text("utf-8")
    )
    return parse_vocabulary(text)
