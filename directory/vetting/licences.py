"""The licence rule (pure): a verification about licences never outlives the licences it covers.

An item with `licences` in the checklist ("all" practitioners, or the "prescribers") was
verified against those practitioners' licences. The earliest of their expiry dates caps the
verification's expiry: the day that licence lapses the item counts for nothing and says whose
licence it was. Practitioners without an expiry date (or with an unreadable one) set no cap;
whether they need a licence at all is the moderator's judgement when verifying.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from directory.vetting.checklist import Item


@dataclass(frozen=True)
class LicenceCap:
    """The licence that ends first among those an item covers: whose, and when."""

    name: str
    expires: date


def covered(item: Item, practitioners: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Return the practitioners whose licences this item's verification covers."""
    if not item.licences:
        return []
    people = list(practitioners or [])
    if item.licences == "prescribers":
        return [p for p in people if p.get("prescriber")]
    return people


def _expiry(person: Mapping[str, Any]) -> date | None:
    value = person.get("licence_expiry")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def licence_cap(item: Item, practitioners: Iterable[Mapping[str, Any]]) -> LicenceCap | None:
    """Return the earliest licence expiry among the practitioners the item covers, or None."""
    dated = [(_expiry(p), p) for p in covered(item, practitioners)]
    dated = [(expires, p) for expires, p in dated if expires is not None]
    if not dated:
        return None
    # On equal dates the first practitioner listed is named, so the answer is stable.
    expires, person = min(dated, key=lambda pair: pair[0])
    return LicenceCap(name=str(person.get("name") or "a practitioner"), expires=expires)


def capped_expiry(expires_at: date, cap: LicenceCap | None) -> date:
    """Return the expiry a verification may have: its own, or the licence's if earlier."""
    return min(expires_at, cap.expires) if cap else expires_at
