"""HSDS organizations back into clinic profiles, each with its faults and warnings.

One organization is one record: it is imported whole or not at all. A fault in any row it
owns (its services, locations, addresses, contacts, phones, attributes and the taxonomy terms
they use) rejects it; what HSDS holds and a profile cannot (a second location, a service that
is not one of our treatments, a pin off the globe) is left out with a warning. Vetting
attributes are never read: only our moderators verify.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pycountry

from directory.clinics.profile import validate_profile
from directory.hsds import mapping
from directory.hsds.checks import Problem, Row
from directory.hsds.documents import Origin
from directory.hsds.tables import BY_NAME
from directory.vocabulary import Vocabulary

MAX_EXTERNAL_IDS = 20
KEY = re.compile(r"[^a-z0-9]+")


@dataclass
class OrgRecord:
    """One organization read from the files: the profile made of it, or why it is rejected."""

    org_id: str
    origin: Origin
    clinic_id: str | None = None
    profile: dict | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class Owned:
    """The rows one organization owns, found through the links between tables."""

    def __init__(self, tables: dict[str, dict[str, Row]], links: dict, org: Row):
        def by(table: str, column: str, values) -> list[Row]:
            found: dict[str, Row] = {}
            for value in values:
                for row in links[table][column].get(value, ()):
                    found.setdefault(row.id, row)
            return list(found.values())

        self.org = org
        self.services = by("service", "organization_id", [org.id])
        service_ids = [s.id for s in self.services]
        self.places = by("service_at_location", "service_id", service_ids)
        place_ids = [p.id for p in self.places]
        locations = {r.id: r for r in by("location", "organization_id", [org.id])}
        for place in self.places:
            location = tables["location"].get(place.values["location_id"])
            if location is not None:
                locations.setdefault(location.id, location)
        self.locations = list(locations.values())
        location_ids = list(locations)
        self.identifiers = by("organization_identifier", "organization_id", [org.id])
        self.programs = by("program", "organization_id", [org.id])
        self.contacts = _union(
            by("contact", "organization_id", [org.id]),
            by("contact", "service_id", service_ids),
            by("contact", "location_id", location_ids),
            by("contact", "service_at_location_id", place_ids),
        )
        contact_ids = [c.id for c in self.contacts]
        self.phones = _union(
            by("phone", "organization_id", [org.id]),
            by("phone", "location_id", location_ids),
            by("phone", "service_id", service_ids),
            by("phone", "contact_id", contact_ids),
            by("phone", "service_at_location_id", place_ids),
        )
        self.addresses = by("address", "location_id", location_ids)
        self.schedules = _union(
            by("schedule", "location_id", location_ids),
            by("schedule", "service_id", service_ids),
            by("schedule", "service_at_location_id", place_ids),
        )
        self.languages = _union(
            by("language", "location_id", location_ids),
            by("language", "service_id", service_ids),
            by("language", "phone_id", [p.id for p in self.phones]),
        )
        self.cost_options = by("cost_option", "service_id", service_ids)
        rest = _union(
            by("funding", "organization_id", [org.id]),
            by("funding", "service_id", service_ids),
            by("accessibility", "location_id", location_ids),
            by("service_area", "service_id", service_ids),
            by("required_document", "service_id", service_ids),
        )
        rows = [
            org,
            *self.services,
            *self.places,
            *self.locations,
            *self.identifiers,
            *self.programs,
            *self.contacts,
            *self.phones,
            *self.addresses,
            *self.schedules,
            *self.languages,
            *self.cost_options,
            *rest,
        ]
        self.attributes = by("attribute", "link_id", [r.id for r in rows])
        self.terms: dict[str, Row] = {}
        for attribute in self.attributes:
            term = tables["taxonomy_term"].get(attribute.values["taxonomy_term_id"])
            if term is not None:
                self.terms[term.id] = term
        taxonomies = [
            tables["taxonomy"][t.values["taxonomy_id"]]
            for t in self.terms.values()
            if t.values.get("taxonomy_id") in tables["taxonomy"]
        ]
        self.rows = [*rows, *self.attributes, *self.terms.values(), *taxonomies]

    def attributes_of(self, row_id: str, taxonomy: str) -> list[tuple[str, Row]]:
        """Return (term code, attribute) for the attributes of one row in one taxonomy."""
        out = []
        for attribute in self.attributes:
            term = self.terms.get(attribute.values["taxonomy_term_id"])
            if (
                attribute.values["link_id"] == row_id
                and term is not None
                and term.values.get("taxonomy") == taxonomy
            ):
                out.append((term.values.get("code"), attribute))
        return out


def _union(*groups: list[Row]) -> list[Row]:
    found: dict[str, Row] = {}
    for group in groups:
        for row in group:
            found.setdefault(row.id, row)
    return list(found.values())


def _links(tables: dict[str, dict[str, Row]]) -> dict:
    links: dict = {name: defaultdict(lambda: defaultdict(list)) for name in tables}
    columns = {
        name: [f.name for f in BY_NAME[name].fields if f.name.endswith("_id") and f.name != "id"]
        for name in tables
    }
    for name, rows in tables.items():
        for row in rows.values():
            for column in columns[name]:
                if row.values.get(column) is not None:
                    links[name][column][row.values[column]].append(row)
    return links


def build_records(
    tables: dict[str, dict[str, Row]], vocabulary: Vocabulary
) -> tuple[list[OrgRecord], list[Problem]]:
    """Return one record per organization, and the faults of rows no organization owns."""
    links = _links(tables)
    records, owned_ids = [], set()
    for org in tables["organization"].values():
        owned = Owned(tables, links, org)
        owned_ids.update((row.table, row.id) for row in owned.rows)
        records.append(_record(owned, vocabulary))
    stray: list[Problem] = []
    for name, rows in tables.items():
        for row in rows.values():
            if (name, row.id) not in owned_ids:
                stray.extend(row.problems)
    return records, stray


def _record(owned: Owned, vocabulary: Vocabulary) -> OrgRecord:
    org = owned.org
    record = OrgRecord(org.id, org.origins[0])
    for row in owned.rows:
        record.errors.extend(row.problems)
        record.warnings.extend(row.warnings)
    maker = _ProfileMaker(owned, vocabulary, record.warnings)
    raw = maker.profile()
    record.clinic_id = raw["id"]
    if record.errors:
        return record
    profile, errors = validate_profile(raw)
    for error in errors:
        row, column = maker.source(error.field)
        record.errors.append(
            Problem(row.origins[0], row.table, row.id, column, f"{error.field}: {error.reason}")
        )
    record.profile = profile
    return record


class _ProfileMaker:
    """Build one profile from an organization's rows, remembering where each field came from."""

    def __init__(self, owned: Owned, vocabulary: Vocabulary, warnings: list[Problem]):
        self.owned, self.vocabulary, self.warnings = owned, vocabulary, warnings
        self.sources: dict[str, tuple[Row, str]] = {}

    def warn(self, row: Row, column: str, reason: str) -> None:
        self.warnings.append(Problem(row.origins[0], row.table, row.id, column, reason))

    def source(self, path: str) -> tuple[Row, str]:
        """Return the row and column a profile field came from (the organization by default)."""
        while path:
            if path in self.sources:
                return self.sources[path]
            path = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
        return self.owned.org, ""

    def note(self, path: str, row: Row, column: str) -> None:
        self.sources[path] = (row, column)

    def profile(self) -> dict:
        org = self.owned.org.values
        self.note("name", self.owned.org, "name")
        self.note("brand", self.owned.org, "alternate_name")
        self.note("description", self.owned.org, "description")
        self.note("contact.email", self.owned.org, "email")
        self.note("contact.website", self.owned.org, "website")
        description = org["description"]
        return {
            "id": self._clinic_id(),
            "name": org["name"],
            "brand": org.get("alternate_name"),
            "description": None if description == mapping.NO_DESCRIPTION else description,
            **self._place(),
            "contact": {
                "phone": self._phone(),
                "email": org.get("email"),
                "website": org.get("website"),
            },
            "opening_hours": self._hours(),
            "external_ids": self._external_ids(),
            "languages": self._languages(),
            "treatments": self._treatments(),
            "practitioners": self._practitioners(),
            "status": "published",
        }

    def _clinic_id(self) -> str:
        for row in self.owned.identifiers:
            v = row.values
            if (v["identifier_scheme"], v["identifier_type"]) == (
                mapping.VETTED_SCHEME,
                mapping.CLINIC_ID_TYPE,
            ):
                self.note("id", row, "identifier")
                return v["identifier"]
        self.note("id", self.owned.org, "id")
        return f"hsds-{self.owned.org.id.lower()}"

    def _external_ids(self) -> dict:
        out: dict[str, str] = {}
        for row in self.owned.identifiers:
            v = row.values
            if v["identifier_scheme"] == mapping.VETTED_SCHEME:
                continue
            base = KEY.sub("_", (v["identifier_type"] or "id").lower()).strip("_") or "id"
            key = base if base[0].isalpha() else f"id_{base}"
            n = 2
            while key in out:
                key, n = f"{base}_{n}", n + 1
            if len(out) >= MAX_EXTERNAL_IDS:
                self.warn(row, "identifier", f"more than {MAX_EXTERNAL_IDS} identifiers; left out")
                continue
            self.note(f"external_ids.{key}", row, "identifier")
            out[key] = v["identifier"]
        return out

    def _primary_location(self) -> Row | None:
        def rank(location: Row) -> tuple:
            has_address = any(a.values["location_id"] == location.id for a in self.owned.addresses)
            return (location.values["location_type"] != "physical", not has_address)

        locations = sorted(self.owned.locations, key=rank)
        for other in locations[1:]:
            self.warn(other, "id", "a clinic has one place: this location is left out")
        return locations[0] if locations else None

    def _place(self) -> dict:
        location = self._primary_location()
        if location is None:
            self.note("address", self.owned.org, "locations")
            return {"address": {"country": None}, "location": None}
        countries = self.owned.attributes_of(location.id, "iso-3166-1")
        addresses = [a for a in self.owned.addresses if a.values["location_id"] == location.id]
        addresses.sort(key=lambda a: a.values["address_type"] != "physical")
        if addresses:
            address = self._address(addresses[0])
        else:
            address = {"country": countries[0][0] if countries else None}
            self.note("address.country", countries[0][1] if countries else location, "value")
            text = location.values.get("description")
            suffix = f", {mapping.country_name(address['country'] or '')}"
            if text and address["country"] and text.endswith(suffix):
                address["lines"] = [text[: -len(suffix)]]
                self.note("address.lines", location, "description")
        return {"address": address, "location": self._point(location)}

    def _address(self, row: Row) -> dict:
        v = row.values
        for path, column in (
            ("address.lines", "address_1"),
            ("address.city", "city"),
            ("address.region", "region"),
            ("address.postcode", "postal_code"),
            ("address.country", "country"),
        ):
            self.note(path, row, column)
        region = v.get("region")
        if region is None and v["state_province"] != v["city"]:
            region = v["state_province"]
        return {
            "lines": [line for line in (v["address_1"], v.get("address_2")) if line],
            "city": v["city"],
            "region": region,
            "postcode": v["postal_code"],
            "country": v["country"].upper(),
        }

    def _point(self, location: Row) -> dict | None:
        lat, lon = location.values.get("latitude"), location.values.get("longitude")
        if lat is None and lon is None:
            return None
        self.note("location", location, "latitude")
        if lat is None or lon is None:
            self.warn(location, "latitude", "only one coordinate is given; location left out")
            return None
        for column, value, limit in (("latitude", lat, 90), ("longitude", lon, 180)):
            if not -limit <= value <= limit:
                self.warn(
                    location,
                    column,
                    f"{value:g} is out of range (-{limit} to {limit}); the map pin is left out",
                )
                return None
        if lat == 0 and lon == 0:
            self.warn(location, "latitude", "0, 0 is a placeholder; the map pin is left out")
            return None
        return {"lat": lat, "lon": lon}

    def _phone(self) -> str | None:
        phones = sorted(
            self.owned.phones, key=lambda p: p.values.get("organization_id") != self.owned.org.id
        )
        if not phones:
            return None
        self.note("contact.phone", phones[0], "number")
        return phones[0].values["number"]

    def _hours(self) -> str | None:
        for schedule in self.owned.schedules:
            v = schedule.values
            text = v.get("description")
            if not text and v.get("opens_at") and v.get("closes_at"):
                days = f"{v['byday']} " if v.get("byday") else ""
                text = f"{days}{v['opens_at'][:5]}-{v['closes_at'][:5]}"
            if text:
                self.note("opening_hours", schedule, "description")
                return text
        return None

    def _languages(self) -> list[str]:
        codes: list[str] = []
        for row in self.owned.languages:
            code = row.values.get("code") or ""
            found = (
                pycountry.languages.get(alpha_2=code.lower())
                if len(code) == 2
                else pycountry.languages.get(alpha_3=code.lower())
                if len(code) == 3
                else None
            )
            if found is None and row.values.get("name"):
                found = pycountry.languages.get(name=row.values["name"])
            alpha_2 = getattr(found, "alpha_2", None)
            if alpha_2 is None:
                self.warn(row, "code", f"{code or row.values.get('name')!r} has no ISO 639-1 code")
            elif alpha_2 not in codes:
                self.note(f"languages[{len(codes)}]", row, "code")
                codes.append(alpha_2)
        return codes

    def _treatment_key(self, service: Row) -> str | None:
        coded = self.owned.attributes_of(service.id, "vetted-treatments")
        if coded:
            return coded[0][0]
        name = (service.values["name"] or "").casefold()
        for key, term in self.vocabulary.treatments.items():
            names = {key, key.replace("-", " "), *term.labels.values(), *term.synonyms}
            if name in {n.casefold() for n in names}:
                return key
        return None

    def _treatments(self) -> list[dict]:
        out: list[dict] = []
        for service in self.owned.services:
            v = service.values
            if v["status"] != "active":
                self.warn(service, "status", f"is {v['status']!r}: the treatment is not listed")
                continue
            key = self._treatment_key(service)
            if key is None:
                reason = f"{v['name']!r} is not a treatment of the Vetted vocabulary; left out"
                self.warn(service, "name", reason)
                continue
            if any(t["key"] == key for t in out):
                self.warn(service, "name", f"a second service for {key!r}; left out")
                continue
            self.note(f"treatments[{len(out)}]", service, "name")
            out.append({"key": key, **self._prices(service, len(out))})
        return out

    def _prices(self, service: Row, n: int) -> dict:
        prices: dict = {"price_from": None, "price_to": None, "currency": None}
        options = [c for c in self.owned.cost_options if c.values["service_id"] == service.id]
        for option in options:
            v = option.values
            if v.get("amount") is None:
                continue
            key = "price_to" if v.get("option") == mapping.PRICE_TO else "price_from"
            if prices[key] is None:
                prices[key] = v["amount"]
                self.note(f"treatments[{n}].{key}", option, "amount")
            if v.get("currency") and prices["currency"] is None:
                prices["currency"] = v["currency"].upper()
                self.note(f"treatments[{n}].currency", option, "currency")
        return prices

    def _practitioners(self) -> list[dict]:
        out = []
        for contact in self.owned.contacts:
            details = dict(self.owned.attributes_of(contact.id, "vetted-practitioner"))
            if "practitioner" not in details:
                self.warn(contact, "id", "not marked as a practitioner; left out")
                continue
            n = len(out)
            self.note(f"practitioners[{n}]", contact, "name")
            person = {
                "name": contact.values.get("name"),
                "role": contact.values.get("title") or details["practitioner"].values["value"],
                "prescriber": "prescriber" in details,
            }
            for code, key in mapping.LICENCE_FIELDS.items():
                attribute = details.get(code)
                person[key] = attribute.values["value"] if attribute else None
                if attribute:
                    self.note(f"practitioners[{n}].{key}", attribute, "value")
            out.append(person)
        return out
