"""The safety guide: every page renders, covers its topics, links to the checklist, reads fast."""

from __future__ import annotations

import re

import pytest

from directory.patients.guide import GUIDE_PAGES, neighbours
from directory.vetting.checklist import load_checklist
from tests.soup import parse_html, text_of

# A five-minute read at an unhurried 200 words a minute.
MAX_WORDS = 1000


def article(client, slug):
    response = client.get(f"/guide/{slug}")
    assert response.status_code == 200
    return parse_html(response.data).find("article")


def checklist_keys() -> set[str]:
    return set(load_checklist().keys)


def methodology_keys(node) -> list[str]:
    out = []
    for a in node.find_all("a"):
        match = re.fullmatch(r"/methodology#item-([a-z0-9-]+)", a.get("href") or "")
        if match:
            out.append(match.group(1))
    return out


@pytest.mark.parametrize(
    ("slug", "topics"),
    [
        # what it is, each variant, sessions, and the difference from microneedling
        (
            "mesotherapy",
            [
                "middle layer of the skin",
                "face mesotherapy",
                "body mesotherapy",
                "hair mesotherapy",
                "mesolifting",
                "mesobotox",
                "needle-free",
                "how sessions usually run",
                "consultation",
                "differs from microneedling",
            ],
        ),
        # who should not have it, or must ask a doctor first
        (
            "who-should-not",
            [
                "pregnancy",
                "breastfeeding",
                "bleeding disorders",
                "blood thinner",
                "skin infection",
                "inflammation",
                "uncontrolled diabetes",
                "autoimmune",
                "allergies to ingredients",
                "talk to your doctor",
            ],
        ),
        # common effects and how long they last, rarer ones, and the warning signs
        (
            "side-effects",
            [
                "redness",
                "swelling",
                "bruising",
                "tenderness",
                "itching",
                "a few hours",
                "a week or two",
                "allergic reaction",
                "infection",
                "pigment change",
                "nodules",
                "scarring",
                "spreading",
                "worse",
                "pus",
                "warm",
                "fever",
                "difficulty breathing",
                "widespread rash",
                "lumps that persist",
                "emergency number",
            ],
        ),
        # preparing and aftercare
        (
            "before-and-after",
            [
                "medicines and supplements",
                "doctor",
                "alcohol",
                "sun",
                "exercise",
                "heat",
                "saunas",
                "never stop a prescribed medicine",
            ],
        ),
        # the printable list of questions
        (
            "questions",
            [
                "who will treat me",
                "allergy test",
                "batch number",
                "in writing",
                "at night or at the weekend",
                "complaint",
                "insured",
                "full price",
            ],
        ),
    ],
)
def test_guide_page_covers_its_topics(client, slug, topics):
    text = text_of(article(client, slug)).lower()
    missing = [topic for topic in topics if topic.lower() not in text]
    assert missing == []


@pytest.mark.parametrize("slug", GUIDE_PAGES)
def test_guide_page_reads_in_five_minutes(client, slug):
    words = len(text_of(article(client, slug)).split())
    assert 150 < words <= MAX_WORDS


@pytest.mark.parametrize("slug", GUIDE_PAGES)
def test_guide_page_links_only_to_real_checklist_items(client, slug):
    keys = methodology_keys(article(client, slug))
    assert keys, "every guide page ties some statement to the checklist"
    assert set(keys) <= checklist_keys()


@pytest.mark.parametrize("slug", GUIDE_PAGES)
def test_guide_page_tells_readers_to_talk_to_a_doctor(client, slug):
    assert "talk to a doctor" in text_of(article(client, slug)).lower()


def test_questions_page_asks_about_every_checklist_item_once(client):
    questions = article(client, "questions").find("ol", class_="questions")
    items = questions.find_all("li")
    keys = [methodology_keys(li) for li in items]
    assert all(len(k) == 1 for k in keys)
    assert sorted(k[0] for k in keys) == sorted(checklist_keys())
    # The link names the check, from the checklist file itself.
    first = items[0].find("a")
    assert text_of(first) == "What we check: Licensed medical staff"


def test_questions_page_prints_on_one_page(client):
    tree = parse_html(client.get("/guide/questions").data)
    assert tree.find("link", href="/static/style.css") is not None
    assert len(text_of(tree.find("ol", class_="questions")).split()) < 400
    assert "no-print" in tree.find("nav", class_="guide-pager")["class"]


def test_guide_index_lists_every_page_in_order(client):
    tree = parse_html(client.get("/guide").data)
    links = [a["href"] for a in tree.find("ol", class_="guide-pages").find_all("a")]
    assert links == [f"/guide/{slug}" for slug in GUIDE_PAGES]
    assert tree.find("a", href="/self-check") is not None


def test_guide_pages_link_to_their_neighbours(client):
    for slug in GUIDE_PAGES:
        tree = parse_html(client.get(f"/guide/{slug}").data)
        before, after = neighbours(slug)
        prev_link = tree.find("a", rel="prev")
        next_link = tree.find("a", rel="next")
        assert (prev_link["href"] if prev_link else None) == (
            f"/guide/{before}" if before else None
        )
        assert (next_link["href"] if next_link else None) == (f"/guide/{after}" if after else None)


@pytest.mark.parametrize("slug", ["nope", "_layout", "_pages", "..%2Fself_check", "index"])
def test_unknown_guide_page_is_404(client, slug):
    assert client.get(f"/guide/{slug}").status_code == 404


def test_every_page_has_the_safety_guide_in_its_nav(client, db):
    from tests.patients.helpers import save

    save(db, "c-1")
    for path in ("/", "/clinics", "/clinics/c-1", "/compare", "/self-check"):
        nav = parse_html(client.get(path).data).find("nav", **{"aria-label": "Main"})
        assert nav.find("a", href="/guide") is not None, path
