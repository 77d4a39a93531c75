"""GET /search: the page a patient uses, read as HTML structure."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from directory.search.extension import EXTENSION_KEY
from directory.vetting import storage as vetting_storage
from index.types import Hit
from tests.conftest import make_profile
from tests.search.helpers import PUBLISHED, FakeIndex
from tests.soup import foreign_scripts, parse_html, text_of


def get_page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return parse_html(response.get_data(as_text=True))


def result_ids(page) -> list[str]:
    return [li["data-clinic-id"] for li in page.find_all("li", class_="result")]


def query_of(href: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(href).query)


def use_index(app, fake: FakeIndex) -> FakeIndex:
    app.extensions[EXTENSION_KEY] = fake
    return fake


def test_nav_has_a_search_link(client):
    page = get_page(client, "/")
    nav = page.find("nav", **{"aria-label": "Main"})
    assert "/search" in [a.get("href") for a in nav.find_all("a")]


def test_empty_query_lists_every_published_clinic(client, clinics):
    page = get_page(client, "/search")
    assert sorted(result_ids(page)) == PUBLISHED
    assert text_of(page.find("p", class_="total")) == f"{len(PUBLISHED)} clinics."


def test_result_cards_show_name_place_treatments_score_and_badge(client, db, clinics):
    vetting_storage.set_score(db, "gb-1", 91.6, True)
    page = get_page(client, "/search?near=51.5203,-0.1466")
    card = page.find("li", class_="result", **{"data-clinic-id": "gb-1"})
    link = card.find("a", class_="clinic-link")
    assert (text_of(link), link["href"]) == ("Harley Skin Clinic", "/clinics/gb-1")
    assert text_of(card.find("p", class_="place")).startswith("London, United Kingdom")
    assert text_of(card.find("span", class_="distance")) == "0.0 km away"
    offers = card.find("ul", class_="treatments").find_all("li")
    assert [text_of(li.find("span")) for li in offers] == ["Face mesotherapy", "Microneedling"]
    assert all(li.find(class_="price") for li in offers)  # each with its price, or "not given"
    # Rounded down, like the score itself: a badge never overstates.
    assert text_of(card.find(class_="score-badge")) == "Score 91 /100"
    assert text_of(card.find(class_="core-verified")) == "✓ Core checks verified"
    other = page.find("li", class_="result", **{"data-clinic-id": "gb-2"})
    assert other.find(class_="core-verified") is None
    assert text_of(other.find(class_="score-badge")) == "Not scored yet"
    assert get_page(client, "/search").find("span", class_="distance") is None


def test_description_with_html_is_shown_escaped(client, add_clinics):
    add_clinics(make_profile("evil", description='Meso <script>alert("x")</script><img src=x>'))
    response = client.get("/search?q=meso")
    html = response.get_data(as_text=True)
    page = parse_html(html)
    card = page.find("li", class_="result", **{"data-clinic-id": "evil"})
    assert card.find("script") is None and card.find("img") is None
    assert '<script>alert("x")</script>' in text_of(card.find("p", class_="snippet"))
    assert "&lt;script&gt;" in html


def test_index_snippet_keeps_mark_and_nothing_else(app, client, add_clinics):
    add_clinics(make_profile("gb-1"))
    snippet = "Face <mark>meso</mark>therapy &lt;b&gt; <script>alert(1)</script>"
    use_index(app, FakeIndex([Hit("gb-1", 1, 1.0, snippet=snippet)]))
    card = get_page(client, "/search?q=meso").find("li", class_="result")
    paragraph = card.find("p", class_="snippet")
    assert [n.name for n in paragraph.find_all(True)] == ["mark"]
    assert text_of(paragraph, " ") == "Face meso therapy <b>"


def test_did_you_mean_links_to_the_suggestion_keeping_filters(app, client):
    use_index(app, FakeIndex(suggestion="mesotherapy"))
    page = get_page(client, "/search?q=mesoterapy&country=GB&page=2")
    link = page.find("p", class_="suggestion").find("a")
    assert text_of(link) == "mesotherapy"
    assert query_of(link["href"]) == [("q", "mesotherapy"), ("country", "GB")]


def test_facets_show_counts_and_keep_the_chosen_values_checked(app, client, add_clinics):
    add_clinics(make_profile("gb-1"))
    facets = {
        "country": {"GB": 12, "AE": 3},
        "city": {"London": 9, "Manchester": 3},
        "treatment": {"mesotherapy": 7, "microneedling": 2},
        "language": {"en": 12, "ar": 4},
    }
    use_index(app, FakeIndex([Hit("gb-1", 1, 1.0)], total=12, facets=facets))
    page = get_page(client, "/search?country=GB&language=fr")
    boxes = {
        (box["name"], box["value"]): box
        for box in page.find_all("input", type="checkbox")
        if box["name"] in facets
    }
    assert set(boxes) == {
        ("country", "GB"),
        ("country", "AE"),
        ("city", "London"),
        ("city", "Manchester"),
        ("treatment", "mesotherapy"),
        ("treatment", "microneedling"),
        ("language", "en"),
        ("language", "ar"),
        ("language", "fr"),  # fr: chosen, no count
    }
    checked = {key for key, box in boxes.items() if "checked" in box.attrs}
    assert checked == {("country", "GB"), ("language", "fr")}
    country = page.find("fieldset", **{"data-facet": "country"})
    assert text_of(country.find("legend")) == "Country"
    labels = [text_of(label) for label in country.find_all("label")]
    assert labels == ["United Kingdom (12)", "United Arab Emirates (3)"]
    treatment = page.find("fieldset", **{"data-facet": "treatment"})
    assert "Mesotherapy (7)" in [text_of(label) for label in treatment.find_all("label")]


def test_no_results_says_so_and_offers_each_filter_removal(client):
    url = "/search?q=xyzzy&country=FR&treatment=mesotherapy&min_score=50"
    page = get_page(client, url)
    assert text_of(page.find("p", class_="total")).startswith("No clinics match “xyzzy”")
    links = {a["data-relax"]: a for a in page.find("ul", class_="relax").find_all("a")}
    assert set(links) == {"country", "treatment", "min_score", "q"}
    assert text_of(links["country"]) == "Remove country: France"
    assert query_of(links["country"]["href"]) == [
        ("q", "xyzzy"),
        ("treatment", "mesotherapy"),
        ("min_score", "50"),
    ]
    assert text_of(links["treatment"]) == "Remove treatment: Mesotherapy"
    assert query_of(links["q"]["href"]) == [
        ("country", "FR"),
        ("treatment", "mesotherapy"),
        ("min_score", "50"),
    ]


def test_pager_links_keep_the_search(client, add_clinics):
    add_clinics(*[make_profile(f"c-{n:02d}", name=f"Clinic {n}") for n in range(25)])
    page = get_page(client, "/search?q=clinic&country=GB")
    pager = page.find("nav", class_="pager")
    assert "Page 1 of 2" in text_of(pager)
    assert pager.find("a", rel="prev") is None
    next_href = pager.find("a", rel="next")["href"]
    assert query_of(next_href) == [("q", "clinic"), ("country", "GB"), ("page", "2")]
    second = get_page(client, next_href)
    assert len(result_ids(second)) == 5
    assert query_of(second.find("a", rel="prev")["href"]) == [
        ("q", "clinic"),
        ("country", "GB"),
    ]


def test_too_long_query_shows_a_message_beside_the_field_and_keeps_it(client):
    typed = "mesotherapy " * 20
    page = get_page(client, f"/search?q={typed}", status=400)
    field = page.find("input", id="q")
    assert field["value"] == typed and field["aria-invalid"] == "true"
    assert "at most 200 characters" in text_of(page.find("p", id="q-error"))
    assert page.find("li", class_="result") is None


def test_unknown_place_in_near_is_ignored_with_a_note(client, clinics):
    page = get_page(client, "/search?q=meso&near=Qwxzyville&sort=distance")
    assert page.find("input", id="near")["value"] == "Qwxzyville"
    note = text_of(page.find("p", class_="read-unknown-place"))
    assert "We do not know the place “Qwxzyville”" in note
    assert page.find("input", id="q")["value"] == "meso"
    assert result_ids(page)  # not an empty page: the words still search everywhere


def test_bad_filters_are_shown_in_their_fieldsets(client):
    page = get_page(client, "/search?country=Narnia&min_score=200", status=400)
    assert "two-letter" in text_of(page.find("fieldset", **{"data-facet": "country"}))
    assert page.find("p", id="min-score-error") is not None
    assert page.find("input", id="min_score")["value"] == "200"


def test_unpublished_and_suspended_never_listed(client, clinics):
    html = client.get("/search?q=clinic&per_page=100").get_data(as_text=True)
    assert "Hidden Unpublished Clinic" not in html and "Suspended Sample Clinic" not in html


def test_form_is_accessible_without_javascript(client, clinics):
    page = get_page(client, "/search?q=meso")
    form = page.find("form", role="search")
    assert form["method"] == "get" and form["action"] == "/search"
    # The filters join the form with form="search-form": the form closes before the results,
    # so each result's own "Add to compare" form is not swallowed by it.
    assert form.find("li", class_="result") is None and form.find("form") is None
    controls = form.find_all(["input", "select"]) + page.find_all(attrs={"form": form["id"]})
    assert len(controls) > 5
    labelled = {label.get("for") for label in page.find_all("label")}
    for control in controls:
        if control.get("type") in ("hidden", "submit"):
            continue
        wrapped = control.find_parent("label") is not None
        assert wrapped or control.get("id") in labelled, control.attrs
        assert control.find_parent("form") in (None, form), control.attrs
    for fieldset in page.find("aside", id="filters").find_all("fieldset"):
        assert text_of(fieldset.find("legend"))
    assert foreign_scripts(page) == []


def test_filter_and_query_narrow_the_page(client, clinics):
    page = get_page(client, "/search?q=mesotherapy&country=AE")
    assert result_ids(page) == ["ae-1"]
    assert page.find("mark") is not None


@pytest.mark.parametrize("sort", ["relevance", "score"])
def test_sort_choice_is_kept_in_the_form(client, clinics, sort):
    page = get_page(client, f"/search?sort={sort}")
    chosen = [
        o["value"]
        for o in page.find("select", id="sort").find_all("option")
        if "selected" in o.attrs
    ]
    assert chosen == [sort]


def test_vetting_filters_reach_the_index_and_show_as_removable(app, client, monkeypatch):
    from directory.search import views

    monkeypatch.setattr(views, "checklist_titles", lambda: {"licensed-staff": "Licensed staff"})
    fake = use_index(app, FakeIndex(total=5))
    page = get_page(client, "/search?verified=licensed-staff&min_score=60&core_verified=on")
    (request,) = fake.requests
    assert (request.verified, request.min_score, request.core_verified) == (
        ("licensed-staff",),
        60.0,
        True,
    )
    box = page.find(
        "input", attrs={"type": "checkbox", "name": "verified", "value": "licensed-staff"}
    )
    assert "checked" in box.attrs and text_of(box.parent) == "Licensed staff"
    assert "checked" in page.find("input", type="checkbox", attrs={"name": "core_verified"}).attrs
    chips = {text_of(a): a["href"] for a in page.find_all("a", class_="remove-filter")}
    assert query_of(chips["Remove “Licensed staff”"]) == [
        ("min_score", "60"),
        ("core_verified", "true"),
    ]
    assert query_of(chips["Remove the minimum score of 60"]) == [
        ("core_verified", "true"),
        ("verified", "licensed-staff"),
    ]


def test_error_summary_lists_every_problem(client):
    page = get_page(client, "/search?sort=distance&per_page=0", status=400)
    summary = page.find("ul", class_="error-summary")
    assert [li["data-field"] for li in summary.find_all("li")] == ["sort", "per_page"]
    assert "needs near" in text_of(summary)


def test_the_page_says_how_it_read_places_and_words_with_undo_links(client, clinics):
    page = get_page(client, "/search?q=hair+loss+dubai")
    assert result_ids(page) == ["ae-1"]
    place_line = page.find("p", class_="read-place")
    assert "Dubai, United Arab Emirates" in text_of(place_line)
    undo = place_line.find("a", class_="undo-place")
    assert query_of(undo["href"]) == [("q", "hair loss dubai"), ("anywhere", "true")]
    term_line = text_of(page.find("p", class_="read-term"))
    assert term_line.startswith("“hair loss”: showing clinics for Hair loss (Hair mesotherapy).")
    arabic = get_page(client, "/search?q=hair+loss+dubai&lang=ar")
    assert "عيادات في" in text_of(arabic.find("p", class_="read-place"))


def test_a_dead_end_shows_most_words_and_drops_only_the_failing_one(client, clinics):
    page = get_page(client, "/search?q=mesotherapy+glasgow")
    assert result_ids(page)[0] == "gb-3"
    link = page.find("a", class_="drop-word")
    assert link["data-dropped"] == "glasgow"
    assert query_of(link["href"]) == [("q", "mesotherapy")]


def test_nothing_matching_offers_to_drop_one_word_at_a_time(client, clinics):
    page = get_page(client, "/search?q=xyzzy+qwrtp")
    assert result_ids(page) == []
    links = page.find_all("a", attrs={"data-relax": "q"})
    assert [query_of(a["href"]) for a in links] == [[("q", "qwrtp")], [("q", "xyzzy")]]
