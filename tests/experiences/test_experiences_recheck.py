"""When patients' answers contradict a verified item, a moderator re-checks it; the score
itself still counts only what moderators verified."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.experiences import services
from directory.vetting.services import clinic_vetting, get_claim
from tests.experiences.helpers import MODERATOR, answers, published
from tests.moderation.helpers import pending_claim, verify
from tests.soup import parse_html, text_of

ITEM = "consultation-allergy-test"
TODAY = date.today()


@pytest.fixture
def verified(db, clinic):
    """c-1 with its allergy-testing claim verified."""
    pending_claim(db, "c-1", ITEM)
    verify(db, "c-1", ITEM, on=TODAY - timedelta(days=1), until=TODAY + timedelta(days=300))
    return ITEM


def patients(app, db, yes: int, no: int, question: str = "allergies", start: int = 0) -> None:
    """Publish experiences: `yes` saying yes to the question, `no` saying no."""
    for n in range(yes + no):
        said = "yes" if n < yes else "no"
        published(
            app,
            db,
            email=f"p{start + n}@example.org",
            answers=answers(**{question: said}),
        )


def open_flags(db) -> list[dict]:
    return list(db.query("select * from experience_flags where state = 'open'"))


def recheck(db, mod_client, **data):
    """Post the re-check form of the one open flag; return the response."""
    (flag,) = open_flags(db)
    return mod_client.post(f"/moderation/experiences/rechecks/{flag['id']}", data=data)


def test_ten_contradicting_answers_flag_the_item_and_the_page_says_so(
    app, db, client, verified, mod_client
):
    score_before = clinic_vetting(db, "c-1", TODAY)["score"]
    patients(app, db, yes=4, no=5)
    assert open_flags(db) == []  # nine answers are not enough
    patients(app, db, yes=0, no=1, start=9)
    (flag,) = open_flags(db)
    assert (flag["item_key"], flag["question"], flag["yes"], flag["answered"]) == (
        ITEM,
        "allergies",
        4,
        10,
    )
    # The score still counts only what moderators verified.
    assert clinic_vetting(db, "c-1", TODAY)["score"] == score_before
    assert get_claim(db, "c-1", ITEM)["state"] == "verified"
    # The queue has the re-check, filed under the item.
    tree = parse_html(mod_client.get(f"/moderation/?item={ITEM}").data)
    (row,) = tree.select("ol.queue li.queue-row")
    assert (row["data-kind"], row["data-item"]) == ("experience", ITEM)
    assert "4 of 10 said yes" in text_of(row)
    # The clinic page says a re-check is under way, and shows the share.
    page = parse_html(client.get("/clinics/c-1").data)
    notice = page.find("div", class_="recheck")
    assert notice["data-items"] == ITEM
    assert "re-checking the evidence" in text_of(notice)
    share = page.find("li", attrs={"data-question": "allergies"})
    assert text_of(share).startswith("40% were asked about allergies")
    # The ledger records the flag.
    (event,) = db.query("select * from events where action = 'experience.recheck_flagged'")
    assert event["target_id"] == f"c-1:{ITEM}"


def test_half_saying_yes_is_no_contradiction(app, db, verified):
    patients(app, db, yes=5, no=5)
    assert open_flags(db) == []


def test_an_item_that_is_not_verified_is_not_flagged(app, db, clinic):
    patients(app, db, yes=0, no=10)
    assert open_flags(db) == []


def test_the_evidence_holds_and_the_item_is_flagged_again_only_after_as_many_answers(
    app, db, client, verified, mod_client
):
    patients(app, db, yes=2, no=8)
    response = recheck(
        db, mod_client, outcome="holds", note="The consultation form includes an allergy test."
    )
    assert response.headers["Location"] == "/moderation/?kind=experience"
    assert open_flags(db) == []
    assert parse_html(client.get("/clinics/c-1").data).find("div", class_="recheck") is None
    patients(app, db, yes=0, no=9, start=10)
    assert open_flags(db) == []  # 19 answers: not yet 10 more
    patients(app, db, yes=0, no=1, start=19)
    assert [f["answered"] for f in open_flags(db)] == [20]


def test_a_recheck_can_ask_a_second_moderator_to_reverse_the_verification(
    app, db, verified, mod_client
):
    patients(app, db, yes=1, no=9)
    response = recheck(db, mod_client, outcome="reverse", note="The form has no allergy question.")
    assert response.headers["Location"] == "/moderation/actions"
    (action,) = db.query("select * from pending_actions")
    assert (action["kind"], action["item_key"], action["state"]) == (
        "reverse_verification",
        ITEM,
        "pending",
    )
    assert "Patients' answers contradict it" in action["reason"]
    assert open_flags(db) == []
    # Nothing changes until a second moderator confirms it.
    assert get_claim(db, "c-1", ITEM)["state"] == "verified"


def test_a_recheck_needs_an_outcome_and_a_note(app, db, verified, mod_client):
    patients(app, db, yes=0, no=10)
    response = recheck(db, mod_client)
    assert response.status_code == 400
    text = text_of(parse_html(response.data).find("form", class_="recheck-form"))
    assert "Choose one." in text and "Say what you checked." in text
    assert len(open_flags(db)) == 1


def test_a_flag_closes_when_the_item_is_no_longer_verified(app, db, verified, runner):
    patients(app, db, yes=0, no=10)
    assert len(open_flags(db)) == 1
    # The verification expires: there is nothing left to re-check.
    result = runner.invoke(
        args=["experiences", "sweep", "--today", (TODAY + timedelta(days=400)).isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert open_flags(db) == []
    (flag,) = db.query("select * from experience_flags")
    assert flag["outcome"] == "no-longer-verified"


def test_the_sweep_flags_an_item_verified_after_the_answers_came_in(app, db, clinic, runner):
    patients(app, db, yes=0, no=10)
    assert open_flags(db) == []
    pending_claim(db, "c-1", ITEM)
    verify(db, "c-1", ITEM, on=TODAY, until=TODAY + timedelta(days=300))
    result = runner.invoke(args=["experiences", "sweep"])
    assert "flagged 1 verified items" in result.output
    assert len(open_flags(db)) == 1


def test_the_sweep_forgets_experiences_never_confirmed(app, db, clinic, runner):
    from tests.experiences.helpers import new_codes, submission

    made = services.submit_experience(
        db, "c-1", submission(new_codes(db)[0]), receipts_dir=app.config["RECEIPTS_DIR"]
    )
    db.execute("update experiences set created_at = '2000-01-01T00:00:00+00:00'")
    result = runner.invoke(args=["experiences", "sweep"])
    assert "Forgot 1 unconfirmed experiences" in result.output
    assert db.execute("select count(*) from experiences").fetchone()[0] == 0
    assert services.confirm_experience(db, made["id"], made["email_hash"]) is None


def test_a_recheck_is_done_once(app, db, verified):
    patients(app, db, yes=0, no=10)
    (flag,) = open_flags(db)
    services.resolve_flag(db, MODERATOR, flag["id"], outcome="holds", note="Checked the form.")
    with pytest.raises(services.ExperienceError):
        services.resolve_flag(db, MODERATOR, flag["id"], outcome="holds", note="Again.")
