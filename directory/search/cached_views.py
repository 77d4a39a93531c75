"""HTTP caching of what anonymous visitors read: the search page and the public search API.

- Each response carries an ETag naming everything it depends on: the index generation and
  the outbox mark (so any committed change gives new tags), the path and its arguments,
  and for pages the language and the visitor's comparison list and CSRF session. A request
  whose If-None-Match holds the tag gets a 304 before any search runs.
- Cache-Control: `public, max-age=MAX_AGE` when the response read no session (the API), so
  a reverse proxy or a CDN may serve repeats; `private` otherwise (the page's compare
  buttons carry the visitor's CSRF token). docs/deployment.md shows the nginx settings.
- Rendered bodies are kept in the cache every worker shares (caching.py) with the
  visitor's CSRF token cut out, and put back per request: a repeated search costs neither a
  search nor a template.
Logged-in people and pages with a flashed message are neither served from nor stored in the
shared cache, and their pages are `private, no-cache`.
"""

from __future__ import annotations

import functools
import json

from flask import Response, current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from directory.db import get_db
from directory.i18n.languages import current_lang
from directory.patients.views import compare_ids
from directory.search.caching import cache_key
from directory.search.extension import get_index, shared_cache

MAX_AGE = 60  # seconds a browser, proxy or CDN may reuse a response without asking
CSRF_MARK = "\x00csrf\x00"  # stands for the visitor's token in a stored page
CSRF_FIELD = "csrf_token"  # Flask-WTF's session key


def _generation() -> tuple:
    get_db()  # opening the store notes the outbox mark (directory/search/extension.py)
    return (get_index().token(), g.get("outbox_mark"))


def _personal() -> bool:
    """Say whether this visitor's page is theirs alone (logged in, or a message waiting)."""
    return bool(current_user.is_authenticated or session.get("_flashes"))


def _page_tag(key: str) -> str:
    # The page holds the CSRF token of the visitor's session: a new session, a new tag.
    return cache_key(key, str(session.get(CSRF_FIELD)))


def _not_modified(tag: str, cache_control: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = cache_control
    return response


def _store(key: str, response: Response, token: str | None) -> None:
    cache = shared_cache_or_none()
    if cache is None or response.status_code != 200 or response.direct_passthrough:
        return
    body = response.get_data(as_text=True)
    if token:
        body = body.replace(token, CSRF_MARK)
    cache.set(key, json.dumps([response.mimetype, body]).encode())


def _load(key: str) -> Response | None:
    cache = shared_cache_or_none()
    blob = cache.get(key) if cache is not None else None
    if blob is None:
        return None
    mimetype, body = json.loads(blob)
    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, generate_csrf())
    return Response(body, mimetype=mimetype)


def shared_cache_or_none():
    """Return this app's shared cache, or None when VETTED_SEARCH_CACHE is off."""
    return shared_cache(current_app)


def cached_page(view):
    """Cache an HTML page for anonymous visitors (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "GET" or _personal():
            response = make_response(view(*args, **kwargs))
            response.headers.setdefault("Cache-Control", "private, no-cache")
            return response
        depends = ("page", _generation(), request.full_path, current_lang(), tuple(compare_ids()))
        key = cache_key(*depends)
        cache_control = f"private, max-age={MAX_AGE}"
        if request.if_none_match.contains(_page_tag(key)):
            return _not_modified(_page_tag(key), cache_control)
        response = _load(key)
        if response is None:
            response = make_response(view(*args, **kwargs))
            _store(key, response, g.get("csrf_token") and generate_csrf())
        if response.status_code == 200:
            response.set_etag(_page_tag(key))  # the page may have just started a session
            response.headers["Cache-Control"] = cache_control
        return response

    return wrapper


def cached_api(view):
    """Cache a public API response for everyone (it reads no session)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = cache_key("api", _generation(), request.full_path)
        tag = cache_key(key)
        cache_control = f"public, max-age={MAX_AGE}"
        if request.if_none_match.contains(tag):
            return _not_modified(tag, cache_control)
        response = _load(key)
        if response is None:
            response = make_response(view(*args, **kwargs))
            _store(key, response, None)
        if response.status_code == 200:
            response.set_etag(tag)
            response.headers["Cache-Control"] = cache_control
        return response

    return wrapper
