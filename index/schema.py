"""The index schema: one FIELDS table, the analyzers, and document -> Whoosh field values.

Adding a field (say a checklist key list the vetting work fills in) is one row in FIELDS:
to_document copies it from the clinic when `copy` is set, the schema indexes it by its kind,
and a row with `request` becomes a filter on that SearchRequest attribute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from whoosh import columns, fields, formats
from whoosh.analysis import Token, Tokenizer

from index import text

# Kinds of field, and what the index does with each.
KEY = "key"  # the unique clinic id (stored)
STORED = "stored"  # kept for reading back, not searchable
NAME = "name"  # words, punctuation-joined ("sk:n" -> sk, n, skn), stemmed; searchable
PLACE = "place"  # like NAME, for city, region and postcode
TEXT = "text"  # long text: words, stemmed, no positions (smaller index); stored for snippets
CODE = "code"  # one exact value (filter and facet)
TAGS = "tags"  # several exact values (filter and facet)
FLAG = "flag"  # a boolean filter: indexed only when true
NUMBER = "number"  # a float per document in a column (sort, range filter, distance)


@dataclass(frozen=True)
class IndexField:
    name: str
    kind: str
    copy: bool = False  # to_document copies clinic[name] as it is
    request: str | None = None  # the SearchRequest attribute that filters on this field
    match: str = "any"  # a document must have "any" or "all" of the requested values


FIELDS: tuple[IndexField, ...] = (
    IndexField("id", KEY),
    IndexField("version", STORED),
    IndexField("name", NAME),  # name and brand
    IndexField("treatments", TAGS, request="treatment"),  # vocabulary keys
    IndexField("city", PLACE),
    IndexField("city_facet", CODE, request="city"),  # derived from city: "folded\tDisplay"
    IndexField("region", PLACE),
    IndexField("postcode", PLACE),
    IndexField("country", CODE, request="country"),
    IndexField("languages", TAGS, request="language"),
    IndexField("description", TEXT),
    IndexField("lat", NUMBER),
    IndexField("lon", NUMBER),
    IndexField("score", NUMBER),
    IndexField("core_verified", FLAG, request="core_verified"),
    IndexField("verified_items", TAGS, copy=True, request="verified", match="all"),
    IndexField("experiences", NUMBER),  # verified patient experiences published (a sort)
    IndexField("with_experiences", FLAG, request="with_experiences"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
FILTER_FIELDS = tuple(f for f in FIELDS if f.request)
# The facet names of the API (index.types.FACET_FIELDS) and the fields that hold them.
FACET_SOURCES = {
    "country": "country",
    "city": "city_facet",
    "treatment": "treatments",
    "language": "languages",
}
SPELL_FIELD = "spell"  # unstemmed words of names and places, for "did you mean"
SEARCHABLE = tuple(f.name for f in FIELDS if f.kind in (NAME, PLACE, TEXT))
SPELLED = tuple(f.name for f in FIELDS if f.kind in (NAME, PLACE))
FLAG_TRUE = "1"


class WordTokenizer(Tokenizer):
    """Fold, split and stem text the way index.text does, as a Whoosh analyzer."""

    is_morph = True

    def __init__(self, join: bool = False, stemmed: bool = True):
        self.join = join
        self.stemmed = stemmed

    def __eq__(self, other):
        return (
            other.__class__ is self.__class__
            and other.join == self.join
            and other.stemmed == self.stemmed
        )

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        stem = text.stem if self.stemmed else str
        if self.join:
            pieces = []
            for parts, start, end in text.compounds(value):
                pieces.extend((p, start, end) for p in parts)
                if len(parts) > 1:
                    pieces.append(("".join(parts), start, end))
        else:
            pieces = text.words(value)
        for word, start, end in pieces:
            token.text = stem(word)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class SpellWords(fields.FieldType):
    """Every unstemmed word, document ids only: a lexicon for spelling corrections."""

    def __init__(self):
        self.analyzer = WordTokenizer(join=True, stemmed=False)
        self.format = formats.Existence()
        self.scorable = False
        self.stored = False


def _whoosh_field(field: IndexField) -> fields.FieldType:
    kind = field.kind
    if kind == KEY:
        return fields.ID(stored=True, unique=True)
    if kind == STORED:
        return fields.STORED()
    if kind in (NAME, PLACE):
        return fields.TEXT(analyzer=WordTokenizer(join=True), phrase=False, stored=True)
    if kind == TEXT:
        return fields.TEXT(analyzer=WordTokenizer(join=False), phrase=False, stored=True)
    if kind in (CODE, FLAG):
        return fields.ID()
    if kind == TAGS:
        return fields.KEYWORD(scorable=True, stored=True)
    if kind == NUMBER:
        return fields.COLUMN(columns.NumericColumn("d", default=math.nan))
    raise ValueError(f"unknown field kind {kind!r}")


def build_schema() -> fields.Schema:
    """Return the Whoosh schema for FIELDS."""
    schema = fields.Schema(**{f.name: _whoosh_field(f) for f in FIELDS})
    schema.add(SPELL_FIELD, SpellWords())
    return schema


def city_facet_value(city: str) -> str:
    """Return the city_facet term: the folded city (what filters match) and how it reads."""
    display = " ".join(city.split())
    return f"{text.fold(display)}\t{display}"


def whoosh_values(doc: dict) -> dict:
    """Return the keyword arguments that add this document to the index."""
    out: dict = {}
    for field in FIELDS:
        value = doc.get(field.name)
        kind = field.kind
        if kind == NUMBER:
            try:
                number = float(value) if value is not None else math.nan
            except (TypeError, ValueError):
                number = math.nan
            out[field.name] = number if math.isfinite(number) else math.nan
        elif value is None or value == "" or value == []:
            continue
        elif kind == TAGS:
            tags = sorted({str(v).strip() for v in value if str(v).strip()})
            if tags:
                out[field.name] = tags
        elif kind == FLAG:
            if value:
                out[field.name] = FLAG_TRUE
        elif kind == STORED:
            out[field.name] = value
        else:
            out[field.name] = str(value)
    city = doc.get("city")
    if city and city.strip():
        out["city_facet"] = city_facet_value(city)
    # Names and places only: description words are checked against the description's own
    # (stemmed) terms, which halves what a rebuild writes.
    words: set[str] = set()
    for name in SPELLED:
        if doc.get(name):
            words.update(text.index_terms(str(doc[name]), join=True, stemmed=False))
    if words:
        out[SPELL_FIELD] = sorted(words)  # a list is indexed as it is, not analysed again
    return out
