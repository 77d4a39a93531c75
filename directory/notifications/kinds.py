"""Every kind of notification a clinic receives, and what each must carry.

Each kind has a pair of templates, templates/mail/<kind>.txt (the subject and the plain-text
part) and templates/mail/<kind>.html (the HTML part, also shown on the dashboard).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A kind of notification: the values its message needs, and the page it points to."""

    params: tuple[str, ...]
    link: str = "dashboard"  # dashboard | item | home (the person's list of clinics)


KINDS: dict[str, Kind] = {
    # A new listing: published, or refused with a reason.
    "listing.approved": Kind(("clinic_name",)),
    "listing.rejected": Kind(("clinic_name", "reason")),
    # A claim to manage an existing listing (told to the claimant only).
    "ownership.approved": Kind(("clinic_name",)),
    "ownership.rejected": Kind(("clinic_name", "reason"), link="home"),
    # A checklist claim: verified, rejected, handed back with a question, or reversed.
    "claim.verified": Kind(("clinic_name", "item_key", "expires_at"), link="item"),
    "claim.rejected": Kind(("clinic_name", "item_key", "reason"), link="item"),
    "claim.info_requested": Kind(("clinic_name", "item_key", "note"), link="item"),
    "claim.reversed": Kind(("clinic_name", "item_key", "reason"), link="item"),
    # The listing taken off search by two moderators, and put back.
    "clinic.suspended": Kind(("clinic_name", "reason", "reopened")),
    "clinic.reinstated": Kind(("clinic_name", "reason")),
    # A verification about to expire (30, 14, 7 days before), and expired.
    "item.expiring": Kind(("clinic_name", "item_key", "expires_at", "days"), link="item"),
    "item.expired": Kind(("clinic_name", "item_key", "expires_at"), link="item"),
}
