"""The daily sweep, its command, and the demo spread of vetting states."""

from __future__ import annotations

from datetime import timedelta

from directory.clinics.services import save_profile
from directory.vetting import services
from directory.vetting import storage as vetting_storage
from directory.vetting.demo import apply_demo_vetting
from tests.conftest import make_profile
from tests.vetting.conftest import TODAY, stored_score, verify

KEY = "licensed-staff"


def test_sweep_marks_expired_and_lowers_scores(store, clinic):
    verify(store, clinic, KEY, days_ago=30)  # expires 335 days from TODAY
    verify(store, clinic, "transparent-pricing", days_ago=30)
    services.sweep(store, today=TODAY)
    before = stored_score(store, clinic)["score"]
    expiry = TODAY + timedelta(days=335)

    summary = services.sweep(store, today=expiry)
    assert summary == {
        "today": expiry.isoformat(),
        "clinics": 1,
        "claims_expired": 1,
        "scores_changed": 1,
    }
    assert vetting_storage.get_claim(store, clinic, KEY)["state"] == "expired"
    after = stored_score(store, clinic)
    assert after["score"] < before and not after["core_verified"]
    event = services.claim_events(store, clinic, KEY)[-1]
    assert (event["action"], event["actor"], event["after"]["state"]) == (
        "claim.expired",
        "sweep",
        "expired",
    )
    history = vetting_storage.score_history(store, clinic)
    assert (history[-1]["at"], history[-1]["reason"]) == (
        expiry.isoformat(),
        "Verification expired",
    )
    # A second sweep the same day finds nothing more to do.
    assert services.sweep(store, today=expiry)["claims_expired"] == 0


def test_sweep_lowers_fading_scores_day_by_day(store, clinic):
    verify(store, clinic, KEY, days_ago=200)  # re-check was 20 days ago
    scores = []
    for day in range(3):
        services.sweep(store, today=TODAY + timedelta(days=day))
        scores.append(stored_score(store, clinic)["score"])
    assert scores[0] > scores[1] > scores[2] > 0


def test_sweep_command_prints_a_summary(app, runner, db):
    save_profile(db, make_profile("c-1"), actor="test")
    verify(db, "c-1", KEY, days_ago=400, expires_in=-1)
    result = runner.invoke(args=["vetting", "sweep", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"Swept 1 clinics as of {TODAY.isoformat()}: 1 verifications expired" in result.output
    assert vetting_storage.get_claim(db, "c-1", KEY)["state"] == "expired"


def _demo(db, seed):
    ids = []
    for n in range(40):
        profile = make_profile(f"demo-{n:03d}", name=f"Demo {n}")
        if n % 3 == 0:
            profile["treatments"] = [*profile["treatments"], {"key": "mesobotox"}]
        save_profile(db, profile, actor="demo")
        ids.append(profile["id"])
    counts = apply_demo_vetting(db, ids, today=TODAY, seed=seed)
    return counts, ids


def test_demo_vetting_spreads_every_state_deterministically(store):
    counts, ids = _demo(store, 2026)
    states = vetting_storage.count_by_state(store)
    assert set(states) == {"claimed", "pending_review", "verified", "rejected", "expired"}
    displayed = {
        row["state"] for cid in ids for row in services.clinic_checklist(store, cid, TODAY)
    }
    assert {
        "verified",
        "fading",
        "expired",
        "rejected",
        "claimed",
        "pending_review",
        "no_information",
    } <= displayed
    scores = [stored_score(store, cid)["score"] for cid in ids]
    assert all(score is not None for score in scores) and len(set(scores)) > 10
    assert all(len(vetting_storage.score_history(store, cid)) >= 1 for cid in ids)
    # Every verification was decided by a demo moderator before today.
    verified = services.list_claims(store, states=("verified",), limit=500)
    assert {c["verified_by_name"] for c in verified} <= {
        "Sofia Marin",
        "Omar Haddad",
        "Grace Okafor",
        "Lena Novak",
    }
    assert all(c["verified_at"] <= TODAY.isoformat() for c in verified)

    from directory.db import connect

    again = connect(None)
    try:
        assert _demo(again, 2026)[0] == counts
        same = [c["state"] for c in services.list_claims(again, limit=500)]
        assert same == [c["state"] for c in services.list_claims(store, limit=500)]
        other = connect(None)
        assert _demo(other, 7)[0] != counts
        other.close()
    finally:
        again.close()


def test_demo_history_stores_changes_on_the_days_they_happened(store):
    _, ids = _demo(store, 2026)
    start = (TODAY - timedelta(weeks=52)).isoformat()
    for cid in ids:
        history = vetting_storage.score_history(store, cid)
        past = [row["score"] for row in history if row["reason"] == "Demo history"]
        # A past row only when the score changed; the last row is the score stored today.
        assert all(a != b for a, b in zip(past, past[1:], strict=False)), cid
        assert history[-1]["score"] == stored_score(store, cid)["score"]
        assert history[-1]["at"] == TODAY.isoformat()
        claims = [
            c
            for c in services.list_claims(store, clinic_id=cid, limit=50)
            if c["state"] in ("verified", "expired")
        ]
        days = {start, TODAY.isoformat()}
        days |= {c[k][:10] for c in claims for k in ("verified_at", "expires_at") if c[k]}
        assert {row["at"] for row in history} <= days, cid
