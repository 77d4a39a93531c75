"""The error every accounts use case raises when a person's request breaks a rule."""

from __future__ import annotations


class AccountError(ValueError):
    """A user could not be created or changed; the message says why.

    The message is English; `template` and `params` let a translated page say the same in its
    language (the templates are marked for the catalogs in directory/i18n/known.py).
    """

    def __init__(self, template: str, **params):
        super().__init__(template % params if params else template)
        self.template = template
        self.params = params
