"""Read search parameters into a SearchRequest and write them back as a query string.

Pure: no Flask, no database. Everything a person or a client can send is bounded here, before
the index sees it (STYLE: "bad query input rejected with 400 before it reaches the engine").
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from directory.bidi import strip_bidi
from index.types import SORTS, SearchRequest

MAX_Q = 200
MAX_TEXT = 100  # city names and place names
MAX_VALUES = 20  # values of one repeatable parameter
MAX_PAGE = 1000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_RADIUS_KM = 1000.0
# The order parameters are reported and written back in.
PARAMETERS = (
    "q",
    "country",
    "city",
    "treatment",
    "language",
    "near",
    "radius_km",
    "sort",
    "min_score",
    "core_verified",
    "verified",
    "with_experiences",
    "anywhere",
    "as_typed",
    "page",
    "per_page",
)

# A decimal number as JSON and most languages write it (1, 0.5, .5, 1e-05); NaN and infinity
# are not numbers here.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
MAX_NUMBER_LENGTH = 32
_LAT_LON = re.compile(r"\s*([^,\s]+)\s*,\s*([^,\s]+)\s*")
_COUNTRY = re.compile(r"[A-Za-z]{2}", re.ASCII)
_LANGUAGE = re.compile(r"[A-Za-z]{2}", re.ASCII)
_ITEM_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}", re.ASCII)
# Accepted for a yes/no parameter, in any letter case ("on" is what an HTML checkbox sends).
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


class Args(Protocol):
    """What a request's query arguments offer (werkzeug's MultiDict has it)."""

    def getlist(self, key: str) -> list[str]: ...


@dataclass(frozen=True)
class SearchParams:
    """A valid search: the index request, and the place name `near` was given as, if any."""

    request: SearchRequest
    near_place: str | None = None  # also request.near_place: the index resolves it


class InvalidSearch(ValueError):
    """Some parameters are invalid; errors maps each parameter name to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(sorted(errors.items(), key=lambda kv: _order(kv[0])))
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        return " ".join(self.errors.values())


def _order(name: str) -> int:
    return PARAMETERS.index(name) if name in PARAMETERS else len(PARAMETERS)


def clean_text(value: str) -> str:
    """Drop control characters and collapse whitespace (the index never sees a NUL).

    Bidi controls go too: a query is echoed on the page and in the API (directory/bidi.py).
    """
    kept = (" " if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch for ch in value)
    return " ".join(strip_bidi("".join(kept)).split())


def _shown(value: str, limit: int = 40) -> str:
    value = clean_text(value)
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _single(args: Args, name: str, errors: dict[str, str]) -> str:
    """Return the one value of a parameter ("" when absent); giving it twice is an error."""
    values = args.getlist(name)
    if len(values) > 1:
        errors.setdefault(name, f"{name} may be given only once.")
    return values[0] if values else ""


def _number(raw: str) -> float | None:
    if len(raw) > MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def _list(args: Args, name: str, errors: dict[str, str], check) -> tuple[str, ...]:
    """Check each value of a repeatable parameter as sent; check returns it, "" to skip, or None."""
    values = args.getlist(name)
    if len(values) > MAX_VALUES:
        errors.setdefault(name, f"{name} may be given at most {MAX_VALUES} times.")
        return ()
    out: list[str] = []
    for raw in values:
        if not raw:
            continue  # an empty form control ("any") means no filter
        checked = check(raw)
        if checked is None:
            errors.setdefault(name, _LIST_MESSAGES[name].format(value=_shown(raw)))
            continue
        if checked and checked not in out:
            out.append(checked)
    return tuple(out)


_LIST_MESSAGES = {
    "country": "country must be a two-letter ISO 3166 code such as GB or AE, not {value}.",
    "city": f"city must be a place name of at most {MAX_TEXT} characters, not {{value}}.",
    "treatment": "treatment {value} is not a known treatment key (such as mesotherapy).",
    "language": "language must be a two-letter ISO 639-1 code such as en or ar, not {value}.",
    "verified": "verified must be a checklist item key (such as licence), not {value}.",
}


def parse_search_args(args: Args, *, treatments: Collection[str]) -> SearchParams:
    """Validate query arguments into SearchParams, or raise InvalidSearch naming each bad one."""
    errors: dict[str, str] = {}

    # Codes are checked exactly as sent; free text (q, city, near) is tidied, a person typed it,
    # but its length is counted as sent, which is what the OpenAPI document's maxLength says.
    raw_q = _single(args, "q", errors)
    q = clean_text(raw_q)
    if len(raw_q) > MAX_Q:
        errors["q"] = f"q is too long: at most {MAX_Q} characters, this has {len(raw_q)}."

    country = _list(args, "country", errors, lambda v: v.upper() if _COUNTRY.fullmatch(v) else None)
    city = _list(args, "city", errors, lambda v: clean_text(v) if len(v) <= MAX_TEXT else None)
    treatment = _list(args, "treatment", errors, lambda v: v if v in treatments else None)
    language = _list(
        args, "language", errors, lambda v: v.lower() if _LANGUAGE.fullmatch(v) else None
    )
    verified = _list(args, "verified", errors, lambda v: v if _ITEM_KEY.fullmatch(v) else None)

    near, near_place = _near(_single(args, "near", errors), errors)
    has_near = near is not None or near_place is not None

    radius_km = None
    raw = _single(args, "radius_km", errors)
    if raw:
        radius_km = _number(raw)
        if radius_km is None or not 0 < radius_km <= MAX_RADIUS_KM:
            errors["radius_km"] = (
                f"radius_km must be a number of kilometres above 0 and at most {MAX_RADIUS_KM:g}."
            )
            radius_km = None
        elif not has_near and "near" not in errors:
            errors["radius_km"] = "radius_km needs near (a city name or lat,lon) to measure from."
        else:
            radius_km = round(radius_km, 3)

    sort = _single(args, "sort", errors) or "relevance"
    if sort not in SORTS:
        errors["sort"] = f"sort must be one of {', '.join(SORTS)}, not {_shown(sort)}."
    elif sort == "distance" and not has_near and "near" not in errors:
        errors["sort"] = "sort=distance needs near (a city name or lat,lon) to measure from."

    page = _integer(args, "page", 1, MAX_PAGE, 1, errors)
    per_page = _integer(args, "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE, errors)

    min_score = None
    raw = _single(args, "min_score", errors)
    if raw:
        min_score = _number(raw)
        if min_score is None or not 0 <= min_score <= 100:
            errors["min_score"] = "min_score must be a number from 0 to 100."
            min_score = None
        else:
            min_score = round(min_score, 2)

    core_verified = _flag(args, "core_verified", errors)
    with_experiences = _flag(args, "with_experiences", errors)
    # Undo what the search read: places in q as plain words, patients' words as typed.
    anywhere = _flag(args, "anywhere", errors)
    as_typed = _flag(args, "as_typed", errors)

    if errors:
        raise InvalidSearch(errors)
    request = SearchRequest(
        q=q,
        country=country,
        city=city,
        treatment=treatment,
        language=language,
        near=near,
        radius_km=radius_km,
        sort=sort,
        page=page,
        per_page=per_page,
        min_score=min_score,
        core_verified=core_verified,
        verified=verified,
        with_experiences=with_experiences,
        near_place=near_place,
        places=not anywhere,
        mapping=not as_typed,
    )
    return SearchParams(request=request, near_place=near_place)


def _flag(args: Args, name: str, errors: dict[str, str]) -> bool:
    raw = _single(args, name, errors).lower()
    if raw in TRUE_WORDS:
        return True
    if raw and raw not in FALSE_WORDS:
        errors[name] = f"{name} must be true or false."
    return False


def whole_number(raw: str, low: int, high: int) -> int | None:
    """Return raw as a whole number in [low, high], or None; 2.0 counts, as in JSON Schema."""
    value = _number(raw)
    if value is None or not value.is_integer() or not low <= value <= high:
        return None
    return int(value)


def _integer(args: Args, name: str, low: int, high: int, default: int, errors) -> int:
    raw = _single(args, name, errors)
    if not raw:
        return default
    value = whole_number(raw, low, high)
    if value is None:
        errors[name] = f"{name} must be a whole number from {low} to {high}."
        return default
    return value


def _near(raw: str | None, errors: dict[str, str]) -> tuple[tuple[float, float] | None, str | None]:
    """Read near as 'lat,lon' coordinates or as a place name."""
    value = clean_text(raw or "")
    if not value:
        return None, None
    message = (
        "near must be a city name or 'lat,lon' in degrees "
        "(latitude -90 to 90, longitude -180 to 180)."
    )
    if len(raw) > MAX_TEXT:
        errors["near"] = f"near is too long: at most {MAX_TEXT} characters."
        return None, None
    if not any(ch.isalpha() for ch in value):
        # No letters: it can only be coordinates.
        pair = _LAT_LON.fullmatch(value)
        lat = _number(pair.group(1)) if pair else None
        lon = _number(pair.group(2)) if pair else None
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors["near"] = message
            return None, None
        return (round(lat, 6), round(lon, 6)), None
    if len(value) > MAX_TEXT:
        errors["near"] = message
        return None, None
    return None, value


def _fmt(number: float) -> str:
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def to_query_args(params: SearchParams, **changes) -> list[tuple[str, str]]:
    """Write params back as canonical query arguments (defaults left out).

    changes replace fields of the request (page=2); a place name is written as given.
    """
    request = dataclasses.replace(params.request, **changes) if changes else params.request
    near_place = request.near_place if "near_place" in changes else params.near_place
    out: list[tuple[str, str]] = []
    if request.q:
        out.append(("q", request.q))
    for name in ("country", "city", "treatment", "language"):
        out.extend((name, value) for value in getattr(request, name))
    if near_place:
        out.append(("near", near_place))
    elif request.near is not None:
        out.append(("near", f"{_fmt(request.near[0])},{_fmt(request.near[1])}"))
    if request.radius_km is not None:
        out.append(("radius_km", _fmt(request.radius_km)))
    if request.sort != "relevance":
        out.append(("sort", request.sort))
    if request.min_score is not None:
        out.append(("min_score", _fmt(request.min_score)))
    if request.core_verified:
        out.append(("core_verified", "true"))
    out.extend(("verified", value) for value in request.verified)
    if request.with_experiences:
        out.append(("with_experiences", "true"))
    if not request.places:
        out.append(("anywhere", "true"))
    if not request.mapping:
        out.append(("as_typed", "true"))
    if request.page != 1:
        out.append(("page", str(request.page)))
    if request.per_page != DEFAULT_PER_PAGE:
        out.append(("per_page", str(request.per_page)))
    return out


@dataclass(frozen=True)
class Relaxation:
    """One way to widen a search: drop this filter (field, the value dropped, what is left)."""

    field: str
    value: str
    params: SearchParams


def relaxations(params: SearchParams) -> list[Relaxation]:
    """Return each single filter removal that would widen this search, back on page 1."""
    request = dataclasses.replace(params.request, page=1)
    out: list[Relaxation] = []

    def add(field: str, value: str, near_place=params.near_place, **changes) -> None:
        relaxed = dataclasses.replace(request, **changes)
        out.append(Relaxation(field, value, SearchParams(relaxed, near_place)))

    for name in ("treatment", "country", "city", "language", "verified"):
        for value in getattr(request, name):
            add(name, value, **{name: tuple(v for v in getattr(request, name) if v != value)})
    if request.radius_km is not None:
        add("radius_km", _fmt(request.radius_km), radius_km=None)
    if request.min_score is not None:
        add("min_score", _fmt(request.min_score), min_score=None)
    if request.core_verified:
        add("core_verified", "true", core_verified=False)
    if request.with_experiences:
        add("with_experiences", "true", with_experiences=False)
    # The words are never all dropped at once: the index says which word failed
    # (index.types.Interpretation.without) and the page offers to drop only that one.
    return out


def active_filters(params: SearchParams) -> Iterable[Relaxation]:
    """Return the filters in force, each with the search that drops it."""
    return relaxations(params)
