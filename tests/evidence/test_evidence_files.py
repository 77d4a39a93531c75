"""Evidence files are checked by their content; PDFs are parsed, through every encoding."""

from __future__ import annotations

import base64
import io
import zlib

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from directory.evidence.files import EvidenceFileError, check_document
from tests.accounts.helpers import JPEG, PNG
from tests.pdfs import PAGES, PDF, make_pdf, raw_pdf

SCRIPT = String("app.alert(1)")


def hex_encode(data: bytes) -> bytes:
    return data.hex().encode() + b">"


def a85_encode(data: bytes) -> bytes:
    return base64.a85encode(data) + b"~>"


def script_action() -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=SCRIPT)


def annotate(pdf: pikepdf.Pdf, **fields) -> None:
    annotation = Dictionary(Type=Name.Annot, Rect=Array([0, 0, 100, 100]), **fields)
    pdf.pages[0].Annots = Array([pdf.make_indirect(annotation)])


def field_script(pdf: pikepdf.Pdf) -> None:
    keystroke = Dictionary(K=script_action())
    annotate(pdf, Subtype=Name.Widget, FT=Name.Tx, T=String("name"), AA=keystroke)
    pdf.Root.AcroForm = Dictionary(Fields=Array([pdf.pages[0].Annots[0]]))


def names_script(pdf: pikepdf.Pdf) -> None:
    tree = Dictionary(Names=Array([String("init"), pdf.make_indirect(script_action())]))
    pdf.Root.Names = Dictionary(JavaScript=tree)


def set_open_action(action):
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = action(pdf) if callable(action) else action

    return change


def attach(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", mime_type="x")


def xfa_form(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))


def hidden_script(filters: tuple[str, ...], encode) -> bytes:
    """The issue's variant: /OpenAction -> /JavaScript inside an encoded object stream."""
    return raw_pdf(
        b" /OpenAction 4 0 R",
        hidden={4: b"<< /S /JavaScript /JS (app.alert(1)) >>"},
        filters=filters,
        encode=encode,
    )


def flate_bomb() -> bytes:
    """An object stream that inflates to 128 MiB of spaces from about 128 KiB."""
    squeeze = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    data = b"".join(squeeze.compress(chunk) for _ in range(128)) + squeeze.flush()
    return raw_pdf(hidden={4: b"null"}, filters=("FlateDecode",), encode=lambda _: data)


def link(pdf: pikepdf.Pdf, action: Dictionary) -> None:
    annotate(pdf, Subtype=Name.Link, A=action)


def uri(address: str) -> Dictionary:
    return Dictionary(S=Name.URI, URI=String(address))


OBJECT_STREAMS = {"object_stream_mode": pikepdf.ObjectStreamMode.generate}
# The variants: the script inside an object stream, in encodings the old check missed.
HIDDEN = {
    "ascii-hex": hidden_script(("ASCIIHexDecode",), hex_encode),
    "ascii85": hidden_script(("ASCII85Decode",), a85_encode),
    "hex-of-flate": hidden_script(
        ("ASCIIHexDecode", "FlateDecode"), lambda d: hex_encode(zlib.compress(d))
    ),
    "flate-of-hex": hidden_script(
        ("FlateDecode", "ASCIIHexDecode"), lambda d: zlib.compress(hex_encode(d))
    ),
}
CASES = [
    # Accepted: real documents, including ones that use the features the checks look near.
    pytest.param(PDF, None, id="plain-pdf"),
    pytest.param(PNG, None, id="png"),
    pytest.param(JPEG, None, id="jpeg"),
    pytest.param(make_pdf(**OBJECT_STREAMS), None, id="pdf-with-object-streams"),
    pytest.param(
        make_pdf(set_open_action(lambda pdf: Array([pdf.pages[0].obj, Name.Fit]))),
        None,
        id="opens-at-page-one",
    ),
    pytest.param(
        make_pdf(lambda pdf: link(pdf, uri("https://clinic.example/"))), None, id="web-link"
    ),
    # Not a document we take.
    pytest.param(b"MZ\x90\x00 this is a program", "Only PDF, PNG and JPEG", id="exe"),
    pytest.param(b"<html><script>alert(1)</script></html>", "Only PDF, PNG and JPEG", id="html"),
    pytest.param(b"GIF89a\x01\x00\x01\x00", "Only PDF, PNG and JPEG", id="gif"),
    pytest.param(b"", "The file is empty", id="empty"),
    pytest.param(PDF + b"\0" * (10 * 1024 * 1024), "larger than 10 MB", id="over-10-mb"),
    # Refused before the parser came, and still refused.
    pytest.param(make_pdf(set_open_action(script_action())), "JavaScript", id="open-action-js"),
    pytest.param(
        raw_pdf(b" /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        "JavaScript",
        id="name-spelt-with-hex-escapes",
    ),
    pytest.param(
        make_pdf(set_open_action(script_action()), **OBJECT_STREAMS),
        "JavaScript",
        id="flate-object-stream",
    ),
    pytest.param(hidden_script((), lambda d: d), "JavaScript", id="plain-object-stream"),
    pytest.param(
        make_pdf(set_open_action(Dictionary(S=Name.Launch, F=String("cmd.exe")))),
        "launch a program",
        id="launch-action",
    ),
    pytest.param(
        make_pdf(encryption=pikepdf.Encryption(owner="owner-secret", user="")),
        "encrypted",
        id="encrypted-opens-without-password",
    ),
    pytest.param(
        make_pdf(encryption=pikepdf.Encryption(owner="o", user="u")),
        "encrypted",
        id="encrypted-with-password",
    ),
    *(
        pytest.param(data, "JavaScript", id=f"{name}-object-stream")
        for name, data in HIDDEN.items()
    ),
    # JavaScript wherever a viewer runs it.
    pytest.param(
        make_pdf(lambda pdf: setattr(pdf.pages[0], "AA", Dictionary(O=script_action()))),
        "JavaScript",
        id="page-additional-action",
    ),
    pytest.param(make_pdf(names_script), "JavaScript", id="names-javascript-tree"),
    pytest.param(
        make_pdf(lambda pdf: link(pdf, script_action())), "JavaScript", id="link-annotation-js"
    ),
    pytest.param(
        make_pdf(lambda pdf: link(pdf, uri(" JavaScript:app.alert(1)"))),
        "JavaScript",
        id="javascript-uri",
    ),
    pytest.param(make_pdf(field_script), "JavaScript", id="form-field-keystroke-js"),
    # Files inside the file, and XML forms.
    pytest.param(make_pdf(attach), "embedded files", id="attachment"),
    pytest.param(
        make_pdf(lambda pdf: annotate(pdf, Subtype=Name.FileAttachment)),
        "embedded files",
        id="file-attachment-annotation",
    ),
    pytest.param(make_pdf(xfa_form), "XFA", id="xfa-form"),
    # What the parser cannot read, or not within bounds.
    pytest.param(PDF[: len(PDF) // 2], "could not be read", id="cut-short"),
    pytest.param(
        b"%PDF-1.7\n" + b"not a pdf at all\n" * 10, "could not be read", id="header-then-nonsense"
    ),
    pytest.param(
        raw_pdf(objects={**PAGES, 3: b"<< /Type /Page /Parent 2 0 R"}),
        "could not be read",
        id="broken-object",
    ),
    pytest.param(flate_bomb(), "too complex", id="decompression-bomb"),
]


@pytest.mark.parametrize(("data", "reason"), CASES)
def test_documents_are_checked_by_their_content(data, reason):
    if reason is None:
        assert check_document(data).size == len(data)
    else:
        with pytest.raises(EvidenceFileError) as caught:
            check_document(data)
        assert reason in str(caught.value)


@pytest.mark.parametrize("data", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_hidden_variants_are_real_pdfs_that_open_a_script(data):
    # A reader that decodes the object stream sees the script: the refusal above is earned.
    with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
        assert pdf.Root.OpenAction.S == Name.JavaScript
    assert b"JavaScript" not in data  # and no byte-level search would have found it
