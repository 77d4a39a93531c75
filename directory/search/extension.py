"""Search in the Flask app: one index per process, and the after-commit drain.

The one mechanism that carries committed changes onward (services.drain_outbox) runs by
itself, so no write path can forget it:
- in a web request, when the store is opened the outbox's mark is noted; when the request
  ends, only the entries added since are applied (bounded), and a failure is logged: the
  save is committed and stays queued, so it never becomes an error page;
- outside requests (each `vetted` command, gunicorn's worker start), the first opening of the
  store applies any backlog a killed process left, and the end of the command applies what
  the command wrote. A backlog is never applied inside a person's request.
"""

from __future__ import annotations

import click
from flask import Flask, current_app, g, has_request_context

import index
from directory import db
from directory.search import caching, services
from directory.settings import is_on

EXTENSION_KEY = "vetted.index"
CACHE_KEY = "vetted.cache"
# A request applies at most this many outbox entries (its own writes are a few); what is left
# waits for the next command or worker start, or `vetted index sync`.
REQUEST_DRAIN_LIMIT = 1000


def open_search_index(app: Flask) -> index.SearchIndex:
    """Return this process's index object, opening it on first use."""
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = index.open_index(
            app.config["INDEX_DIR"],
            vocabulary=services.plain_vocabulary(),
            shared=shared_cache(app),
        )
    return app.extensions[EXTENSION_KEY]


def shared_cache(app: Flask) -> caching.SharedCache | None:
    """Return the cache this node's processes share (None when SEARCH_CACHE is off)."""
    if not is_on(app.config.get("SEARCH_CACHE", "on")):
        return None
    if CACHE_KEY not in app.extensions:
        app.extensions[CACHE_KEY] = caching.SharedCache(app.config["CACHE_DIR"])
    return app.extensions[CACHE_KEY]


def get_index() -> index.SearchIndex:
    """Return the current app's index object."""
    return open_search_index(current_app)


def outbox_by_hand() -> None:
    """Say that this command applies the outbox itself (`vetted index ...`): no drain around it.

    Call before the command opens the store.
    """
    g.outbox_by_hand = True


def catch_up(app: Flask) -> int:
    """Apply the whole outbox now (gunicorn's worker start); return how many clinics.

    Nothing on a read node: the outbox it holds is the writer's.
    """
    if app.config["READ_ONLY"]:
        return 0
    with app.app_context():
        outbox_by_hand()
        return _apply_backlog(db.get_db())


def _apply_backlog(handle) -> int:
    if not services.pending_changes(handle):
        return 0
    return services.catch_up(handle, get_index())


def store_opened(handle) -> None:
    """Note the outbox's mark in a request; apply a backlog anywhere else."""
    if has_request_context():
        g.outbox_mark = services.outbox_mark(handle)
    elif not g.get("outbox_by_hand"):
        try:
            _apply_backlog(handle)
        except Exception:  # the command can still do its work; its end tries again
            current_app.logger.exception("could not apply the outbox to the search index")


def after_context(exc: BaseException | None) -> None:
    """Apply what this request or command committed (see the module docstring)."""
    handle = g.get("db")
    if handle is None or g.get("outbox_by_hand"):
        return
    if "outbox_mark" in g:
        try:
            if services.outbox_mark(handle) > g.outbox_mark:
                services.drain_outbox(
                    handle, get_index(), after=g.outbox_mark, limit=REQUEST_DRAIN_LIMIT
                )
        except Exception:  # the change is committed and stays queued for the next drain
            current_app.logger.exception("could not apply the outbox to the search index")
        return
    try:
        _apply_backlog(handle)
    except Exception as error:
        if click.get_current_context(silent=True) is None or exc is not None:
            current_app.logger.exception("could not apply the outbox to the search index")
            return
        # A command's changes are saved: say so, and how to apply them, with a failing exit.
        g.pop("db").close()
        raise click.ClickException(
            "Changes saved, but the search index could not be updated "
            f"({type(error).__name__}: {error}).\n"
            "Hint: run `vetted index sync` to apply them; nothing is lost."
        ) from error
