"""The refusal experiences raise: a message for the person, and the field it is about."""

from __future__ import annotations


class ExperienceError(ValueError):
    """Something sent was refused; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
