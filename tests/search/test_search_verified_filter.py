"""The "verified only" filters reach the index: only moderator-verified items count."""

from datetime import date

from directory.clinics.services import save_profile
from directory.search.extension import get_index
from directory.search.services import drain_outbox, rebuild_index
from directory.vetting import services as vetting
from index import SearchRequest
from tests.conftest import make_profile
from tests.vetting.conftest import verify

ITEM = "informed-consent"


def _verify(db, clinic_id):
    verify(db, clinic_id, ITEM, today=date.today(), days_ago=0)


def _ids(app, **filters):
    with app.app_context():
        found = get_index().search(SearchRequest(**filters))
    return sorted(h.id for h in found.hits)


def test_verified_filter_counts_only_verified_claims(app, db):
    save_profile(db, make_profile("c-1"), actor="t")
    save_profile(db, make_profile("c-2", name="Other Clinic"), actor="t")
    save_profile(db, make_profile("c-3", name="Third Clinic"), actor="t")
    _verify(db, "c-1")
    # c-2 only claims the item: a claim without a moderator's check never counts.
    vetting.claim_item(db, "c-2", ITEM, statement="Trust us.", actor="c")
    with app.app_context():
        drain_outbox(db, get_index())
    assert _ids(app, verified=(ITEM,)) == ["c-1"]
    assert _ids(app) == ["c-1", "c-2", "c-3"]
    # A rebuild from the store keeps the same answer.
    with app.app_context():
        rebuild_index(db, get_index())
    assert _ids(app, verified=(ITEM,)) == ["c-1"]
