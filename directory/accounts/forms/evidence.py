"""The form of a checklist item's page: a clinic's statement and evidence."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField

from directory.accounts.forms.fields import text_field, website_field


class EvidenceForm(FlaskForm):
    statement = text_field(
        "Your statement",
        2000,
        multiline=True,
        description="In your own words: how the clinic meets this item.",
    )
    link = website_field("Link to evidence")
    licence_number = text_field("Licence or registration number", 100)
    document = FileField(
        "Document (PDF, PNG or JPEG, at most 10 MB)",
        render_kw={"accept": "application/pdf,image/png,image/jpeg"},
    )
    submit = SubmitField("Send for review")

    def _chosen(self):
        upload = self.document.data
        return upload if upload is not None and getattr(upload, "filename", None) else None

    def has_content(self) -> bool:
        return bool(
            self.statement.data or self.link.data or self.licence_number.data or self._chosen()
        )

    def upload(self, max_bytes: int) -> tuple[str, bytes] | None:
        """Return the chosen document as (filename, its first max_bytes + 1 bytes), or None."""
        upload = self._chosen()
        # One byte over the limit is enough to refuse the file as too big.
        return (upload.filename, upload.stream.read(max_bytes + 1)) if upload else None
