"""Errors of the vetting domain: each message is fit to show to the person who acted."""


class VettingError(ValueError):
    """The request breaks a vetting rule; the message says which, in plain words."""


class ClaimNotFound(VettingError, LookupError):
    """No such clinic, checklist item, claim or evidence."""


class ConflictError(VettingError):
    """Someone else changed the claim first (the moderator's view is out of date)."""

    def __init__(self, message: str, *, state: str, by: str | None, at: str | None):
        super().__init__(message)
        self.state, self.by, self.at = state, by, at
