"""HSDS rows as the nested JSON documents of the API and the export, and back again.

The nesting is the one of Open Referral's compiled schemas (schema/compiled/*.json): a child
table appears in an array under its parent (its link column implied), a referenced row appears
as an object (service.organization, service_at_location.location, attribute.taxonomy_term).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from directory.hsds.tables import BY_NAME

_ATTR = ("attributes", "attribute", "link_id")
# table -> (JSON key, child table, the child's column naming the parent)
CHILDREN: dict[str, tuple[tuple[str, str, str], ...]] = {
    "organization": (
        ("funding", "funding", "organization_id"),
        ("contacts", "contact", "organization_id"),
        ("phones", "phone", "organization_id"),
        ("locations", "location", "organization_id"),
        ("programs", "program", "organization_id"),
        ("organization_identifiers", "organization_identifier", "organization_id"),
        _ATTR,
        ("services", "service", "organization_id"),
    ),
    "service": (
        ("phones", "phone", "service_id"),
        ("schedules", "schedule", "service_id"),
        ("service_areas", "service_area", "service_id"),
        ("service_at_locations", "service_at_location", "service_id"),
        ("languages", "language", "service_id"),
        ("funding", "funding", "service_id"),
        ("cost_options", "cost_option", "service_id"),
        ("required_documents", "required_document", "service_id"),
        ("contacts", "contact", "service_id"),
        _ATTR,
    ),
    "location": (
        ("languages", "language", "location_id"),
        ("addresses", "address", "location_id"),
        ("contacts", "contact", "location_id"),
        ("accessibility", "accessibility", "location_id"),
        ("phones", "phone", "location_id"),
        ("schedules", "schedule", "location_id"),
        _ATTR,
    ),
    "service_at_location": (
        ("contacts", "contact", "service_at_location_id"),
        ("phones", "phone", "service_at_location_id"),
        ("schedules", "schedule", "service_at_location_id"),
        _ATTR,
    ),
    "contact": (("phones", "phone", "contact_id"), _ATTR),
    "phone": (("languages", "language", "phone_id"), _ATTR),
}
for _table in (
    "program",
    "organization_identifier",
    "funding",
    "cost_option",
    "schedule",
    "service_area",
    "required_document",
    "language",
    "accessibility",
    "address",
):
    CHILDREN[_table] = (_ATTR,)
# table -> (JSON key, referenced table, this table's column naming it)
OBJECTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "service": (
        ("organization", "organization", "organization_id"),
        ("program", "program", "program_id"),
    ),
    "service_at_location": (
        ("location", "location", "location_id"),
        ("service", "service", "service_id"),
    ),
    "attribute": (("taxonomy_term", "taxonomy_term", "taxonomy_term_id"),),
    "taxonomy_term": (("taxonomy_detail", "taxonomy", "taxonomy_id"),),
}
# A referenced object shares a link with the row it is nested in: a service's program belongs
# to the service's organization. (table, key) -> (object's column, row's column)
SHARED = {("service", "program"): ("organization_id", "organization_id")}


class Index:
    """Rows by table and id, and children by (table, column, value), for nesting."""

    def __init__(self, tables: dict[str, list[dict]]):
        self.tables = tables
        self.by_id: dict[str, dict[str, dict]] = {
            name: {row["id"]: row for row in rows if row.get("id")} for name, rows in tables.items()
        }
        self._children: dict[tuple[str, str, str], list[dict]] = {}
        for name, rows in tables.items():
            columns = {column for _, child, column in _all_links() if child == name}
            for row in rows:
                for column in columns:
                    if row.get(column):
                        self._children.setdefault((name, column, row[column]), []).append(row)

    def get(self, table: str, row_id: str | None) -> dict | None:
        return self.by_id.get(table, {}).get(row_id) if row_id else None

    def children(self, table: str, column: str, value: str) -> list[dict]:
        return self._children.get((table, column, value), [])


def _all_links() -> Iterable[tuple[str, str, str]]:
    for links in CHILDREN.values():
        yield from links


def plain(table: str, row: dict) -> dict:
    """Return a row's own fields in the table's column order, leaving out empty ones."""
    return {c: row[c] for c in BY_NAME[table].columns if row.get(c) is not None}


def node(index: Index, table: str, row: dict, *, skip: tuple[str, ...] = ()) -> dict:
    """Return a row with its children nested, as the compiled schemas lay them out."""
    out = plain(table, row)
    if table == "attribute":
        term = index.get("taxonomy_term", row.get("taxonomy_term_id"))
        if term is not None:
            out["taxonomy_term"] = _term(index, term)
    for key, child, column in CHILDREN.get(table, ()):
        if key in skip:
            continue
        rows = index.children(child, column, row["id"])
        if rows:
            out[key] = [node(index, child, r) for r in rows]
    return out


def _term(index: Index, term: dict) -> dict:
    out = plain("taxonomy_term", term)
    taxonomy = index.get("taxonomy", term.get("taxonomy_id"))
    if taxonomy is not None:
        out["taxonomy_detail"] = plain("taxonomy", taxonomy)
    return out


def organization_full(index: Index, org: dict) -> dict:
    """Return an organization with everything under it, its services included."""
    out = node(index, "organization", org, skip=("services",))
    services = index.children("service", "organization_id", org["id"])
    if services:
        out["services"] = [node(index, "service", s) for s in services]
    return out


def service_full(index: Index, service: dict) -> dict:
    """Return a service with everything under it, its organization and its locations."""
    out = node(index, "service", service, skip=("service_at_locations",))
    places = index.children("service_at_location", "service_id", service["id"])
    if places:
        out["service_at_locations"] = [_place(index, p) for p in places]
    return {**out, **_objects(index, "service", service)}


def _place(index: Index, place: dict) -> dict:
    out = node(index, "service_at_location", place)
    location = index.get("location", place.get("location_id"))
    if location is not None:
        out["location"] = node(index, "location", location)
    return out


def _objects(index: Index, table: str, row: dict) -> dict:
    out = {}
    for key, target, column in OBJECTS[table]:
        found = index.get(target, row.get(column))
        if found is not None:
            out[key] = plain(target, found)
    return out


def service_summary(index: Index, service: dict) -> dict:
    """Return a service's one-to-one fields with its organization (the list shape)."""
    return {**plain("service", service), **_objects(index, "service", service)}


def service_at_location_summary(index: Index, place: dict) -> dict:
    """Return a service at a location with the location and the service (the list shape)."""
    return {**plain("service_at_location", place), **_objects(index, "service_at_location", place)}


# -- reading nested documents back into rows --------------------------------------------------


@dataclass
class Origin:
    """Where a row came from: a file and a row number (CSV) or a JSON pointer."""

    file: str
    where: str

    def __str__(self) -> str:
        return f"{self.file} {self.where}"


@dataclass
class FlatRow:
    """One row read from a file, before its values are checked."""

    table: str
    values: dict
    origin: Origin
    text: bool = False  # values are CSV text, not JSON values
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (column, warning)


def _type_name(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a string" if isinstance(value, str) else "a number or other value"


def flatten(table: str, obj: dict, file: str, pointer: str = "") -> list[FlatRow]:
    """Return a nested document as flat rows, each child given its parent's id."""
    out: list[FlatRow] = []
    _walk(table, obj, {}, file, pointer, out)
    return out


def _walk(
    table: str, obj: dict, implied: dict, file: str, pointer: str, out: list[FlatRow]
) -> FlatRow:
    columns = BY_NAME[table].columns
    row = FlatRow(table, {c: obj.get(c) for c in columns}, Origin(file, pointer or "/"))
    out.append(row)
    for column, value in implied.items():
        _imply(row, column, value, "the object it is nested in")
    for key, target, column in OBJECTS.get(table, ()):
        child = obj.get(key)
        if child is None:
            continue
        if not isinstance(child, dict):
            row.problems.append((key, f"must be an object, not {_type_name(child)}"))
            continue
        shared = SHARED.get((table, key))
        implied = {shared[0]: row.values.get(shared[1])} if shared else {}
        inner = _walk(target, child, implied, file, f"{pointer}/{key}", out)
        _imply(row, column, inner.values.get("id"), f"its {key}")
    for key, child_table, column in CHILDREN.get(table, ()):
        items = obj.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            row.problems.append((key, f"must be an array, not {_type_name(items)}"))
            continue
        for n, item in enumerate(items):
            if not isinstance(item, dict):
                row.problems.append((f"{key}[{n}]", f"must be an object, not {_type_name(item)}"))
                continue
            child = _walk(
                child_table, item, {column: row.values.get("id")}, file, f"{pointer}/{key}/{n}", out
            )
            if child_table == "attribute":
                _entity(child, table)
    return row


def _entity(attribute: FlatRow, table: str) -> None:
    # link_entity is free text in HSDS (the official examples say "link_entity"): where it is
    # nested says more than what it claims, so a contradiction is a warning, not a fault.
    given = attribute.values.get("link_entity")
    if given is not None and given != table:
        attribute.notes.append(
            ("link_entity", f"{given!r} is taken as {table!r}, where the attribute is nested")
        )
    attribute.values["link_entity"] = table


def _imply(row: FlatRow, column: str, value: object, source: str) -> None:
    if value is None:
        return
    current = row.values.get(column)
    if current is None:
        row.values[column] = value
    elif current != value:
        row.problems.append((column, f"{current!r} contradicts {source} ({value!r})"))
