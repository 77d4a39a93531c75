"""Patient search: the index glue, the search page and the public JSON API."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register search's blueprints (added with issue 3)."""
