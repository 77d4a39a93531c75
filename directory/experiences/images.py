"""Before-and-after photos made safe to publish: decoded within bounds, re-encoded, no metadata.

Pure (bytes in, bytes out). Only the pixels survive: no EXIF (GPS, camera, date), no ICC
profile, no comments; the orientation is applied first so nothing looks rotated afterwards.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from directory.evidence.files import sniff
from directory.i18n.known import N_

MAX_BYTES = 5 * 1024 * 1024  # each photo; two of them fit in one request (MAX_CONTENT_LENGTH)
MAX_PIXELS = 40_000_000  # decoded size bound: a small file cannot unpack into gigabytes
MAX_SIDE = 1600  # the longer side after resizing
QUALITY = 85
FORMATS = ("JPEG", "PNG")

EMPTY = N_("The file is empty.")
TOO_BIG = N_("Each photo must be 5 MB or smaller.")
NOT_IMAGE = N_("Only JPEG and PNG photos are accepted (checked from the file's content).")
TOO_MANY_PIXELS = N_("This image is too large to process; send it at most 6000 pixels wide.")
UNREADABLE = N_("We could not read this image; export it again as JPEG and try again.")


class PhotoError(ValueError):
    """A photo was refused; the message says why, for the person who sent it."""


def _decoded(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here it is an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoError(TOO_MANY_PIXELS)
                image.load()
                return ImageOps.exif_transpose(image)
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(TOO_MANY_PIXELS) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            raise PhotoError(UNREADABLE) from None


def reencode(data: bytes) -> bytes:
    """Return the photo as a fresh JPEG, at most MAX_SIDE pixels, with no metadata at all."""
    if not data:
        raise PhotoError(EMPTY)
    if len(data) > MAX_BYTES:
        raise PhotoError(TOO_BIG)
    found = sniff(data)
    if found is None or found[0] not in ("image/jpeg", "image/png"):
        raise PhotoError(NOT_IMAGE)
    image = _decoded(data)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))
    pixels = image.convert("RGB")
    # A new image carries nothing of the old one's info (EXIF, ICC, comments, XMP).
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
