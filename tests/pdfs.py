"""Real PDFs for tests: built with pikepdf, or written byte by byte where pikepdf will not.

pikepdf writes object streams with Flate only and spells names plainly, so the hostile
variants (an object stream encoded with ASCIIHex or ASCII85, a name spelt with #xx escapes)
are written by raw_pdf, with a correct cross-reference stream, and read back with pikepdf by
the tests to prove that a real reader sees what they hide.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable

import pikepdf


def make_pdf(change: Callable[[pikepdf.Pdf], None] | None = None, **save) -> bytes:
    """Return a one-page PDF, changed by `change` before it is saved with `save` options."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if change is not None:
        change(pdf)
    out = io.BytesIO()
    pdf.save(out, static_id=True, **save)
    return out.getvalue()


PDF = make_pdf()  # an honest one-page document

CATALOG = b"<< /Type /Catalog /Pages 2 0 R%s >>"
PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> >>",
}


def raw_pdf(
    catalog_extra: bytes = b"",
    *,
    objects: dict[int, bytes] | None = None,
    hidden: dict[int, bytes] | None = None,
    filters: tuple[str, ...] = (),
    encode: Callable[[bytes], bytes] = lambda data: data,
) -> bytes:
    """Write a PDF by hand: catalog (1), page tree (2, 3) and `objects` as plain objects;
    `hidden` inside one object stream whose bytes are `encode`d and declared with `filters`;
    all indexed by a cross-reference stream."""
    plain = {1: CATALOG % catalog_extra, **PAGES, **(objects or {})}
    hidden = hidden or {}
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}
    for number, body in sorted(plain.items()):
        entries[number] = (1, len(out), 0)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    next_number = max([*plain, *hidden]) + 1
    if hidden:
        stream_number, next_number = next_number, next_number + 1
        bodies, pairs = b"", []
        for index, (number, body) in enumerate(sorted(hidden.items())):
            pairs.append(b"%d %d" % (number, len(bodies)))
            entries[number] = (2, stream_number, index)
            bodies += body + b"\n"
        head = b" ".join(pairs) + b"\n"
        data = encode(head + bodies)
        declared = b"[" + b" ".join(b"/" + f.encode() for f in filters) + b"]"
        entries[stream_number] = (1, len(out), 0)
        out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter %s /Length %d >>\n" % (
            stream_number,
            len(hidden),
            len(head),
            declared,
            len(data),
        )
        out += b"stream\n" + data + b"\nendstream\nendobj\n"
    xref_number = next_number
    entries[xref_number] = (1, len(out), 0)
    table = b"".join(struct.pack(">BIH", *entries[n]) for n in range(xref_number + 1))
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n" % (
        xref_number,
        xref_number + 1,
        len(table),
    )
    start = entries[xref_number][1]
    out += b"stream\n" + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(out)
