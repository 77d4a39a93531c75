"""What patients see on the clinic page, the methodology's section, and the clinic's one reply."""

from __future__ import annotations

import pytest

from directory.experiences import services
from tests.experiences.helpers import answers, published
from tests.soup import parse_html, text_of


def section(client, path: str = "/clinics/c-1"):
    return parse_html(client.get(path).data).find("section", class_="experiences")


def test_a_clinic_without_experiences_invites_one(client, clinic):
    found = section(client)
    assert text_of(found.find("p", class_="experience-count")) == "0 verified patient experiences"
    assert found.find("ul", class_="experience-shares") is None
    link = found.find("p", class_="share-experience").find("a")
    assert link["href"] == "/clinics/c-1/experiences/new"


def test_fewer_than_five_show_no_percentages(app, db, client, clinic):
    for n in range(4):
        published(app, db, email=f"p{n}@example.org", rating=4)
    found = section(client)
    assert text_of(found.find("p", class_="experience-count")) == "4 verified patient experiences"
    shares = found.find("ul", class_="experience-shares").find_all("li")
    assert len(shares) == 7
    assert all("Not enough experiences yet." in text_of(li) for li in shares)
    assert "%" not in text_of(found.find("ul", class_="experience-shares"))
    assert found.find("dl", class_="rating-spread") is None
    assert "Not enough experiences yet" in text_of(found.find("p", class_="not-enough"))
    # The experiences themselves are shown, newest first.
    assert len(found.find_all("li", class_="experience")) == 4


def test_from_five_answers_the_shares_and_the_spread_show(app, db, client, clinic):
    ratings = [5, 5, 4, 3, 5]
    for n, rating in enumerate(ratings):
        said = answers(allergies="yes" if n else "no", pregnancy="unsure" if n else "yes")
        published(app, db, email=f"p{n}@example.org", rating=rating, answers=said)
    found = section(client)
    allergies = found.find("li", attrs={"data-question": "allergies"})
    assert text_of(allergies) == "80% were asked about allergies (4 of 5)"
    assert allergies["data-item"] == "consultation-allergy-test"
    # "Not sure" answers do not count: one answer is not enough for a share.
    pregnancy = found.find("li", attrs={"data-question": "pregnancy"})
    assert "Not enough experiences yet." in text_of(pregnancy)
    spread = found.find("dl", class_="rating-spread")
    counts = {div["data-rating"]: text_of(div.find("span", class_="n")) for div in spread("div")}
    assert counts == {"5": "3", "4": "1", "3": "1", "2": "0", "1": "0"}
    assert text_of(found.find("p", class_="rating-mean")) == "4.4 out of 5 on average"
    # The latest five, each with its treatment, month and rating.
    latest = found.find_all("li", class_="experience")
    assert len(latest) == 5
    assert "rated 5 out of 5" in text_of(latest[0])


def test_the_page_is_translated(app, db, client, clinic):
    for n in range(5):
        published(app, db, email=f"p{n}@example.org")
    french = section(client, "/clinics/c-1?lang=fr")
    assert text_of(french.find("h2")) != "Patients' experiences"
    share = text_of(french.find("li", attrs={"data-question": "allergies"}))
    # French writes a space before the sign (text_of shows the no-break space as a space).
    assert share == "100 % ont été interrogés sur leurs allergies (5 sur 5)"
    arabic = section(client, "/clinics/c-1?lang=ar")
    assert text_of(arabic.find("h2")) == "تجارب المرضى"  # "patients' experiences"
    assert text_of(arabic.find("p", class_="experience-count")) == "5 تجارب موثّقة من المرضى"


def test_the_clinic_replies_once_publicly(app, db, client, clinic, owner_client):
    experience_id = published(app, db)
    path = f"/manage/c-1/experiences/{experience_id}/reply"
    response = owner_client.post(path, data={"body": "Thank you for your kind words."})
    assert response.status_code == 302
    reply = section(client).find("div", class_="reply")
    assert "Thank you for your kind words." in text_of(reply)
    again = owner_client.post(path, data={"body": "And once more."})
    assert again.status_code == 400
    assert "a clinic replies once" in text_of(parse_html(again.data).find("main"))
    (event,) = db.query("select * from events where action = 'experience.replied'")
    assert "Thank you for your kind words." in event["after"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write your reply."),  # nothing
        ("<script>alert(1)</script>", "HTML is not allowed here"),  # a script
        ("x" * 1001, "At most 1000 characters."),  # too long
    ],
)
def test_a_bad_reply_is_refused_and_kept(app, db, clinic, owner_client, body, message):
    experience_id = published(app, db)
    response = owner_client.post(
        f"/manage/c-1/experiences/{experience_id}/reply", data={"body": body}
    )
    assert response.status_code == 400
    tree = parse_html(response.data)
    errors = tree.find("ul", id=f"reply-{experience_id}-errors")
    assert message in text_of(errors)
    assert tree.find("textarea", id=f"reply-{experience_id}").string in (body, None, "")
    assert db.execute("select count(*) from experience_replies").fetchone()[0] == 0


def test_only_the_clinics_people_reply_to_its_own_experiences(app, db, clinic, owner_client):
    experience_id = published(app, db, "c-2")
    # Another clinic's experience does not exist for this clinic's owner.
    response = owner_client.post(
        f"/manage/c-1/experiences/{experience_id}/reply", data={"body": "Not ours."}
    )
    assert response.status_code == 404
    assert (
        owner_client.post(
            f"/manage/c-2/experiences/{experience_id}/reply", data={"body": "Not ours."}
        ).status_code
        == 404
    )
    assert (
        app.test_client()
        .post(f"/manage/c-1/experiences/{experience_id}/reply", data={"body": "Anonymous"})
        .status_code
        == 302
    )  # to log in


def test_the_methodology_explains_how_experiences_are_used(client):
    tree = parse_html(client.get("/methodology").data)
    found = tree.find("section", class_="experiences-method")
    text = text_of(found)
    assert "never change the score" in text
    assert "at least 10 patients" in text and "fewer than 50%" in text
    questions = found.find("ul", class_="experience-questions").find_all("li")
    assert len(questions) == len(services.load_questions().questions)
    assert questions[1].find("a")["href"] == "#item-consultation-allergy-test"
