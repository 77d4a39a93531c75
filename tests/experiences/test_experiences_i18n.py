"""The patients' pages of experiences speak Arabic (right to left) and French."""

from __future__ import annotations

from collections import Counter

import pytest

from directory.evidence import files, pdf
from directory.experiences import codes, images, photos, rules
from directory.experiences.questions import load_questions
from directory.i18n import known
from tests.experiences.helpers import form_data, new_codes, published, submit
from tests.soup import parse_html, text_of
from tests.test_i18n import ENGLISH_WORDS, catalog, html_lang, latin_share, own_text

PAGES = ["/clinics/c-1/experiences/new", "/clinics/c-1/experiences/sent"]


@pytest.mark.parametrize("path", PAGES)
def test_arabic_pages_have_no_english_left_but_names(client, db, clinic, path):
    tree = parse_html(client.get(path, headers={"Accept-Language": "ar"}).data)
    assert html_lang(tree) == ("ar", "rtl")
    # Latin left: names, codes such as ABCD-EFGH-JK34, file types such as PDF.
    assert latin_share(own_text(tree.find("main"))) <= 0.06, path


@pytest.mark.parametrize("path", PAGES)
def test_french_pages_are_in_french(client, db, clinic, path):
    tree = parse_html(client.get(f"{path}?lang=fr").data)
    assert html_lang(tree) == ("fr", "ltr")
    words = Counter(own_text(tree.find("main")).lower().split())
    assert sum(words[w] for w in ENGLISH_WORDS) == 0, path


def test_the_arabic_form_keeps_an_arabic_refusal_beside_its_field(db, client, clinic):
    code = new_codes(db)[0]
    submit(client, form_data(code))
    response = submit(client, form_data(code, email="b@example.org"), **{"Accept-Language": "ar"})
    errors = parse_html(response.data).find("ul", id="code-errors")
    assert (
        text_of(errors)
        == "استُخدم هذا الرمز من قبل. يصلح كل رمز لمرة واحدة: اطلب رمزًا جديدًا من العيادة."
    )


def test_the_clinic_pages_summary_is_arabic(app, db, client, clinic):
    for n in range(5):
        published(app, db, email=f"p{n}@example.org")
    tree = parse_html(client.get("/clinics/c-1?lang=ar").data)
    share = text_of(tree.find("li", attrs={"data-question": "allergies"}))
    assert "سُئلوا عن الحساسية" in share and "100" in share
    # What is left in Latin letters is what patients wrote (here, in English).
    section = tree.find("section", class_="experiences")
    for written in section.find_all(class_="experience-text"):
        written.decompose()
    assert latin_share(own_text(section)) <= 0.03


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_every_refusal_and_question_is_in_the_catalogs(lang):
    # Strings made in Python and shown translated with |tr or lazy_gettext: each one present.
    questions = load_questions()
    shown = {
        *(q.text for q in questions.questions),
        *(q.summary for q in questions.questions),
        *(label for _key, label in questions.side_effects.choices),
        *rules.REFUSALS.values(),
        *(words for _category, words in photos.PHOTO_REPORTS.values()),
        codes.NOT_A_CODE,
        codes.UNKNOWN,
        codes.FOREIGN,
        codes.USED,
        codes.EXPIRED,
        *known.EVIDENCE_REFUSALS,  # a receipt is checked as evidence is
        images.EMPTY,
        images.TOO_BIG,
        images.NOT_IMAGE,
        images.TOO_MANY_PIXELS,
        images.UNREADABLE,
    }
    messages = catalog(lang)
    assert sorted(s for s in shown if not (messages.get(s) and messages.get(s).string)) == []


def test_every_refusal_of_a_receipt_or_evidence_is_marked_for_translation():
    # The receipt reuses directory/evidence/files.py and pdf.py; their messages are marked in
    # directory/i18n/known.py, so a changed message there must change there too.
    found = set()
    for data in (b"", b"x" * (files.MAX_BYTES + 1), b"MZ"):
        with pytest.raises(files.EvidenceFileError) as caught:
            files.check_document(data)
        found.add(str(caught.value))
    found |= {pdf.TOO_COMPLEX, pdf.UNREADABLE, pdf.ENCRYPTED}
    found |= {
        pdf.refusal(why) for why in (*pdf.FORBIDDEN_KEYS.values(), *pdf.FORBIDDEN_VALUES.values())
    }
    assert found == set(known.EVIDENCE_REFUSALS)
    assert known.N_("x") == "x"
