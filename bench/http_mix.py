"""The search requests bench/http_bench.py sends: query strings patients would type.

Drawn from the demo directory's own data (the first clinics of `vetted demo`, which are the
same for the same seed at any count), the vocabulary and a few place names, so every size of
demo answers them. Deterministic for a seed; every line is distinct.

    from bench.http_mix import search_queries
    search_queries(5000, seed=1)  # ["q=botox+london", "q=&country=GB&treatment=...", ...]
"""

from __future__ import annotations

import random
from urllib.parse import urlencode

from directory.demo import SUSPENDED_SLOTS, UNPUBLISHED_SLOTS, generate_profiles
from directory.vetting.checklist import load_checklist
from directory.vocabulary import load_vocabulary

SAMPLE_CLINICS = 3000  # the first demo clinics the mix reads names and places from
EXTRA_PLACES = ("Paris", "Londres", "دبي", "Madrid", "Istanbul", "New York", "Toronto")
TYPO_WORDS = ("mesotherapy", "microneedling", "dermatologist", "aesthetic", "clinic")


def _typo(word: str, rng: random.Random) -> str:
    i = 1 + int(rng.random() * (len(word) - 2))
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + "x" + word[i + 1 :]


class _Material:
    """What queries are made of: phrases, name words, places, filter values."""

    def __init__(self, seed: int):
        vocabulary = load_vocabulary()
        clinics = generate_profiles(count=SAMPLE_CLINICS, seed=seed)
        self.phrases = sorted(
            {
                phrase
                for term in (*vocabulary.treatments.values(), *vocabulary.concerns.values())
                for phrase in (term.label, *term.synonyms[:3], *term.patient_words[:4])
                if phrase
            }
        )
        self.treatments = sorted(vocabulary.treatments)
        self.languages = sorted({lang for c in clinics for lang in c["languages"]})
        self.verified = [item.key for item in load_checklist().items]
        self.names = sorted(
            {w for c in clinics for w in c["name"].split() if len(w) > 3 and w.isalpha()}
        )
        self.cities = sorted(
            {(c["address"]["city"], c["address"]["country"]) for c in clinics}, key=str
        )
        self.located = [c["location"] for c in clinics if c.get("location")]
        self.places = sorted({city for city, _ in self.cities}) + list(EXTRA_PLACES)


def _one(m: _Material, rng: random.Random) -> list[tuple[str, str]]:
    """Return one request's arguments."""
    pick = rng.choice
    kind = rng.random()
    args: list[tuple[str, str]] = []
    if kind < 0.30:  # what they want, often where
        q = pick(m.phrases)
        if rng.random() < 0.5:
            q += " " + pick(["", "in "]) + pick(m.places)
        args.append(("q", q))
    elif kind < 0.45:  # a clinic's name
        args.append(("q", " ".join(rng.sample(m.names, 1 + (rng.random() < 0.4)))))
    elif kind < 0.53:  # a typo
        args.append(("q", _typo(pick([*TYPO_WORDS, *m.names[:200]]), rng)))
    elif kind < 0.70:  # filters from the panel
        city, country = pick(m.cities)
        args.append(("q", pick(["", "", pick(m.phrases), pick(m.names)])))
        args.append(("country", country))
        if rng.random() < 0.5:
            args.append(("city", city))
        if rng.random() < 0.5:
            args.append(("treatment", pick(m.treatments)))
        if rng.random() < 0.3:
            args.append(("language", pick(m.languages)))
        if rng.random() < 0.2:
            args.append(("verified", pick(m.verified)))
        if rng.random() < 0.2:
            args.append(("core_verified", "true"))
    elif kind < 0.85:  # near a place, by name
        args.append(("q", pick(["", pick(m.phrases)])))
        args.append(("near", pick(m.places)))
        if rng.random() < 0.5:
            args.append(("radius_km", pick(["5", "10", "25", "50"])))
        if rng.random() < 0.5:
            args.append(("sort", "distance"))
    elif kind < 0.92:  # near the browser's position
        where = pick(m.located)
        lat = where["lat"] + rng.uniform(-0.05, 0.05)
        lon = where["lon"] + rng.uniform(-0.05, 0.05)
        args.append(("q", pick(["", pick(m.phrases)])))
        args.append(("near", f"{lat:.4f},{lon:.4f}"))
        args.append(("radius_km", pick(["5", "10", "25"])))
        args.append(("sort", "distance"))
    elif kind < 0.97:  # the best vetted
        args.append(("q", pick(["", pick(m.phrases)])))
        args.append(("sort", "score"))
        if rng.random() < 0.5:
            args.append(("min_score", pick(["50", "70", "80"])))
    else:  # browsing everything
        args.append(("q", ""))
        if rng.random() < 0.5:
            args.append(("core_verified", "true"))
    page = rng.random()
    if page > 0.95:
        args.append(("page", str(3 + int(rng.random() * 3))))
    elif page > 0.85:
        args.append(("page", "2"))
    return args


def search_queries(count: int, seed: int = 1) -> list[str]:
    """Return count distinct query strings for /search and /api/v1/clinics."""
    rng = random.Random(seed)
    material = _Material(2026)
    out: dict[str, None] = {}
    tries = 0
    while len(out) < count and tries < count * 50:
        tries += 1
        out.setdefault(urlencode(_one(material, rng)), None)
    return list(out)


def clinic_ids(count: int) -> list[str]:
    """Return the ids of the published clinics among the first count of the demo."""
    return [
        f"demo-{n:05d}"
        for n in range(1, count + 1)
        if n % 100 not in (*UNPUBLISHED_SLOTS, *SUSPENDED_SLOTS)
    ]
