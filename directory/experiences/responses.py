"""What the experiences views share: where files live, and how a stored photo is sent."""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app, send_file

# Photos are re-encoded JPEGs: never sniffed, never a page, only ever an image.
PHOTO_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def photos_dir() -> str:
    return current_app.config["PHOTOS_DIR"]


def receipts_dir() -> str:
    return current_app.config["RECEIPTS_DIR"]


def send_photo(path: Path, *, public: bool):
    """Send a stored photo with the headers every photo route uses (cached only if public)."""
    # Photos are at most a few hundred kB: read whole, so no file handle outlives the response.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype="image/jpeg", max_age=0)
    response.headers.update(PHOTO_HEADERS)
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
