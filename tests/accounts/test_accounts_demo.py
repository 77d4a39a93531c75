"""The demo logins: the demo clinic owner manages a demo clinic with claims in every state."""

from __future__ import annotations

from datetime import date

from directory.accounts.services import clinics_of_user, ensure_demo_logins, get_user
from directory.accounts.services.demo import ensure_demo_clinic
from directory.accounts.storage import get_user_by_email
from directory.clinics.services import save_profile
from directory.services import load_demo_data
from directory.vetting.demo import SHOWCASE_STATES
from directory.vetting.services import clinic_checklist
from tests.conftest import make_profile


def test_the_demo_owner_manages_a_clinic_with_claims_in_every_state(db, data_dir):
    # The default seed gives a clinic in every state among its first 60 (demo-00055).
    load_demo_data(db, count=60, seed=2026)
    logins = ensure_demo_logins(db, data_dir)
    owner = get_user_by_email(db, logins[0][0])
    [clinic] = clinics_of_user(db, owner["id"])
    assert clinic["role"] == "owner" and clinic["status"] == "published"
    states = {row["state"] for row in clinic_checklist(db, clinic["id"], date.today())}
    assert states == set(SHOWCASE_STATES)
    # A second run keeps the same clinic (and its password file).
    ensure_demo_logins(db, data_dir)
    assert [c["id"] for c in clinics_of_user(db, owner["id"])] == [clinic["id"]]


def test_a_real_clinic_never_gets_the_demo_owner(db, data_dir):
    save_profile(db, make_profile("real-clinic"), actor="test")
    logins = ensure_demo_logins(db, data_dir)
    owner = get_user(db, get_user_by_email(db, logins[0][0])["id"])
    assert clinics_of_user(db, owner["id"]) == []
    assert ensure_demo_clinic(db, today=date.today()) is None
