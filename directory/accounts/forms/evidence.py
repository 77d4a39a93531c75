"""The form of a checklist item's page: a clinic's statement and evidence."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField

from directory.accounts.forms.fields import text_field, website_field
from directory.evidence.services import Proofs


class EvidenceForm(FlaskForm):
    statement = text_field(
        _l("Your statement"),
        2000,
        multiline=True,
        description=_l("In your own words: how the clinic meets this item."),
    )
    link = website_field(_l("Link to evidence"))
    licence_number = text_field(_l("Licence or registration number"), 100)
    document = FileField(
        _l("Document (PDF, PNG or JPEG, at most 10 MB)"),
        render_kw={"accept": "application/pdf,image/png,image/jpeg"},
    )
    submit = SubmitField(_l("Send for review"))

    def proofs(self, max_bytes: int) -> Proofs:
        """Return what was sent; a document as (filename, its first max_bytes + 1 bytes)."""
        upload = self.document.data
        chosen = upload is not None and getattr(upload, "filename", None)
        return Proofs(
            statement=self.statement.data or None,
            link=self.link.data or None,
            licence_number=self.licence_number.data or None,
            # One byte over the limit is enough to refuse the file as too big.
            document=(upload.filename, upload.stream.read(max_bytes + 1)) if chosen else None,
        )
