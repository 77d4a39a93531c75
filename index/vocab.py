"""The treatment and concern vocabulary as the index receives it: plain data, compiled once.

The index never imports the application; the caller passes the vocabulary in this shape:

    {
      "treatments": {key: {"phrases": [str, ...], "words": [str, ...], "broader": key | None,
                           "label": str}},
      "concerns":   {key: {"phrases": [str, ...], "words": [str, ...], "treatments": [key, ...],
                           "label": str}},
      "general": [str, ...],
    }

(`{key: [phrase, ...]}` is accepted for either kind.) A treatment is found by its phrases and
by those of every treatment narrower than it; a concern is found by its phrases and stands
for the treatments that address it. Expansion happens at query time, so documents hold
treatment keys only. `words` are what patients say for a term ("botox" for mesobotox): they
find it too, and the search reports the mapping. `general` words ("clinic", "best") describe
every clinic: they order results but never exclude one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index import text


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """Return the stemmed words a phrase is matched by (punctuation splits words)."""
    return tuple(text.stem(p) for parts, _s, _e in text.compounds(phrase) for p in parts)


@dataclass(frozen=True)
class Concept:
    key: str
    kind: str  # "treatment" or "concern"
    label: str
    treatments: tuple[str, ...]  # treatment keys a document may hold to match it
    phrases: tuple[tuple[str, ...], ...]  # stemmed phrases matched in names and descriptions


@dataclass
class Vocab:
    concepts: dict[str, Concept] = field(default_factory=dict)  # "kind:key" -> Concept
    phrases: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)  # -> ids
    # Phrases that are patients' words for a concept (not its names) -> those concept ids.
    mapped: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    words: frozenset[str] = frozenset()  # unstemmed words of every phrase, for spelling
    names: frozenset[str] = frozenset()  # unstemmed words of keys and labels (spelling ties)
    labels: dict[str, str] = field(default_factory=dict)  # treatment key -> label
    general: frozenset[str] = frozenset()  # stems of the general words
    longest: int = 0

    def match(
        self, tokens: list[str], start: int, *, mapping: bool = True
    ) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
        """Return (length, concept ids, ids reached through patients' words) of the longest
        phrase at tokens[start:], or (0, (), ()). Without mapping, patients' words are words.
        """
        for length in range(min(self.longest, len(tokens) - start), 0, -1):
            phrase = tuple(tokens[start : start + length])
            ids = self.phrases.get(phrase)
            if not ids:
                continue
            mapped = self.mapped.get(phrase, ())
            if not mapping:
                ids = tuple(i for i in ids if i not in mapped)
                if not ids:
                    continue
                mapped = ()
            return length, ids, mapped
        return 0, (), ()


def _entries(raw) -> dict[str, dict]:
    out = {}
    for key, value in (raw or {}).items():
        if isinstance(value, dict):
            out[str(key)] = value
        else:
            out[str(key)] = {"phrases": list(value or ())}
    return out


def compile_vocabulary(raw: dict | None) -> Vocab:
    """Compile plain vocabulary data (shape above) for the query planner."""
    raw = raw or {}
    treatments = _entries(raw.get("treatments"))
    concerns = _entries(raw.get("concerns"))
    narrower: dict[str, list[str]] = {}
    for key, entry in treatments.items():
        if entry.get("broader"):
            narrower.setdefault(entry["broader"], []).append(key)

    def family(key: str) -> list[str]:
        out, todo = [], [key]
        while todo:
            current = todo.pop()
            if current not in out:
                out.append(current)
                todo.extend(narrower.get(current, ()))
        return out

    vocab = Vocab()
    words: set[str] = set()
    label_words: set[str] = set()
    sources = [("treatment", k, e, family(k)) for k, e in treatments.items()]
    for key, entry in concerns.items():
        keys = [member for t in entry.get("treatments") or () for member in family(t)]
        sources.append(("concern", key, entry, list(dict.fromkeys(keys))))
    for kind, key, entry, keys in sources:
        phrases = [key.replace("-", " "), entry.get("label") or "", *(entry.get("phrases") or ())]
        label_words.update(w for p in phrases[:2] for w, _s, _e in text.words(p))
        stemmed = []
        for phrase in phrases:
            tokens = phrase_tokens(phrase)
            if tokens and tokens not in stemmed:
                stemmed.append(tokens)
            words.update(w for w, _s, _e in text.words(phrase))
        concept_id = f"{kind}:{key}"
        own = set(stemmed)
        for phrase in entry.get("words") or ():
            tokens = phrase_tokens(phrase)
            if tokens and tokens not in own:
                ids = vocab.mapped.get(tokens, ())
                if concept_id not in ids:
                    vocab.mapped[tokens] = (*ids, concept_id)
                if tokens not in stemmed:
                    stemmed.append(tokens)
            words.update(w for w, _s, _e in text.words(phrase))
        vocab.concepts[concept_id] = Concept(
            key=key,
            kind=kind,
            label=entry.get("label") or key,
            treatments=tuple(keys),
            phrases=tuple(stemmed),
        )
        for tokens in stemmed:
            ids = vocab.phrases.get(tokens, ())
            if concept_id not in ids:
                vocab.phrases[tokens] = (*ids, concept_id)
            vocab.longest = max(vocab.longest, len(tokens))
        if kind == "treatment":
            vocab.labels[key] = entry.get("label") or key
    # A phrase that is a name of some concept and a patient's word for another stays a name
    # of the first only; the mapping is reported for the second.
    vocab.words = frozenset(words)
    vocab.names = frozenset(label_words)
    vocab.general = frozenset(
        t for phrase in raw.get("general") or () for t in phrase_tokens(phrase)
    )
    return vocab
