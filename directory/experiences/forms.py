"""Forms of experiences (Flask-WTF, CSRF on): the patient's pages are translated (their labels
and messages are lazy_gettext strings), the clinic's and moderators' pages are English.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from directory.experiences import rules
from directory.experiences.questions import Questions
from directory.experiences.replies import MAX_REPLY
from directory.experiences.submissions import MAX_TEXT
from directory.moderation.forms import choices, clean_filter, strip_filter

MONTH = r"^[0-9]{4}-[0-9]{2}$"
ANSWER_LABELS = {
    "yes": lazy_gettext("Yes"),
    "no": lazy_gettext("No"),
    "unsure": lazy_gettext("Not sure, or does not apply"),
}


def question_field(name: str) -> str:
    """Return the form field that holds a question's answer."""
    return "q_" + name.replace("-", "_")


def chosen_file(field) -> object | None:
    upload = field.data
    return upload if upload is not None and getattr(upload, "filename", None) else None


def read_upload(field, max_bytes: int) -> bytes | None:
    """Return a chosen file's first max_bytes + 1 bytes (one over is enough to refuse it)."""
    upload = chosen_file(field)
    return upload.stream.read(max_bytes + 1) if upload else None


class ExperienceForm(FlaskForm):
    """The experience form; experience_form() adds one radio field per question."""

    code = StringField(
        lazy_gettext("Visit code from the clinic"),
        validators=[Optional(), Length(max=40, message=lazy_gettext("That is too long."))],
        filters=[strip_filter],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    receipt = FileField(
        lazy_gettext("Or: a photo or PDF of your receipt"),
        render_kw={"accept": "application/pdf,image/png,image/jpeg"},
    )
    email = EmailField(
        lazy_gettext("Your e-mail address"),
        validators=[
            DataRequired(lazy_gettext("Give your e-mail address: we send you a link to confirm.")),
            Length(max=254, message=lazy_gettext("That is too long.")),
            Email(lazy_gettext("That is not an e-mail address."), check_deliverability=False),
        ],
        filters=[strip_filter],
        render_kw={"autocomplete": "email"},
    )
    treatment = SelectField(
        lazy_gettext("Which treatment did you have?"),
        validators=[DataRequired(lazy_gettext("Choose a treatment from the list."))],
    )
    visit_month = StringField(
        lazy_gettext("When was your visit? (month)"),
        validators=[
            DataRequired(lazy_gettext("Give the month of your visit, such as 2026-03.")),
            Regexp(MONTH, message=lazy_gettext("Give the month of your visit, such as 2026-03.")),
        ],
        filters=[strip_filter],
        render_kw={"type": "month", "placeholder": "2026-03", "inputmode": "numeric"},
    )
    side_effects = RadioField(
        validators=[InputRequired(lazy_gettext("Choose an answer."))],
    )
    side_effects_text = TextAreaField(
        validators=[
            Length(max=MAX_TEXT, message=lazy_gettext("Keep it to 1000 characters or fewer."))
        ],
        filters=[clean_filter],
    )
    body = TextAreaField(
        lazy_gettext("In your own words (optional)"),
        validators=[
            Length(max=MAX_TEXT, message=lazy_gettext("Keep it to 1000 characters or fewer."))
        ],
        filters=[clean_filter],
    )
    rating = RadioField(
        lazy_gettext("Overall, how was your experience? (1 poor, 5 excellent)"),
        choices=choices((str(n), str(n)) for n in rules.RATINGS),
        validators=[InputRequired(lazy_gettext("Choose a rating from 1 to 5."))],
    )
    # The honeypot: hidden from people, filled in by simple bots.
    website = StringField("Leave this empty", validators=[Optional()])

    def questions(self, questions: Questions) -> list:
        return [self[question_field(q.key)] for q in questions.questions]

    def answers(self, questions: Questions) -> dict[str, str]:
        return {q.key: self[question_field(q.key)].data for q in questions.questions}


def experience_form(questions: Questions, treatments: list[tuple[str, str]], **kwargs):
    """Return the experience form with its questions (data) and this clinic's treatments."""

    class Form(ExperienceForm):
        pass

    for question in questions.questions:
        setattr(
            Form,
            question_field(question.key),
            RadioField(
                # The question texts are in the catalogs (extracted from the questions file).
                lazy_gettext(question.text),
                choices=choices(ANSWER_LABELS.items()),
                validators=[InputRequired(lazy_gettext("Choose an answer."))],
                description=lazy_gettext(question.hint) if question.hint else "",
            ),
        )
    form = Form(**kwargs)
    form.treatment.choices = choices(treatments, blank=lazy_gettext("Choose"))
    effects = questions.side_effects
    form.side_effects.label.text = lazy_gettext(effects.text)
    form.side_effects.choices = choices((k, lazy_gettext(label)) for k, label in effects.choices)
    form.side_effects_text.label.text = lazy_gettext(effects.handled)
    return form


class PhotoReportForm(FlaskForm):
    reason = RadioField(
        lazy_gettext("What is wrong with these photos?"),
        validators=[InputRequired(lazy_gettext("Choose what is wrong with the photos."))],
    )
    details = TextAreaField(
        lazy_gettext("Anything else we should know? (optional)"),
        validators=[Length(max=2000, message=lazy_gettext("At most %(max)d characters."))],
        filters=[clean_filter],
    )
    website = StringField("Leave this empty", validators=[Optional()])


# The clinic's pages (English) ---------------------------------------------------------------


class CodesForm(FlaskForm):
    size = IntegerField(
        "How many codes",
        default=20,
        validators=[
            InputRequired("Say how many codes."),
            NumberRange(1, rules.MAX_BATCH, f"Choose from 1 to {rules.MAX_BATCH} codes."),
        ],
        render_kw={"min": 1, "max": rules.MAX_BATCH},
    )
    days = SelectField("They work for", coerce=int)


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your public reply",
        validators=[
            DataRequired("Write your reply."),
            Length(max=MAX_REPLY, message=f"At most {MAX_REPLY} characters."),
        ],
    )


class PhotoForm(FlaskForm):
    treatment = SelectField("Treatment", validators=[DataRequired("Choose the treatment.")])
    before = FileField("Before (JPEG or PNG, at most 5 MB)", render_kw={"accept": "image/*"})
    after = FileField("After (JPEG or PNG, at most 5 MB)", render_kw={"accept": "image/*"})
    caption = StringField(
        "Caption (optional)", validators=[Length(max=200, message="At most 200 characters.")]
    )
    consent = BooleanField(
        "The patient agreed in writing to these photos being published, and we keep the "
        "signed consent",
        validators=[DataRequired("Confirm the patient's written consent.")],
    )


# Moderators' pages (English) ----------------------------------------------------------------


class PublishForm(FlaskForm):
    receipt_checked = BooleanField("The receipt shows a visit to this clinic")


class RefuseForm(FlaskForm):
    reason = SelectField(
        "Reason (the patient reads it)",
        choices=choices(rules.REFUSAL_TITLES.items(), blank="Choose a reason"),
        validators=[DataRequired("Choose a reason.")],
    )
    note = TextAreaField(
        "Note for the patient (optional)",
        validators=[Length(max=1000, message="At most 1000 characters.")],
        filters=[clean_filter],
    )


class PhotoDecisionForm(FlaskForm):
    note = TextAreaField(
        "Note for the clinic (required to refuse)",
        validators=[Length(max=1000, message="At most 1000 characters.")],
        filters=[clean_filter],
    )


class RecheckForm(FlaskForm):
    outcome = RadioField("What did the re-check find?", validators=[InputRequired("Choose one.")])
    note = TextAreaField(
        "What you checked (kept in the ledger)",
        validators=[
            DataRequired("Say what you checked."),
            Length(max=1000, message="At most 1000 characters."),
        ],
        filters=[clean_filter],
    )
