"""The error every accounts use case raises when a person's request breaks a rule."""


class AccountError(ValueError):
    """A user could not be created or changed; the message says why."""
