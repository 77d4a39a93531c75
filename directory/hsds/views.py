"""/api/hsds/*: the read-only HSDS 3.0 API (Open Referral's schema/openapi.json), for mirrors.

Published clinics only. Paging with page and per_page; modified_after (ISO 8601) returns what
changed on or after that time, so an aggregator can mirror the directory incrementally.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, abort, jsonify, request, url_for

from directory.db import get_db
from directory.hsds import pages
from directory.search.params import whole_number
from directory.vocabulary import load_vocabulary

bp = Blueprint("hsds_api", __name__, url_prefix="/api/hsds")
MAX_PAGE, MAX_PER_PAGE, DEFAULT_PER_PAGE = 10_000, 100, 20
# Open Referral's parameters this API does not offer: refused, never silently ignored.
UNSUPPORTED = ("search", "taxonomy_term_id", "taxonomy_id", "postcode", "proximity", "format")
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"


def _integer(name: str, default: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    value = whole_number(text, 1, high)  # "²" is a digit to str.isdigit, not to int()
    if value is None:
        abort(400, f"{name} must be a whole number from 1 to {high}.")
    return value


def _modified_after() -> str | None:
    text = request.args.get("modified_after")
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip()[:40])
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # The ledger's own format, so the comparison in SQL is a plain string comparison.
        return moment.astimezone(UTC).replace(microsecond=0).isoformat()
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted off the calendar
        abort(400, "modified_after must be an ISO 8601 date or time, such as 2026-01-31T09:00Z.")


def _flag(name: str) -> bool:
    text = request.args.get(name, "false").lower()
    if text not in ("true", "false"):
        abort(400, f"{name} must be true or false.")
    return text == "true"


def _uuid(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(value[:40]))
    except ValueError:
        abort(400 if name != "id" else 404, f"{name} must be a UUID.")


def _page_request() -> pages.PageRequest:
    for name in UNSUPPORTED:
        if name in request.args:
            abort(400, f"{name} is not supported by this API.")
    return pages.PageRequest(
        page=_integer("page", 1, MAX_PAGE),
        per_page=_integer("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
        modified_after=_modified_after(),
    )


def _organization() -> str | None:
    return _uuid("organization_id", request.args.get("organization_id"))


def _listing(page_of, page: pages.PageRequest, **filters):
    """Answer with one page of a list (page_of reads it), narrowed by the filters."""
    return jsonify(page_of(get_db(), page, vocabulary=load_vocabulary(), **filters))


def _published(document_of, record_id: str, noun: str):
    """Answer with one published record's document (document_of reads it), or a 404."""
    document = document_of(get_db(), _uuid("id", record_id), vocabulary=load_vocabulary())
    if document is None:
        abort(404, f"No published {noun} has this id.")
    return jsonify(document)


@bp.get("/")
def about():
    return jsonify(
        {
            "version": "3.0",
            "profile": url_for("hsds_api.about", _external=True),
            "openapi_url": OPENAPI_URL,
        }
    )


@bp.get("/services")
def list_services():
    page = _page_request()
    return _listing(pages.services_page, page, organization=_organization(), full=_flag("full"))


@bp.get("/services/<service_id>")
def get_service(service_id: str):
    return _published(pages.service_document, service_id, "service")


@bp.get("/organizations")
def list_organizations():
    return _listing(pages.organizations_page, _page_request())


@bp.get("/organizations/<org_id>")
def get_organization(org_id: str):
    return _published(pages.organization_document, org_id, "organization")


@bp.get("/service_at_locations")
def list_service_at_locations():
    page = _page_request()
    return _listing(pages.service_at_locations_page, page, organization=_organization())
