"""The vetting checklist: parsed from its versioned data file and checked on load (pure)."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

from directory.vocabulary import load_vocabulary

CHECKLIST_FILE = "checklist-v1.toml"
ALL = "all"
KEY_RE = re.compile(r"^[a-z][a-z0-9-]{1,49}$")
REQUIRED_TEXT = ("title", "explanation", "why", "evidence")
# Whose licences a practitioner-based item covers: every practitioner's, or the prescribers'.
LICENCE_HOLDERS = ("all", "prescribers")
K = TypeVar("K")  # an entry of a versioned data file: anything with a .key


class ChecklistError(ValueError):
    """The checklist file is malformed."""


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    explanation: str
    why: str
    evidence: str
    weight: float
    core: bool
    applies_to: str | tuple[str, ...]  # "all", or treatment keys as written in the file
    fresh_days: int
    expires_days: int
    practitioner_based: bool = False
    # Whose licences the verification covers (one of LICENCE_HOLDERS); None: no licences.
    licences: str | None = None
    # applies_to widened with the narrower treatments of each key (filled in by the parser).
    covers: frozenset[str] = frozenset()

    def applies(self, treatment_keys: Iterable[str]) -> bool:
        """Say whether this item counts for a clinic offering these treatments."""
        if self.applies_to == ALL:
            return True
        return not self.covers.isdisjoint(treatment_keys)


@dataclass(frozen=True)
class Checklist:
    version: int
    items: tuple[Item, ...]

    def get(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


def _positive_int(raw: dict, name: str, key: str) -> int:
    value = raw.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ChecklistError(f"item {key}: {name} must be a positive whole number of days")
    return value


def _item(raw: dict, narrower: Mapping[str, set[str]] | None) -> Item:
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise ChecklistError(f"item key {key!r} must be lower-case letters, digits and hyphens")
    for name in REQUIRED_TEXT:
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise ChecklistError(f"item {key}: {name} is required")
    weight = raw.get("weight")
    if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
        raise ChecklistError(f"item {key}: weight must be a positive number")
    fresh, expires = _positive_int(raw, "fresh_days", key), _positive_int(raw, "expires_days", key)
    if fresh > expires:
        raise ChecklistError(f"item {key}: fresh_days cannot exceed expires_days")
    applies = raw.get("applies_to", ALL)
    if applies == ALL:
        applies_to: str | tuple[str, ...] = ALL
        covers: frozenset[str] = frozenset()
    elif isinstance(applies, list) and applies and all(isinstance(t, str) for t in applies):
        applies_to = tuple(applies)
        if narrower is not None:
            unknown = sorted(set(applies_to) - set(narrower))
            if unknown:
                raise ChecklistError(f"item {key}: unknown treatments {unknown}")
        covers = frozenset(applies_to).union(*((narrower or {}).get(t, set()) for t in applies_to))
    else:
        raise ChecklistError(f'item {key}: applies_to must be "all" or a list of treatments')
    licences = raw.get("licences")
    if licences is not None and licences not in LICENCE_HOLDERS:
        raise ChecklistError(f"item {key}: licences must be one of {', '.join(LICENCE_HOLDERS)}")
    practitioner_based = bool(raw.get("practitioner_based", False))
    if licences and not practitioner_based:
        raise ChecklistError(f"item {key}: an item about licences must be practitioner_based")
    return Item(
        key=key,
        title=raw["title"].strip(),
        explanation=raw["explanation"].strip(),
        why=raw["why"].strip(),
        evidence=raw["evidence"].strip(),
        weight=float(weight),
        core=bool(raw.get("core", False)),
        applies_to=applies_to,
        fresh_days=fresh,
        expires_days=expires,
        practitioner_based=practitioner_based,
        licences=licences,
        covers=covers,
    )


def parse_versioned(
    text: str,
    table: str,
    parse: Callable[[Any], K],
    error: type[ValueError],
    missing: str,
) -> tuple[dict, int, tuple[K, ...]]:
    """Parse a versioned TOML file into (raw, version, entries of [[table]] with unique keys).

    missing is the refusal when there are no entries; a duplicate key is named by the table's
    singular ("duplicate item keys ...").
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"not valid TOML: {exc}") from exc
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise error("version must be a whole number")
    entries = raw.get(table)
    if not isinstance(entries, list) or not entries:
        raise error(missing)
    parsed = tuple(parse(entry) for entry in entries)
    keys = [entry.key for entry in parsed]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise error(f"duplicate {table.removesuffix('s')} keys {duplicates}")
    return raw, version, parsed


def parse_checklist(text: str, treatments: Mapping[str, str | None] | None = None) -> Checklist:
    """Parse checklist TOML; with treatments ({key: broader key}) check and widen applies_to."""
    narrower = None
    if treatments is not None:
        narrower = {key: set() for key in treatments}
        for key in treatments:
            # Walk up the broader chain so "mesotherapy" covers every kind of mesotherapy.
            seen, parent = {key}, treatments[key]
            while parent and parent in narrower and parent not in seen:
                narrower[parent].add(key)
                seen.add(parent)
                parent = treatments[parent]
    parse_item = functools.partial(_item, narrower=narrower)
    _, version, items = parse_versioned(
        text, "items", parse_item, ChecklistError, "the checklist has no [[items]]"
    )
    if not any(item.core for item in items):
        raise ChecklistError("at least one item must be core")
    return Checklist(version=version, items=items)


@functools.cache
def load_checklist() -> Checklist:
    """Return the packaged checklist, checked against the vocabulary (read once per process)."""
    vocabulary = load_vocabulary()
    text = resources.files("directory.vetting").joinpath(CHECKLIST_FILE).read_text("utf-8")
    return parse_checklist(text, {key: term.broader for key, term in vocabulary.treatments.items()})


def checklist_document(checklist: Checklist) -> dict:
    """Return the checklist as the public JSON document of GET /api/v1/checklist."""
    return {
        "version": checklist.version,
        "items": [
            {
                "key": item.key,
                "title": item.title,
                "core": item.core,
                "weight": item.weight,
                "explanation": item.explanation,
                "why": item.why,
                "evidence": item.evidence,
                "applies_to": item.applies_to if item.applies_to == ALL else list(item.applies_to),
                "fresh_days": item.fresh_days,
                "expires_days": item.expires_days,
            }
            for item in checklist.items
        ],
    }
