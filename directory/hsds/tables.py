"""The 21 tables of the HSDS 3.0 tabular package: names, files, fields, types and links.

Written from Open Referral's datapackage.json (HSDS 3.0, CC-BY-SA-4.0; "Human Services Data
Specification: an Open Referral resource (openreferral.org)"); tests/hsds/test_hsds_tables.py
holds it equal to the upstream file, so our exports describe exactly the standard's tables.
"""

from __future__ import annotations

from dataclasses import dataclass

SPEC_VERSION = "3.0"


@dataclass(frozen=True)
class F:
    """One column: its name, Table Schema type, format, and constraints."""

    name: str
    type: str
    fmt: str | None = None
    required: bool = False
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Resource:
    """One table: name, CSV file, columns in order, and (column, referenced table) links."""

    name: str
    path: str
    fields: tuple[F, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> F | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


RESOURCES: tuple[Resource, ...] = (
    Resource(
        "organization",
        "organizations.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("name", "string", required=True),
            F("alternate_name", "string"),
            F("description", "string", required=True),
            F("email", "string", fmt="email"),
            F("website", "string", fmt="uri"),
            F("tax_status", "string"),
            F("tax_id", "string"),
            F("year_incorporated", "number"),
            F("legal_status", "string"),
            F("logo", "string"),
            F("uri", "string", fmt="uri"),
            F("parent_organization_id", "string", fmt="uuid"),
        ),
    ),
    Resource(
        "program",
        "programs.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("organization_id", "string", fmt="uuid", required=True),
            F("name", "string", required=True),
            F("alternate_name", "string"),
            F("description", "string", required=True),
        ),
        (("organization_id", "organization"),),
    ),
    Resource(
        "service",
        "services.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("organization_id", "string", fmt="uuid", required=True),
            F("program_id", "string", fmt="uuid"),
            F("name", "string", required=True),
            F("alternate_name", "string"),
            F("description", "string"),
            F("url", "string", fmt="uri"),
            F("email", "string", fmt="email"),
            F(
                "status",
                "string",
                required=True,
                enum=("active", "inactive", "defunct", "temporarily closed"),
            ),
            F("interpretation_services", "string"),
            F("application_process", "string"),
            F("fees_description", "string"),
            F("wait_time", "string"),
            F("fees", "string"),
            F("accreditations", "string"),
            F("eligibility_description", "string"),
            F("minimum_age", "number"),
            F("maximum_age", "number"),
            F("assured_date", "date"),
            F("assurer_email", "string", fmt="email"),
            F("licenses", "string"),
            F("alert", "string"),
            F("last_modified", "datetime"),
        ),
        (
            ("organization_id", "organization"),
            ("program_id", "program"),
        ),
    ),
    Resource(
        "attribute",
        "attributes.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("link_id", "string", fmt="uuid", required=True),
            F("taxonomy_term_id", "string", fmt="uuid", required=True),
            F("link_type", "string"),
            F("link_entity", "string", required=True),
            F("value", "string"),
        ),
        (("taxonomy_term_id", "taxonomy_term"),),
    ),
    Resource(
        "service_at_location",
        "service_at_location.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("service_id", "string", fmt="uuid", required=True),
            F("location_id", "string", fmt="uuid", required=True),
            F("description", "string"),
        ),
        (
            ("service_id", "service"),
            ("location_id", "location"),
        ),
    ),
    Resource(
        "location",
        "locations.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("location_type", "string", required=True, enum=("physical", "postal", "virtual")),
            F("url", "string", fmt="uri"),
            F("organization_id", "string", fmt="uuid"),
            F("name", "string"),
            F("alternate_name", "string"),
            F("description", "string"),
            F("transportation", "string"),
            F("latitude", "number"),
            F("longitude", "number"),
            F("external_identifier", "string"),
            F("external_identifier_type", "string"),
        ),
        (("organization_id", "organization"),),
    ),
    Resource(
        "phone",
        "phones.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("location_id", "string", fmt="uuid"),
            F("service_id", "string", fmt="uuid"),
            F("organization_id", "string", fmt="uuid"),
            F("contact_id", "string", fmt="uuid"),
            F("service_at_location_id", "string", fmt="uuid"),
            F("number", "string", required=True),
            F("extension", "number"),
            F("type", "string"),
            F("description", "string"),
        ),
        (
            ("contact_id", "contact"),
            ("location_id", "location"),
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ),
    ),
    Resource(
        "contact",
        "contacts.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("organization_id", "string", fmt="uuid"),
            F("service_id", "string", fmt="uuid"),
            F("service_at_location_id", "string", fmt="uuid"),
            F("location_id", "string", fmt="uuid"),
            F("name", "string"),
            F("title", "string"),
            F("department", "string"),
            F("email", "string", fmt="email"),
        ),
        (
            ("location_id", "location"),
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ),
    ),
    Resource(
        "address",
        "addresses.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("location_id", "string", fmt="uuid"),
            F("attention", "string"),
            F("address_1", "string", required=True),
            F("address_2", "string"),
            F("city", "string", required=True),
            F("region", "string"),
            F("state_province", "string", required=True),
            F("postal_code", "string", required=True),
            F("country", "string", required=True),
            F("address_type", "string", required=True, enum=("physical", "postal", "virtual")),
        ),
        (("location_id", "location"),),
    ),
    Resource(
        "schedule",
        "schedules.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("service_id", "string", fmt="uuid"),
            F("location_id", "string", fmt="uuid"),
            F("service_at_location_id", "string", fmt="uuid"),
            F("valid_from", "date"),
            F("valid_to", "date"),
            F("dtstart", "date"),
            F("timezone", "number"),
            F("until", "date"),
            F("count", "number"),
            F("wkst", "string", enum=("MO", "TU", "WE", "TH", "FR", "SA", "SU")),
            F("freq", "string", enum=("WEEKLY", "MONTHLY")),
            F("interval", "number"),
            F("byday", "string"),
            F("byweekno", "string"),
            F("bymonthday", "string"),
            F("byyearday", "string"),
            F("description", "string"),
            F("opens_at", "time"),
            F("closes_at", "time"),
            F("schedule_link", "string", fmt="uri"),
            F("attending_type", "string"),
            F("notes", "string"),
        ),
        (
            ("location_id", "location"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ),
    ),
    Resource(
        "funding",
        "funding.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("organization_id", "string", fmt="uuid"),
            F("service_id", "string", fmt="uuid"),
            F("source", "string"),
        ),
        (
            ("organization_id", "organization"),
            ("service_id", "service"),
        ),
    ),
    Resource(
        "service_area",
        "service_areas.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("service_id", "string", fmt="uuid"),
            F("name", "string"),
            F("description", "string"),
            F("extent", "string"),
            F("extent_type", "string"),
            F("uri", "string"),
        ),
        (("service_id", "service"),),
    ),
    Resource(
        "required_document",
        "required_documents.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("service_id", "string", fmt="uuid"),
            F("document", "string"),
            F("uri", "string", fmt="uri"),
        ),
        (("service_id", "service"),),
    ),
    Resource(
        "language",
        "languages.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("service_id", "string", fmt="uuid"),
            F("location_id", "string", fmt="uuid"),
            F("phone_id", "string", fmt="uuid"),
            F("name", "string"),
            F("code", "string"),
            F("note", "string"),
        ),
        (
            ("location_id", "location"),
            ("phone_id", "phone"),
            ("service_id", "service"),
        ),
    ),
    Resource(
        "accessibility",
        "accessibility.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("location_id", "string", fmt="uuid"),
            F("description", "string"),
            F("details", "string"),
            F("url", "string", fmt="uri"),
        ),
        (("location_id", "location"),),
    ),
    Resource(
        "taxonomy_term",
        "taxonomy_terms.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("code", "string"),
            F("name", "string", required=True),
            F("description", "string", required=True),
            F("parent_id", "string", fmt="uuid"),
            F("taxonomy", "string"),
            F("language", "string"),
            F("taxonomy_id", "string", fmt="uuid"),
            F("term_uri", "string", fmt="uri"),
        ),
        (("taxonomy_id", "taxonomy"),),
    ),
    Resource(
        "metadata",
        "metadata.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("resource_id", "string", fmt="uuid", required=True),
            F("resource_type", "string", required=True),
            F("last_action_date", "date", required=True),
            F("last_action_type", "string", required=True),
            F("field_name", "string", required=True),
            F("previous_value", "string", required=True),
            F("replacement_value", "string", required=True),
            F("updated_by", "string", required=True),
        ),
    ),
    Resource(
        "meta_table_description",
        "meta_table_descriptions.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("name", "string"),
            F("language", "string"),
            F("character_set", "string"),
        ),
    ),
    Resource(
        "cost_option",
        "cost_options.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("service_id", "string", fmt="uuid", required=True),
            F("valid_from", "date"),
            F("valid_to", "date"),
            F("option", "string"),
            F("currency", "string"),
            F("amount", "number"),
            F("amount_description", "string"),
        ),
        (("service_id", "service"),),
    ),
    Resource(
        "organization_identifier",
        "organization_identifiers.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("organization_id", "string", fmt="uuid", required=True),
            F("identifier_scheme", "string"),
            F("identifier_type", "string", required=True),
            F("identifier", "string", required=True),
        ),
        (("organization_id", "organization"),),
    ),
    Resource(
        "taxonomy",
        "taxonomies.csv",
        (
            F("id", "string", fmt="uuid", required=True),
            F("name", "string", required=True),
            F("description", "string", required=True),
            F("uri", "string", fmt="uri"),
            F("version", "string"),
        ),
    ),
)
BY_NAME = {r.name: r for r in RESOURCES}


def _field_descriptor(f: F) -> dict:
    out: dict = {"name": f.name, "type": f.type}
    if f.fmt:
        out["format"] = f.fmt
    constraints: dict = {"required": f.required}
    if f.name == "id":
        constraints["unique"] = True
    if f.enum:
        constraints["enum"] = list(f.enum)
    out["constraints"] = constraints
    return out


def descriptor(*, name: str, title: str, description: str, version: str) -> dict:
    """Return a tabular data package descriptor for the 21 HSDS tables."""
    return {
        "name": name,
        "title": title,
        "description": description,
        "profile": "tabular-data-package",
        "version": version,
        "resources": [
            {
                "name": r.name,
                "path": r.path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {
                    "primaryKey": "id",
                    "fields": [_field_descriptor(f) for f in r.fields],
                    **(
                        {
                            "foreignKeys": [
                                {"fields": column, "reference": {"resource": table, "fields": "id"}}
                                for column, table in r.foreign_keys
                            ]
                        }
                        if r.foreign_keys
                        else {}
                    ),
                },
            }
            for r in RESOURCES
        ],
    }
