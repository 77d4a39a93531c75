"""Read search parameters into a SearchRequest and write them back as a query string.

Pure: no Flask, no database. Everything a person or a client can send is bounded here, before
the index sees it (STYLE: "bad query input rejected with 400 before it reaches the engine").
"""

from __future__ import annotations

import dataclasses
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
    "anywhere",
    "as_typed",
    "page",
    "per_page",
)

_INT = re.compile(r"[0-9]{1,7}", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})", re.ASCII)
_LAT_LON = re.compile(r"\s*([^,\s]+)\s*,\s*([^,\s]+)\s*")
_COUNTRY = re.compile(r"[A-Za-z]{2}", re.ASCII)
_LANGUAGE = re.compile(r"[A-Za-z]{2}", re.ASCII)
_ITEM_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}", re.ASCII)
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


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


def _first(args: Args, name: str) -> str | None:
    values = args.getlist(name)
    return values[0] if values else None


def _number(raw: str) -> float | None:
    raw = raw.strip()
    return float(raw) if _NUMBER.fullmatch(raw) else None


def _list(args: Args, name: str, errors: dict[str, str], check) -> tuple[str, ...]:
    out: list[str] = []
    for raw in args.getlist(name):
        value = clean_text(raw)
        if not value:
            continue  # an empty form control ("any") means no filter
        checked = check(value)
        if checked is None:
            errors.setdefault(name, _LIST_MESSAGES[name].format(value=_shown(raw)))
            continue
        if checked not in out:
            out.append(checked)
    if len(out) > MAX_VALUES:
        errors.setdefault(name, f"{name} may be given at most {MAX_VALUES} times.")
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

    raw_q = _first(args, "q") or ""
    q = clean_text(raw_q)
    if len(q) > MAX_Q:
        errors["q"] = f"q is too long: at most {MAX_Q} characters, this has {len(q)}."

    country = _list(args, "country", errors, lambda v: v.upper() if _COUNTRY.fullmatch(v) else None)
    city = _list(args, "city", errors, lambda v: v if len(v) <= MAX_TEXT else None)
    treatment = _list(args, "treatment", errors, lambda v: v if v in treatments else None)
    language = _list(
        args, "language", errors, lambda v: v.lower() if _LANGUAGE.fullmatch(v) else None
    )
    verified = _list(args, "verified", errors, lambda v: v if _ITEM_KEY.fullmatch(v) else None)

    near, near_place = _near(_first(args, "near"), errors)
    has_near = near is not None or near_place is not None

    radius_km = None
    raw = (_first(args, "radius_km") or "").strip()
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

    sort = clean_text(_first(args, "sort") or "") or "relevance"
    if sort not in SORTS:
        errors["sort"] = f"sort must be one of {', '.join(SORTS)}, not {_shown(sort)}."
    elif sort == "distance" and not has_near and "near" not in errors:
        errors["sort"] = "sort=distance needs near (a city name or lat,lon) to measure from."

    page = _integer(args, "page", 1, MAX_PAGE, 1, errors)
    per_page = _integer(args, "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE, errors)

    min_score = None
    raw = (_first(args, "min_score") or "").strip()
    if raw:
        min_score = _number(raw)
        if min_score is None or not 0 <= min_score <= 100:
            errors["min_score"] = "min_score must be a number from 0 to 100."
            min_score = None
        else:
            min_score = round(min_score, 2)

    core_verified = _flag(args, "core_verified", errors)
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
        near_place=near_place,
        places=not anywhere,
        mapping=not as_typed,
    )
    return SearchParams(request=request, near_place=near_place)


def _flag(args: Args, name: str, errors: dict[str, str]) -> bool:
    raw = (_first(args, name) or "").strip().lower()
    if raw in _TRUE:
        return True
    if raw not in _FALSE:
        errors[name] = f"{name} must be true or false."
    return False


def _integer(args: Args, name: str, low: int, high: int, default: int, errors) -> int:
    raw = (_first(args, name) or "").strip()
    if not raw:
        return default
    if not _INT.fullmatch(raw) or not low <= int(raw) <= high:
        errors[name] = f"{name} must be a whole number from {low} to {high}."
        return default
    return int(raw)


def _near(raw: str | None, errors: dict[str, str]) -> tuple[tuple[float, float] | None, str | None]:
    """Read near as 'lat,lon' coordinates or as a place name."""
    value = clean_text(raw or "")
    if not value:
        return None, None
    message = (
        "near must be a city name or 'lat,lon' in degrees "
        "(latitude -90 to 90, longitude -180 to 180)."
    )
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
    # The words are never all dropped at once: the index says which word failed
    # (index.types.Interpretation.without) and the page offers to drop only that one.
    return out


def active_filters(params: SearchParams) -> Iterable[Relaxation]:
    """Return the filters in force, each with the search that drops it."""
    return relaxations(params)
