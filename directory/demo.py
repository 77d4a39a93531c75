"""Deterministic demo directory: realistic clinics in eleven countries, from a seed.

One `random.Random(seed)` is walked in a fixed order, so the same seed always gives the same
clinics and `generate_profiles(n)` is the first n of `generate_profiles(n + k)`. Dates come
from the seed and BASE_DATE, never from the clock. Places, names and sentences are
hand-written data in directory/data/demo/ (each file explains itself at the top).
"""

from __future__ import annotations

import functools
import math
import random
import re
import tomllib
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from itertools import accumulate

from directory.vocabulary import Vocabulary, load_vocabulary

BASE_DATE = date(2026, 1, 1)
DATA_FILES = ("places", "people", "clinics", "text")
DOCTOR_ROLES = ("dermatologist", "plastic-surgeon", "physician")
ROLE_GROUPS = {
    "dermatologist": "doctor",
    "plastic-surgeon": "doctor",
    "physician": "doctor",
    "nurse": "nurse",
    "pharmacist": "pharmacist",
    "aesthetician": "aesthetician",
}
# Every hundred clinics: two unpublished and one suspended, so even a small demo has some
# and tests can prove they never appear in public lists or search.
UNPUBLISHED_SLOTS = (17, 67)
SUSPENDED_SLOTS = (42,)
# A practitioner's naming tradition suggests a language the clinic may add.
CULTURE_LANGUAGES = {
    "russian": "ru",
    "persian": "fa",
    "filipino": "tl",
    "indian": "hi",
    "pakistani": "ur",
    "levant": "ar",
    "emirati": "ar",
    "saudi": "ar",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "german": "de",
    "turkish": "tr",
    "brazilian": "pt",
    "chinese": "zh",
}
EMAIL_NAMES = {
    "FR": ["contact", "secretariat", "rdv"],
    "ES": ["info", "citas", "recepcion"],
    "BR": ["contato", "agendamento", "atendimento"],
    "TR": ["info", "randevu", "iletisim"],
    "DE": ["info", "praxis", "termine"],
    "IT": ["info", "segreteria", "prenotazioni"],
}
DEFAULT_EMAIL_NAMES = ["info", "hello", "contact", "bookings", "reception", "appointments"]
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
MIN_WORDS, MAX_WORDS = 60, 200
ARABIC = re.compile("[\u0600-\u06ff]")
_FOLD = str.maketrans({"ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "'": "", "’": ""})


def generate_profiles(count: int = 400, seed: int = 2026) -> list[dict]:
    """Return `count` demo clinic profiles (ids demo-00001...), the same for the same seed."""
    if count < 0:
        raise ValueError("count must not be negative")
    maker = _Maker(random.Random(seed), _tables())
    return [maker.profile(number) for number in range(1, count + 1)]


# --- data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Weighted:
    """Items with cumulative weights, for fast `Random.choices`."""

    items: tuple
    cum: tuple

    @classmethod
    def of(cls, table: dict) -> _Weighted:
        return cls(tuple(table), tuple(accumulate(table.values())))

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]


FIRST_ROLES = _Weighted.of({"dermatologist": 35, "plastic-surgeon": 20, "physician": 45})
OTHER_ROLES = _Weighted.of(
    {"nurse": 30, "aesthetician": 25, "physician": 15, "dermatologist": 12,
     "plastic-surgeon": 8, "pharmacist": 5}
)  # fmt: skip
TEAM_SIZES = _Weighted.of({1: 20, 2: 30, 3: 25, 4: 15, 5: 10})
TREATMENT_COUNTS = _Weighted.of({2: 25, 3: 30, 4: 22, 5: 13, 6: 10})


@dataclass(frozen=True)
class _Tables:
    countries: list[dict]
    country_weights: _Weighted
    city_arabic: dict[str, str]
    people: dict
    styles: dict
    chains_by_city: dict[str, list[dict]]
    focus: _Weighted
    focus_treatments: dict[str, dict[str, float]]
    prices: dict
    text: dict
    vocabulary: Vocabulary


@functools.cache
def _tables() -> _Tables:
    """Load the demo data files once, checking them against the vocabulary."""
    folder = resources.files("directory").joinpath("data").joinpath("demo")
    raw = {n: tomllib.loads(folder.joinpath(f"{n}.toml").read_text("utf-8")) for n in DATA_FILES}
    vocabulary = load_vocabulary()
    countries = raw["places"]["countries"]
    for country in countries:
        country["_cities"] = _Weighted.of({i: c["weight"] for i, c in enumerate(country["cities"])})
        country["_cultures"] = _Weighted.of(country["cultures"])
        country["_styles"] = _Weighted.of(country["name_styles"])
        country["_description"] = _Weighted.of(country.get("description", {"en": 1}))
        unknown = set(country["languages"]) - set(vocabulary.languages)
        if unknown:
            raise ValueError(f"demo country {country['code']} speaks unknown {sorted(unknown)}")
    clinics = raw["clinics"]
    chains_by_city: dict[str, list[dict]] = {}
    for chain in clinics["chains"]:
        for city in chain["cities"]:
            chains_by_city.setdefault(city, []).append(chain)
    for key, spec in clinics["focus"].items():
        unknown = set(spec["treatments"]) - set(vocabulary.treatments)
        if unknown:
            raise ValueError(f"demo focus {key} names unknown treatments {sorted(unknown)}")
    return _Tables(
        countries=countries,
        country_weights=_Weighted.of({i: c["weight"] for i, c in enumerate(countries)}),
        city_arabic={c["name"]: c["ar"] for k in countries for c in k["cities"] if "ar" in c},
        people=raw["people"],
        styles=clinics["styles"],
        chains_by_city=chains_by_city,
        focus=_Weighted.of({k: v["weight"] for k, v in clinics["focus"].items()}),
        focus_treatments={k: v["treatments"] for k, v in clinics["focus"].items()},
        prices=clinics["prices"],
        text=raw["text"],
        vocabulary=vocabulary,
    )


# --- small helpers ----------------------------------------------------------------------


def _pick(rng: random.Random, items):
    """Return one item (Random.choice, at a fraction of its cost)."""
    return items[int(rng.random() * len(items))]


def _between(rng: random.Random, low: int, high: int) -> int:
    """Return an integer from low to high inclusive (Random.randint, cheaper)."""
    return low + int(rng.random() * (high - low + 1))


@functools.cache
def _compile(pattern: str) -> tuple[tuple[str, int, str], ...]:
    """Split a pattern into runs: (kind, length, text), kind one of # % @ or "" (literal)."""
    runs = re.finditer(r"#+|%+|@+|[^#%@]+", pattern)
    return tuple((m[0][0] if m[0][0] in "#%@" else "", len(m[0]), m[0]) for m in runs)


def _fill(rng: random.Random, pattern: str) -> str:
    """Expand a pattern: # any digit, % a digit 1-9, @ a capital letter."""
    out = []
    for kind, size, text in _compile(pattern):
        if kind == "#":
            out.append(f"{int(rng.random() * 10**size):0{size}d}")
        elif kind == "%":
            out.extend(str(1 + int(rng.random() * 9)) for _ in range(size))
        elif kind == "@":
            out.extend(_pick(rng, POSTCODE_LETTERS) for _ in range(size))
        else:
            out.append(text)
    return "".join(out)


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", folded.decode().lower()).strip("-")


def _nice(amount: float) -> float:
    """Round a price the way clinics write them (45, 180, 1250, 7500)."""
    step = 5 if amount < 100 else 10 if amount < 1000 else 50 if amount < 10_000 else 500
    return float(max(step, round(amount / step) * step))


def _join(items: list[str], and_word: str) -> str:
    """Join a list as prose: "a, b and c" (the Arabic "و" attaches to the last item)."""
    sep = "، " if and_word == " و" else ", "
    if len(items) < 2:
        return "".join(items)
    return sep.join(items[:-1]) + and_word + items[-1]


def _npi(rng: random.Random) -> str:
    """Return a US National Provider Identifier with a valid Luhn check digit."""
    body = "1" + "".join(_pick(rng, "0123456789") for _ in range(8))
    total = 24  # what the "80840" prefix adds to the Luhn sum of every NPI
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def _status(number: int) -> str:
    slot = number % 100
    if slot in UNPUBLISHED_SLOTS:
        return "unpublished"
    return "suspended" if slot in SUSPENDED_SLOTS else "published"


def _words(sentence: str | None) -> int:
    return len(sentence.split()) if sentence else 0


# --- the generator ----------------------------------------------------------------------


class _Maker:
    """Make profiles one after another from one random stream."""

    def __init__(self, rng: random.Random, tables: _Tables):
        self.rng = rng
        self.t = tables
        self.names: set[tuple[str, str]] = set()  # (name, city): names are unique in a city
        self.domains: set[str] = set()

    def profile(self, number: int) -> dict:
        rng, t = self.rng, self.t
        if number <= len(t.countries):
            # The first clinics visit each country's main city in turn, so every demo of a
            # dozen clinics or more covers all countries.
            country = t.countries[number - 1]
            city = country["cities"][0]
        else:
            country = t.countries[t.country_weights.pick(rng)]
            city = country["cities"][country["_cities"].pick(rng)]
        district = _pick(rng, city["districts"])
        chain = self._chain(city)
        name, brand, domain, path = self._name(country, city, district, chain)
        address, street = self._address(country, city, district)
        practitioners, cultures = self._team(country, city)
        treatments = self._treatments(country)
        self._ensure_prescriber(country, city, treatments, practitioners)
        profile = {
            "id": f"demo-{number:05d}",
            "name": name,
            "brand": brand,
            "description": None,
            "address": address,
            "location": self._location(district),
            "contact": self._contact(country, city, district, domain, path),
            "opening_hours": _pick(rng, country["hours"]),
            "external_ids": self._external_ids(country),
            "languages": self._languages(country, city, cultures),
            "treatments": treatments,
            "practitioners": practitioners,
            "status": _status(number),
        }
        place = {"country": country, "city": city, "district": district, "street": street}
        profile["description"] = self._describe(profile, place, chain)
        return profile

    # -- identity

    def _chain(self, city: dict) -> dict | None:
        chains = self.t.chains_by_city.get(city["name"])
        if chains and self.rng.random() < 0.15:
            return _pick(self.rng, chains)
        return None

    def _name(self, country, city, district, chain) -> tuple[str, str | None, str, str]:
        """Return name, brand, web domain and web path (set for chain branches only)."""
        if chain is not None:
            if chain.get("arabic"):
                name = f"{chain['brand']} - {district.get('ar', district['name'])}"
            else:
                name = f"{chain['brand']} {district['name']}"
            if (name, city["name"]) not in self.names:
                self.names.add((name, city["name"]))
                path = f"{_slug(city['name'])}-{_slug(district['name'])}"
                return name, chain["brand"], chain["slug"], path
        # Popular names run out in big demos: retry, then add the district, then a number.
        for attempt in range(8):
            name, slug = self._independent_name(country, city, district)
            if attempt >= 4:
                arabic = ARABIC.search(name)
                name = (
                    f"{name} - {district.get('ar', district['name'])}"
                    if arabic
                    else f"{name} {district['name']}"
                )
                slug = slug and f"{slug}-{_slug(district['name'])}"
            if (name, city["name"]) not in self.names:
                break
        else:
            base, counter = name, 2
            while (name, city["name"]) in self.names:
                name, counter = f"{base} {counter}", counter + 1
            slug = f"{slug or _slug(base)}-{counter - 1}"
        self.names.add((name, city["name"]))
        slug = slug or _slug(name)
        domain, counter = slug, 2
        if domain in self.domains:
            domain = f"{slug}-{_slug(city['name'])}"
        while domain in self.domains:
            domain, counter = f"{slug}-{_slug(city['name'])}-{counter}", counter + 1
        self.domains.add(domain)
        return name, None, domain, ""

    def _independent_name(self, country, city, district) -> tuple[str, str | None]:
        """Return a name and, for Arabic names only, its Latin web slug."""
        rng = self.rng
        style_key = country["_styles"].pick(rng)
        style = self.t.styles[style_key]
        if style_key == "ar":
            pattern, word = _pick(rng, style["patterns"]), _pick(rng, style["words"])
            name = pattern["name"].format(word=word["ar"])
            return name, pattern["slug"].format(word=word["latin"])
        culture = self.t.people[country["_cultures"].pick(rng)]
        name = _pick(rng, style["patterns"]).format(
            word=_pick(rng, style["words"]),
            surname=_pick(rng, culture["surnames"]),
            district=district["name"],
            city=city["name"],
            place=_pick(rng, style.get("places", [""])),
        )
        return name, None

    # -- where it is and how to reach it

    def _address(self, country, city, district) -> tuple[dict, str]:
        rng = self.rng
        street = _pick(rng, district["streets"])
        values = {
            "n": _between(rng, *country["house_numbers"]),
            "street": street,
            "district": district["name"],
            "unit": _fill(rng, _pick(rng, country.get("units", [""]))),
            "building": _fill(rng, _pick(rng, country.get("buildings", [""]))),
        }
        lines = [_fill(rng, line).format(**values) for line in _pick(rng, country["address"])]
        postcodes = district.get("postcodes")
        address = {
            "lines": lines,
            "city": district.get("city", city["name"]),
            "region": district.get("region", city.get("region")),
            "postcode": _fill(rng, _pick(rng, postcodes)) if postcodes else None,
            "country": country["code"],
        }
        return address, street

    def _location(self, district) -> dict:
        # Uniform over a disc of radius_km around the neighbourhood centre.
        rng = self.rng
        radius = district.get("radius_km", 0.8) * math.sqrt(rng.random())
        angle = rng.random() * 2 * math.pi
        lat = district["lat"] + radius * math.cos(angle) / 111.32
        lon = district["lon"] + radius * math.sin(angle) / (
            111.32 * math.cos(math.radians(district["lat"]))
        )
        return {"lat": round(lat, 6), "lon": round(lon, 6)}

    def _contact(self, country, city, district, domain, path) -> dict:
        rng = self.rng
        phone = _fill(rng, _pick(rng, district.get("phones", city["phones"])))
        if path:  # a chain branch: the chain's domain, a page and a mailbox per branch
            website = f"https://www.{domain}.example/clinics/{path}"
            email = f"{path}@{domain}.example"
        else:
            website = f"https://www.{domain}.example" if rng.random() < 0.88 else None
            local = _pick(rng, EMAIL_NAMES.get(country["code"], DEFAULT_EMAIL_NAMES))
            email = f"{local}@{domain}.example" if rng.random() < 0.93 else None
        return {"phone": phone, "email": email, "website": website}

    def _external_ids(self, country) -> dict:
        rng = self.rng
        ids = {}
        for key, pattern in country.get("external", {}).items():
            if rng.random() < 0.45:
                ids[key] = _npi(rng) if pattern == "npi" else _fill(rng, pattern)
        return ids

    def _languages(self, country, city, cultures) -> list[str]:
        # Sorted, as storage returns them, so loading the demo twice changes nothing.
        rng = self.rng
        codes = set(country["languages"])
        extras = {**country.get("extra_languages", {}), **city.get("regional_languages", {})}
        codes.update(code for code, share in extras.items() if rng.random() < share)
        for culture in cultures:
            code = CULTURE_LANGUAGES.get(culture)
            if code and rng.random() < 0.5:
                codes.add(code)
        return sorted(code for code in codes if code in self.t.vocabulary.languages)

    # -- what it offers and who works there

    def _treatments(self, country) -> list[dict]:
        rng, t = self.rng, self.t
        table = dict(t.focus_treatments[t.focus.pick(rng)])
        wanted = TREATMENT_COUNTS.pick(rng)
        keys: list[str] = []
        while len(keys) < wanted and table:
            key = _Weighted.of(table).pick(rng)
            keys.append(key)
            del table[key]
        priced = rng.random() < 0.88  # some clinics publish no prices at all
        level = rng.uniform(0.8, 1.35) * country["price_factor"]
        out = []
        for key in sorted(keys):  # storage order, so a reload is "unchanged"
            if priced and rng.random() < 0.88:
                price_from = _nice(t.prices[key][0] * level * rng.uniform(0.9, 1.1))
                price_to = _nice(price_from * rng.uniform(1.3, 2.0)) if rng.random() < 0.6 else None
                currency = country["currency"]
            else:
                price_from = price_to = currency = None
            out.append(
                {"key": key, "price_from": price_from, "price_to": price_to, "currency": currency}
            )
        return out

    def _team(self, country, city) -> tuple[list[dict], list[str]]:
        rng = self.rng
        size = TEAM_SIZES.pick(rng)
        roll = rng.random()
        if roll < 0.85:
            roles = [FIRST_ROLES.pick(rng)]
        else:  # nurse-led and therapist-led clinics exist too
            roles = ["nurse" if roll < 0.95 else "aesthetician"]
        roles += [OTHER_ROLES.pick(rng) for _ in range(size - 1)]
        cultures = [country["_cultures"].pick(rng) for _ in roles]
        pairs = zip(roles, cultures, strict=True)
        people = [self._practitioner(country, city, role, culture) for role, culture in pairs]
        return people, cultures

    def _practitioner(self, country, city, role, culture_key) -> dict:
        rng = self.rng
        culture = self.t.people[culture_key]
        female = rng.random() < (0.85 if role in ("nurse", "aesthetician") else 0.6)
        given = _pick(rng, culture["female"] if female else culture["male"])
        surnames = rng.sample(culture["surnames"], _between(rng, 1, culture.get("surnames_max", 1)))
        if female and culture.get("female_suffix"):
            surnames = [s + culture["female_suffix"] for s in surnames]
        is_doctor = role in DOCTOR_ROLES
        titles = country.get("titles", {})
        title = (
            (female and titles.get(f"{role}_f"))
            or titles.get(role)
            or (is_doctor and female and titles.get("doctor_f"))
            or (is_doctor and titles.get("doctor"))
            or "{name}"
        )
        group = ROLE_GROUPS[role]
        spec = city.get("licences", {}).get(group) or country.get("licences", {}).get(group) or {}
        number = authority = expiry = None
        if spec.get("number") and rng.random() >= spec.get("missing", 0):
            number, authority = _fill(rng, spec["number"]), spec["authority"]
            # About one licence in eight lapsed in the year before BASE_DATE; the rest run one
            # to six years past it, so the demo (its vetting dated from today, and never
            # verified over a lapsed licence) stays realistic for years.
            days = _between(rng, -365, -1) if rng.random() < 0.12 else _between(rng, 365, 2190)
            expiry = (BASE_DATE + timedelta(days=days)).isoformat()
        return {
            "name": title.format(name=" ".join([given, *surnames])),
            "role": role,
            "licence_number": number,
            "licence_authority": authority,
            "licence_expiry": expiry,
            "prescriber": is_doctor or bool(number and rng.random() < spec.get("prescriber", 0)),
        }

    def _ensure_prescriber(self, country, city, treatments, practitioners) -> None:
        """Give most clinics offering a prescription-only treatment a prescriber; not all."""
        rng, vocabulary = self.rng, self.t.vocabulary
        needs = any(vocabulary.treatments[t["key"]].prescription_only for t in treatments)
        if not needs or any(p["prescriber"] for p in practitioners) or rng.random() < 0.15:
            return
        doctor = self._practitioner(country, city, "physician", country["_cultures"].pick(rng))
        if len(practitioners) >= 5:
            practitioners.pop()
        practitioners.insert(0, doctor)

    # -- the description

    def _describe(self, profile: dict, place: dict, chain: dict | None) -> str:
        """Compose 60-200 words that read like the clinic's own page, in its language."""
        rng, t = self.rng, self.t
        country, city, district = place["country"], place["city"], place["district"]
        lang = country["_description"].pick(rng)
        if ARABIC.search(profile["name"]) and rng.random() < 0.8:
            lang = "ar"
        text = t.text[lang]
        keys = [tr["key"] for tr in profile["treatments"]]
        rng.shuffle(keys)
        labels = [self._label(t.vocabulary.treatments[k].labels, lang) for k in keys]
        concerns = t.vocabulary.concerns_for(keys)
        concerns = rng.sample(concerns, min(len(concerns), 3))
        concern_names = text.get("concern_names", {})
        # The description's language first, then the country's, then the rest.
        spoken = sorted(
            profile["languages"],
            key=lambda c: (c != lang, c not in country["languages"], c),
        )
        doctors = [p for p in profile["practitioners"] if p["role"] in DOCTOR_ROLES]
        lead = doctors[0] if doctors else None
        lead_role = text.get("lead_role", {}).get(lead["role"], "") if lead else ""
        arabic = lang == "ar"
        ctx = {
            "name": profile["name"],
            "brand": chain["brand"] if chain else "",
            "brand_cities": _join(
                [
                    t.city_arabic.get(c, c) if arabic else c
                    for c in (chain["cities"] if chain else [])
                    if c != city["name"]
                ],
                text["and"],
            ),
            "district": district.get("ar", district["name"]) if arabic else district["name"],
            "city": city.get("ar", city["name"]) if arabic else profile["address"]["city"],
            "street": place["street"],
            "address": profile["address"]["lines"][0],
            "year": BASE_DATE.year - _between(rng, 1, 24),
            "treatments": _join(labels, text["and"]),
            "first": labels[0],
            "First": labels[0][0].upper() + labels[0][1:],
            "others": _join(labels[1:], text["and"]),
            "concerns": _join(
                [concern_names.get(c.key) or self._label(c.labels, lang) for c in concerns],
                text["and"],
            ),
            "lead": lead["name"] if lead else "",
            "lead_role": lead_role,
            "a_lead_role": ("an " if lead_role[:1] in "aeiou" else "a ") + lead_role,
            "years": _between(rng, 6, 25),
            "team": self._team_phrase(profile["practitioners"], text),
            "languages": _join(
                [
                    text.get("language_names", {}).get(c) or t.vocabulary.language_name(c)
                    for c in spoken
                ],
                text["and"],
            ),
            "consult_price": self._fee(country, lang),
        }

        def say(group: str) -> str:
            return _pick(rng, text[group]).format(**ctx)

        opening = [say("branch") if chain else say("intro")]
        if lead and text["lead"] and rng.random() < 0.6:
            opening.append(say("lead"))
        offer = [say("treatments")]
        snippets = [_pick(rng, text["treatment"][k]) for k in keys]
        concern = [say("concerns")] if concerns else []
        solo = len(profile["practitioners"]) == 1
        closing = [say("solo" if solo else "team"), say("consultation")]
        extras = {
            "aftercare": say("aftercare") if rng.random() < 0.75 else None,
            "languages": say("languages") if rng.random() < 0.85 else None,
            "practical": say("practical") if rng.random() < 0.5 else None,
        }
        shown = 1 if len(snippets) < 3 or rng.random() < 0.5 else 2

        # Grow or trim until the page is as long as a real clinic's (60-200 words).
        fixed = sum(_words(x) for x in (*opening, *offer, *concern, *closing))
        snippet_words = [_words(x) for x in snippets]
        extra_words = {k: _words(v) for k, v in extras.items()}

        def total() -> int:
            return fixed + sum(snippet_words[:shown]) + sum(extra_words.values())

        while total() < MIN_WORDS:
            absent = [k for k, v in extras.items() if v is None]
            if shown < len(snippets):
                shown += 1
            elif absent:
                extras[absent[0]] = say(absent[0])
                extra_words[absent[0]] = _words(extras[absent[0]])
            else:
                break
        for key in ("practical", "aftercare", "languages"):
            if total() <= MAX_WORDS:
                break
            extras[key], extra_words[key] = None, 0
        while total() > MAX_WORDS and shown > 1:
            shown -= 1
        paragraphs = [
            opening,
            [*offer, *snippets[:shown], *concern],
            [*closing, *(x for x in extras.values() if x)],
        ]
        return "\n\n".join(" ".join(p) for p in paragraphs)

    def _fee(self, country: dict, lang: str) -> str:
        low, high = self.t.prices["consultation"]
        fee = _nice(self.rng.uniform(low, high) * country["price_factor"])
        currency = country["currency"]
        if lang == "fr":
            return f"{fee:g} €" if currency == "EUR" else f"{fee:g} {currency}"
        return f"{currency} {fee:g}"

    @staticmethod
    def _label(labels: dict, lang: str) -> str:
        label = labels.get(lang) or labels["en"]
        return label if lang == "ar" else label[0].lower() + label[1:]

    @staticmethod
    def _team_phrase(practitioners: list[dict], text: dict) -> str:
        counts: dict[str, int] = {}
        for p in practitioners:
            counts[p["role"]] = counts.get(p["role"], 0) + 1
        numbers = text.get("numbers")
        parts = []
        for role in ROLE_GROUPS:  # most senior first
            n = counts.get(role)
            if not n:
                continue
            one, several = text["roles"][role]
            if numbers:
                parts.append(one if n == 1 else several.format(n=numbers[n - 1]))
            else:  # Arabic: no counting, the plural whenever there is a team
                parts.append(one if len(practitioners) == 1 else several)
        return _join(parts, text["and"])
