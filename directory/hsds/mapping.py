"""A clinic as HSDS 3.0 table rows: the one mapping from our profile to Open Referral's model.

Pure: a profile, its vetting summary and its last-modified time in, rows by table out (docs/hsds.md
has the table). Ids are uuid5 of our ids, so the same clinic always gets the same HSDS ids.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pycountry

from directory.vocabulary import Vocabulary

# Never change: every HSDS id we have published is derived from it.
NAMESPACE = uuid.UUID("6f1c1b1e-3c36-5d9b-9a53-2f3c0f6b7e15")
# HSDS requires an organization description; a clinic without one gets this, and the
# importer reads it back as "no description".
NO_DESCRIPTION = "A clinic listed in the Vetted directory."
VETTED_SCHEME = "vetted"
CLINIC_ID_TYPE = "clinic_id"
# Vetting states published as attributes (claimed, pending and rejected stay private).
PUBLISHED_STATES = ("verified", "fading", "expired")
VERIFIER_ROLE = "moderator"


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: str
    description: str


TAXONOMIES = {
    t.key: t
    for t in (
        Taxonomy(
            "vetted-treatments",
            "Vetted treatments",
            "The aesthetic treatments of the Vetted vocabulary; a term's code is its key.",
        ),
        Taxonomy(
            "vetted-vetting",
            "Vetted checklist state",
            "What Vetted's moderators found for a checklist item (the attribute's link_type "
            "names the item): verified, fading (due for a re-check) or expired; the value "
            "gives verified_at, fades_from, expires_at and verified_by_role, never a name. "
            "Also the clinic's score (0-100) and whether its core items are verified.",
        ),
        Taxonomy(
            "vetted-practitioner",
            "Vetted practitioner details",
            "Marks a contact as a practitioner and carries their licence: number, issuing "
            "authority, expiry date, and whether they prescribe.",
        ),
        Taxonomy(
            "vetted-experiences",
            "Vetted verified patient experiences",
            "Aggregates of the experiences patients with proof of a visit shared, moderated "
            "before publication: how many (count), the mean overall rating from 1 to 5 "
            "(rating), and per question the share who said yes (share-yes; the attribute's "
            "link_type names the question, the value gives percent and answered). Shares and "
            "ratings appear only once enough patients answered; never a person's data.",
        ),
        Taxonomy(
            "iso-3166-1",
            "ISO 3166-1 alpha-2 country codes",
            "The country of a location, also when its address is incomplete for HSDS.",
        ),
    )
}
# Our own terms by taxonomy: code -> (name, description).
TERMS = {
    "vetted-vetting": {
        "verified": ("Verified", "A moderator checked the evidence; the verification is current."),
        "fading": ("Verified, due for re-check", "Checked, but past its re-check date."),
        "expired": ("Verification expired", "The verification is too old to count."),
        "score": ("Vetting score", "The clinic's vetting score, 0 to 100, rounded down."),
        "core-verified": ("Core verified", "Whether every applicable core item is verified."),
    },
    "vetted-practitioner": {
        "practitioner": ("Practitioner", "This contact treats patients; the value is their role."),
        "licence-number": ("Licence number", "The practitioner's licence or registration number."),
        "licence-authority": ("Licensing authority", "The authority that issued the licence."),
        "licence-expiry": ("Licence expiry", "The date the licence expires (YYYY-MM-DD)."),
        "prescriber": ("Prescriber", "The practitioner may prescribe medicines."),
    },
    "vetted-experiences": {
        "count": ("Verified patient experiences", "How many experiences were published."),
        "rating": ("Mean overall rating", "The mean of the patients' ratings, 1 to 5."),
        "share-yes": (
            "Share who said yes",
            "Of the patients who answered the question, the share "
            "who said yes (percent, and how many answered).",
        ),
        "recheck": (
            "Re-check under way",
            "Patients' answers contradict this verified item (the "
            "link_type); a moderator is re-checking its evidence.",
        ),
    },
}
LICENCE_FIELDS = {
    "licence-number": "licence_number",
    "licence-authority": "licence_authority",
    "licence-expiry": "licence_expiry",
}
# Cost options carry a treatment's price range as two amounts.
PRICE_FROM, PRICE_TO = "from", "up to"


def hsds_id(*parts: str) -> str:
    """Return the stable HSDS id (uuid5) of one of our things, named by its parts."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def organization_id(clinic_id: str) -> str:
    return hsds_id("organization", clinic_id)


def service_id(clinic_id: str, treatment: str) -> str:
    return hsds_id("service", clinic_id, treatment)


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def taxonomy_row(key: str, version: str | None = None) -> dict:
    t = TAXONOMIES[key]
    return {
        "id": hsds_id("taxonomy", key),
        "name": t.name,
        "description": t.description,
        "version": version,
    }


def term_row(taxonomy: str, code: str, vocabulary: Vocabulary) -> dict:
    """Return the taxonomy_term row of one of our terms."""
    if taxonomy == "vetted-treatments":
        term = vocabulary.treatments[code]
        name, description = term.label, term.description or term.label
    elif taxonomy in TERMS:
        name, description = TERMS[taxonomy][code]
    else:
        name = country_name(code)
        description = f"The country {name} ({code})."
    return {
        "id": hsds_id("term", taxonomy, code),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": taxonomy,
        "language": "en",
        "taxonomy_id": hsds_id("taxonomy", taxonomy),
    }


@dataclass
class Rows:
    """HSDS rows by table name, plus the (taxonomy, code) terms they use."""

    tables: dict[str, list[dict]]
    terms: set[tuple[str, str]]

    def add(self, table: str, row: dict) -> dict:
        self.tables.setdefault(table, []).append(row)
        return row


def _attribute(
    rows: Rows,
    clinic_id: str,
    link: tuple[str, str],
    term: tuple[str, str],
    *,
    value: str | None = None,
    link_type: str | None = None,
) -> None:
    entity, link_id = link
    taxonomy, code = term
    rows.terms.add(term)
    rows.add(
        "attribute",
        {
            "id": hsds_id("attribute", clinic_id, entity, link_id, taxonomy, code, link_type or ""),
            "link_id": link_id,
            "taxonomy_term_id": hsds_id("term", taxonomy, code),
            "link_type": link_type,
            "link_entity": entity,
            "value": value,
        },
    )


def _address_complete(address: dict) -> bool:
    # HSDS requires address_1, city, state_province and postal_code; we derive state_province.
    return bool(address.get("lines") and address.get("city") and address.get("postcode"))


def one_line_address(address: dict) -> str:
    """Return an address in one line, ending with the country's name."""
    parts = [*address.get("lines", []), address.get("city"), address.get("region")]
    return ", ".join([p for p in parts if p] + [country_name(address["country"])])


def clinic_rows(
    clinic: dict,
    *,
    vocabulary: Vocabulary,
    vetting: dict | None = None,
    experiences: dict | None = None,
    modified: str | None = None,
) -> Rows:
    """Map one clinic profile (its public vetting, its experiences' aggregates) to HSDS rows."""
    cid = clinic["id"]
    rows = Rows({}, set())
    org = organization_id(cid)
    contact = clinic.get("contact") or {}
    rows.add(
        "organization",
        {
            "id": org,
            "name": clinic["name"],
            "alternate_name": clinic.get("brand"),
            "description": clinic.get("description") or NO_DESCRIPTION,
            "email": contact.get("email"),
            "website": contact.get("website"),
        },
    )
    ids = [(VETTED_SCHEME, CLINIC_ID_TYPE, cid)]
    ids += [(None, key, value) for key, value in sorted((clinic.get("external_ids") or {}).items())]
    for scheme, kind, value in ids:
        rows.add(
            "organization_identifier",
            {
                "id": hsds_id("identifier", cid, kind),
                "organization_id": org,
                "identifier_scheme": scheme,
                "identifier_type": kind,
                "identifier": value,
            },
        )
    location = _location_rows(rows, clinic, org)
    if contact.get("phone"):
        rows.add(
            "phone",
            {
                "id": hsds_id("phone", cid),
                "location_id": location,
                "organization_id": org,
                "number": contact["phone"],
                "type": "voice",
            },
        )
    _practitioner_rows(rows, clinic, org)
    for treatment in clinic.get("treatments") or []:
        _service_rows(rows, clinic, treatment, org, location, vocabulary, modified)
    if vetting is not None:
        _vetting_rows(rows, cid, org, vetting)
    if experiences:
        _experience_rows(rows, cid, org, experiences)
    return rows


def _location_rows(rows: Rows, clinic: dict, org: str) -> str:
    cid, address = clinic["id"], clinic["address"]
    point = clinic.get("location") or {}
    complete = _address_complete(address)
    location = rows.add(
        "location",
        {
            "id": hsds_id("location", cid),
            "location_type": "physical",
            "organization_id": org,
            "name": clinic["name"],
            # Without a full HSDS address the place is still said, in words.
            "description": None if complete else one_line_address(address),
            "latitude": point.get("lat"),
            "longitude": point.get("lon"),
        },
    )["id"]
    if complete:
        lines = address["lines"]
        rows.add(
            "address",
            {
                "id": hsds_id("address", cid),
                "location_id": location,
                "address_1": lines[0],
                "address_2": ", ".join(lines[1:]) or None,
                "city": address["city"],
                "region": address.get("region"),
                # HSDS requires it; most countries' addresses have no state, so the region,
                # else the city, stands in (the importer reads the region back).
                "state_province": address.get("region") or address["city"],
                "postal_code": address["postcode"],
                "country": address["country"],
                "address_type": "physical",
            },
        )
    _attribute(rows, cid, ("location", location), ("iso-3166-1", address["country"]))
    for code in clinic.get("languages") or []:
        language = pycountry.languages.get(alpha_2=code)
        rows.add(
            "language",
            {
                "id": hsds_id("language", cid, code),
                "location_id": location,
                "name": language.name if language else code,
                "code": code,
            },
        )
    if clinic.get("opening_hours"):
        rows.add(
            "schedule",
            {
                "id": hsds_id("schedule", cid),
                "location_id": location,
                "description": clinic["opening_hours"],
            },
        )
    return location


def _practitioner_rows(rows: Rows, clinic: dict, org: str) -> None:
    cid = clinic["id"]
    for position, person in enumerate(clinic.get("practitioners") or []):
        contact = rows.add(
            "contact",
            {
                "id": hsds_id("contact", cid, str(position)),
                "organization_id": org,
                "name": person["name"],
                "title": person.get("role"),
            },
        )["id"]
        link = ("contact", contact)
        term = ("vetted-practitioner", "practitioner")
        _attribute(rows, cid, link, term, value=person.get("role"))
        for code, key in LICENCE_FIELDS.items():
            if person.get(key):
                _attribute(rows, cid, link, ("vetted-practitioner", code), value=person[key])
        if person.get("prescriber"):
            _attribute(rows, cid, link, ("vetted-practitioner", "prescriber"), value="true")


def _service_rows(
    rows: Rows,
    clinic: dict,
    treatment: dict,
    org: str,
    location: str,
    vocabulary: Vocabulary,
    modified: str | None,
) -> None:
    cid, key = clinic["id"], treatment["key"]
    term = vocabulary.treatments.get(key)
    service = rows.add(
        "service",
        {
            "id": service_id(cid, key),
            "organization_id": org,
            "name": term.label if term else key,
            "description": term.description if term else None,
            "url": (clinic.get("contact") or {}).get("website"),
            "email": (clinic.get("contact") or {}).get("email"),
            "status": "active",
            "last_modified": modified,
        },
    )["id"]
    _attribute(rows, cid, ("service", service), ("vetted-treatments", key))
    rows.add(
        "service_at_location",
        {
            "id": hsds_id("service_at_location", cid, key),
            "service_id": service,
            "location_id": location,
        },
    )
    for option, amount in ((PRICE_FROM, "price_from"), (PRICE_TO, "price_to")):
        if treatment.get(amount) is not None:
            rows.add(
                "cost_option",
                {
                    "id": hsds_id("cost_option", cid, key, option),
                    "service_id": service,
                    "option": option,
                    "currency": treatment.get("currency"),
                    "amount": treatment[amount],
                },
            )


def _vetting_rows(rows: Rows, cid: str, org: str, vetting: dict) -> None:
    link = ("organization", org)
    _attribute(rows, cid, link, ("vetted-vetting", "score"), value=f"{vetting['score']:.1f}")
    core = "true" if vetting["core_verified"] else "false"
    _attribute(rows, cid, link, ("vetted-vetting", "core-verified"), value=core)
    for item in vetting["items"]:
        if item["state"] not in PUBLISHED_STATES:
            continue
        details = {
            "verified_at": item.get("verified_at"),
            "fades_from": item.get("fades_from"),
            "expires_at": item.get("expires_at"),
            "verified_by_role": VERIFIER_ROLE,
        }
        value = ";".join(f"{k}={v}" for k, v in details.items() if v)
        _attribute(
            rows, cid, link, ("vetted-vetting", item["state"]), value=value, link_type=item["key"]
        )


def _experience_rows(rows: Rows, cid: str, org: str, experiences: dict) -> None:
    """Attributes of the organization for its verified patient experiences (aggregates only)."""
    if not experiences["count"]:
        return
    link, term = ("organization", org), "vetted-experiences"
    _attribute(rows, cid, link, (term, "count"), value=str(experiences["count"]))
    if experiences["rating"]["mean"] is not None:
        _attribute(rows, cid, link, (term, "rating"), value=f"{experiences['rating']['mean']:.1f}")
    for question in experiences["questions"]:
        if question["share"] is None:
            continue
        value = f"percent={question['percent']};answered={question['answered']}"
        _attribute(rows, cid, link, (term, "share-yes"), value=value, link_type=question["key"])
    for item in experiences["rechecks"]:
        _attribute(rows, cid, link, (term, "recheck"), value="true", link_type=item)
