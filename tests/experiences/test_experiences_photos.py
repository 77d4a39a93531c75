"""Before-and-after photos: re-encoded, stripped of every piece of metadata (GPS included),
resized, approved by a moderator, served from our own routes, and reportable."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from directory.experiences import images
from tests.experiences.helpers import gps_exif, image_bytes, post_form
from tests.moderation.helpers import PDF
from tests.soup import parse_html, text_of

GPS_IFD = 0x8825


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_gps_and_every_other_metadata_is_stripped():
    original = image_bytes(exif=gps_exif())
    # The original really carries a position, a camera and a date.
    assert opened(original).getexif().get_ifd(GPS_IFD)[2] == (51.0, 31.0, 13.0)
    clean = images.reencode(original)
    result = opened(clean)
    assert result.format == "JPEG"
    assert dict(result.getexif()) == {} and result.getexif().get_ifd(GPS_IFD) == {}
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(result.info)
    assert b"Exif" not in clean and b"PhoneMaker" not in clean


def test_the_orientation_is_applied_before_the_metadata_goes():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90°": a phone held upright
    clean = images.reencode(image_bytes(size=(64, 48), exif=exif.tobytes()))
    assert opened(clean).size == (48, 64)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((3200, 200), (1600, 100)),  # the longer side comes down to 1600
        ((300, 200), (300, 200)),  # small photos keep their size
    ],
)
def test_photos_are_resized(size, expected):
    assert opened(images.reencode(image_bytes(size=size))).size == expected


def test_a_transparent_png_becomes_an_opaque_jpeg():
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (255, 0, 0, 0)).save(out, "PNG")
    result = opened(images.reencode(out.getvalue()))
    assert (result.format, result.mode, result.getpixel((5, 5))) == ("JPEG", "RGB", (255, 255, 255))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", images.EMPTY),  # nothing
        (PDF, images.NOT_IMAGE),  # a document
        (b"<svg onload=alert(1)>", images.NOT_IMAGE),  # markup calling itself an image
        (b"GIF89a\x01\x00\x01\x00", images.NOT_IMAGE),  # a format we do not take
        (b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024), images.TOO_BIG),  # over 5 MB
        (png_claiming(20000, 20000), images.TOO_MANY_PIXELS),  # a decompression bomb
        (png_claiming(7000, 7000), images.TOO_MANY_PIXELS),  # within Pillow's bound, not ours
        (image_bytes()[:200], images.UNREADABLE),  # a truncated JPEG
    ],
)
def test_what_is_not_a_safe_photo_is_refused(data, message):
    with pytest.raises(images.PhotoError) as caught:
        images.reencode(data)
    assert str(caught.value) == message


# The clinic uploads, a moderator approves, patients see and report ---------------------------


def upload(owner_client, **overrides):
    data = {
        "treatment": "mesotherapy-face",
        "caption": "Three sessions, six weeks apart",
        "consent": "y",
        "before": (io.BytesIO(image_bytes(exif=gps_exif())), "before.jpg"),
        "after": (io.BytesIO(image_bytes()), "after.jpg"),
    }
    data.update(overrides)
    return post_form(owner_client, "/manage/c-1/experiences/photos", data)


def stored_files(app) -> list[Path]:
    folder = Path(app.config["PHOTOS_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_pair_is_uploaded_approved_shown_and_served_clean(
    app, db, client, clinic, owner_client, mod_client
):
    response = upload(owner_client)
    assert response.headers["Location"] == "/manage/c-1/experiences#photos"
    (photo,) = db.query("select * from experience_photos")
    assert (photo["state"], photo["consent_by"]) == ("pending", 1)
    assert len(stored_files(app)) == 2
    # Not public before a moderator approves it.
    public = f"/clinics/c-1/photos/{photo['id']}/before.jpg"
    assert client.get(public).status_code == 404
    assert section_photos(client) == []
    # The clinic sees its own; the moderator reviews it from the queue.
    assert (
        owner_client.get(f"/manage/c-1/experiences/photos/{photo['id']}/before.jpg").status_code
        == 200
    )
    tree = parse_html(mod_client.get("/moderation/?kind=experience").data)
    link = tree.select_one("li[data-kind=experience] p.queue-what a")["href"]
    assert link == f"/moderation/experiences/open/photo-{photo['id']}"
    review = mod_client.get(f"/moderation/experiences/photos/{photo['id']}")
    assert "consent" in text_of(parse_html(review.data).find("main"))
    assert (
        mod_client.post(f"/moderation/experiences/photos/{photo['id']}/approve").status_code == 302
    )
    # Now public, labelled, and served as a clean JPEG with our own headers.
    (pair,) = section_photos(client)
    assert text_of(pair.find("p", class_="photo-label")) == (
        "Clinic's photos, consent confirmed by the clinic"
    )
    response = client.get(public)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert opened(response.data).getexif().get_ifd(GPS_IFD) == {}
    assert b"PhoneMaker" not in response.data


def section_photos(client):
    tree = parse_html(client.get("/clinics/c-1").data)
    return tree.select("section.experiences li.photo-pair")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": ""}, "consent", "Confirm the patient's written consent."),
        ({"before": (io.BytesIO(PDF), "before.jpg")}, "before", "Only JPEG and PNG"),
        ({"after": (io.BytesIO(png_claiming(20000, 20000)), "a.png")}, "after", "too large"),
        ({"after": (io.BytesIO(b""), "")}, "after", "Choose a photo."),
        ({"caption": "<b>best</b>"}, "caption", "HTML is not allowed here"),
        ({"treatment": "pressotherapy"}, "treatment", "Not a valid choice"),
    ],
)
def test_a_refused_pair_leaves_nothing_behind(
    app, db, clinic, owner_client, overrides, field, message
):
    response = upload(owner_client, **overrides)
    assert response.status_code == 400
    assert message in text_of(parse_html(response.data).find("ul", id=f"{field}-errors"))
    assert db.execute("select count(*) from experience_photos").fetchone()[0] == 0
    assert stored_files(app) == []


def test_a_refusal_of_photos_needs_a_note_for_the_clinic(app, db, clinic, owner_client, mod_client):
    upload(owner_client)
    response = mod_client.post("/moderation/experiences/photos/1/refuse", data={"note": ""})
    assert response.status_code == 400
    response = mod_client.post(
        "/moderation/experiences/photos/1/refuse", data={"note": "A tattoo identifies the patient."}
    )
    assert response.status_code == 302
    page = parse_html(owner_client.get("/manage/c-1/experiences").data)
    assert "A tattoo identifies the patient." in text_of(page.find("li", class_="photo-pair"))
    assert app.test_client().get("/clinics/c-1/photos/1/after.jpg").status_code == 404


def test_a_patient_reports_a_photo_into_the_report_flow(
    app, db, client, clinic, owner_client, mod_client
):
    upload(owner_client)
    mod_client.post("/moderation/experiences/photos/1/approve")
    report = section_photos(client)[0].find("a", href="/clinics/c-1/photos/1/report")
    assert report is not None
    assert client.get("/clinics/c-1/photos/1/report").status_code == 200
    empty = client.post("/clinics/c-1/photos/1/report", data={})
    assert empty.status_code == 400
    assert "Choose what is wrong" in text_of(parse_html(empty.data).find("ul", id="reason-errors"))
    response = client.post(
        "/clinics/c-1/photos/1/report", data={"reason": "no-consent", "details": "It is me."}
    )
    # The patient lands on the report's private status page, with its reference.
    assert response.headers["Location"].startswith("/reports/")
    status = parse_html(client.get(response.headers["Location"]).data)
    (row,) = db.query("select * from reports")
    assert row["reference"] in text_of(status.find("main"))
    assert (row["category"], row["clinic_id"]) == ("other", "c-1")
    assert "photos #1" in row["description"] and "It is me." in row["description"]
    # The honeypot keeps nothing.
    client.post("/clinics/c-1/photos/1/report", data={"reason": "other", "website": "x"})
    assert db.execute("select count(*) from reports").fetchone()[0] == 1


def test_a_pending_photo_cannot_be_reported_or_seen(app, db, client, clinic, owner_client):
    upload(owner_client)
    assert client.get("/clinics/c-1/photos/1/report").status_code == 404
    assert client.get("/clinics/c-2/photos/1/before.jpg").status_code == 404
