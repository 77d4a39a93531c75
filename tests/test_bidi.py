"""Bidi controls in echoed text: stripped from every echo, whatever the control."""

from __future__ import annotations

import json

import pytest
from flask_babel import force_locale
from markupsafe import Markup

from directory.bidi import BIDI_CONTROLS, echo, strip_bidi
from directory.clinics.services import save_profile
from directory.search.extension import open_search_index
from directory.search.services import drain_outbox
from tests.conftest import make_profile
from tests.soup import parse_html, text_of

CONTROLS = [pytest.param(c, id=f"U+{ord(c):04X}") for c in BIDI_CONTROLS]


def _has_control(text: str) -> bool:
    return any(c in text for c in BIDI_CONTROLS)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # a right-to-left override would reverse everything after it
        ("\u202etest", "test"),
        # an embedding closed by its PDF still goes: overrides are never needed in a query
        ("a\u202bb\u202cc", "abc"),
        # marks go
        ("x\u200fy\u200ez\u061c", "xyz"),
        # an isolate left open, or a closing one with nothing open, goes
        ("\u2067abc", "abc"),
        ("abc\u2069 def", "abc def"),
        # an isolate opened and closed inside the text cannot reach outside it: it stays
        ("see \u206651.52,-0.15\u2069.", "see \u206651.52,-0.15\u2069."),
        # nested: the inner pair is closed, the outer one is left open
        ("\u2068a\u2067b\u2069", "a\u2067b\u2069"),
        # text without controls is returned as it is
        ("عيادة Harley", "عيادة Harley"),
    ],
)
def test_strip_bidi_rules(typed, shown):
    assert strip_bidi(typed) == shown


def test_markup_is_the_templates_own_and_is_left_alone():
    assert echo(Markup("<bdi>\u202e</bdi>")) == Markup("<bdi>\u202e</bdi>")
    assert echo("\u202eplain") == "plain"
    assert echo(3) == 3


@pytest.mark.parametrize("control", CONTROLS)
def test_search_page_echoes_the_query_without_the_control(client, control):
    response = client.get("/search", query_string={"q": f"{control}test"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert not _has_control(html)
    page = parse_html(html)
    assert text_of(page.title).startswith("test – search")
    assert page.find("input", id="q")["value"] == "test"
    assert "“test”" in text_of(page.find("main"))


@pytest.mark.parametrize("control", CONTROLS)
def test_the_api_never_echoes_the_control(client, control):
    ok = client.get("/api/v1/clinics", query_string={"q": f"{control}test", "per_page": "1"})
    # An unknown place is echoed in the interpretation's notes; a bad sort in the error.
    near = client.get("/api/v1/clinics", query_string={"near": f"{control}12,x"})
    bad = client.get("/api/v1/clinics", query_string={"sort": f"{control}bogus"})
    for response in (ok, near, bad):
        assert not _has_control(json.dumps(response.get_json(), ensure_ascii=False))
    assert "'12,x'" in json.dumps(near.get_json()["interpretation"])
    assert bad.status_code == 400 and "'bogus'" in bad.get_json()["error"]["reason"]


@pytest.mark.parametrize("control", CONTROLS)
def test_a_refused_form_is_shown_again_without_the_control(client, control):
    typed = f"{control}ana@clinic.example"
    response = client.post(
        "/account/register", data={"email": typed, "password": "short", "confirm": "short"}
    )
    html = response.get_data(as_text=True)
    assert not _has_control(html)
    assert parse_html(html).find("input", id="email")["value"] == "ana@clinic.example"


@pytest.mark.parametrize("control", CONTROLS)
def test_a_clinic_name_from_a_profile_reaches_titles_without_the_control(app, client, db, control):
    save_profile(db, make_profile("c-1", name=f"Harley {control}Skin"), actor="import")
    drain_outbox(db, open_search_index(app))
    for path in ("/clinics/c-1", "/search?q=harley", "/compare?ids=c-1"):
        html = client.get(path).get_data(as_text=True)
        assert "Harley Skin" in html, path
        assert not _has_control(html), path
    page = parse_html(client.get("/clinics/c-1").get_data(as_text=True))
    assert text_of(page.title).startswith("Harley Skin")


def test_the_catalogs_own_isolates_are_kept(client):
    response = client.get("/self-check", query_string={"near": "12,x", "lang": "ar"})
    # The Arabic sentence isolates the example coordinates on purpose; that stays.
    assert "\u206651.52,-0.15\u2069" in response.get_data(as_text=True)


def test_a_remembered_sentence_follows_the_locale_and_the_escaping(app):
    """Plain sentences are translated once per locale: a forced locale and text mail differ."""
    sentence = app.jinja_env.from_string("{{ _('Add to compare') }}")
    # A translation is markup on an escaping page, plain text in a text mail: what is joined
    # to it is escaped only on the page.
    joined = "{{ _('A & B') ~ '<b>' }}"
    plain = app.jinja_env.from_string(f"{{% autoescape false %}}{joined}{{% endautoescape %}}")
    escaping = app.jinja_env.from_string(f"{{% autoescape true %}}{joined}{{% endautoescape %}}")
    with app.test_request_context("/?lang=fr"):
        french = sentence.render()
        with force_locale("ar"):
            arabic = sentence.render()
        again = sentence.render()
        assert plain.render() == "A & B<b>"
        assert escaping.render() == "A & B&lt;b&gt;"
    with app.test_request_context("/"):
        english = sentence.render()
    assert english == "Add to compare"
    assert french == again and french.startswith("Ajouter")
    assert arabic != french and arabic != english
