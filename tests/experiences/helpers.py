"""Helpers for the experiences tests: codes, a filled-in form, the mailed link, a published
experience made through the services as a patient and a moderator would."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlsplit

from PIL import Image
from werkzeug.test import EnvironBuilder

from directory.experiences import services
from directory.experiences.questions import load_questions
from directory.mail import last_message, links_in
from directory.moderation.services import Moderator

MONTH = f"{date.today().year:04d}-{date.today().month:02d}"
MODERATOR = Moderator(id=999, email="mo@vetted.example", name="Mo Derator")


def new_codes(db, clinic_id: str = "c-1", size: int = 5, user_id: int = 1) -> list[str]:
    return services.generate_batch(db, clinic_id, size=size, days=30, user_id=user_id)["codes"]


def answers(value: str = "yes", **overrides) -> dict[str, str]:
    """Every question answered `value`, then the overrides (keys with - or _)."""
    out = {q.key: value for q in load_questions().questions}
    out.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return out


def form_data(code: str | None, **overrides) -> dict:
    """A valid experience form for c-1's first treatment, answering yes to everything."""
    data = {
        "code": code or "",
        "email": "patient@example.org",
        "treatment": "mesotherapy-face",
        "visit_month": MONTH,
        "side_effects": "none",
        "side_effects_text": "",
        "body": "The nurse explained everything and gave me the aftercare leaflet.",
        "rating": "5",
        "website": "",
    }
    for key, value in answers().items():
        data["q_" + key.replace("-", "_")] = value
    data.update(overrides)
    return data


def post_form(client, path: str, data: dict, **headers):
    """POST a multipart form, closing the request body the test client spools to a file.

    Bodies over 500 kB become a temporary file that the test client leaves open otherwise.
    """
    builder = EnvironBuilder(
        path=path, method="POST", data=data, content_type="multipart/form-data", headers=headers
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        builder.close()
        environ["wsgi.input"].close()


def submit(client, data: dict, clinic_id: str = "c-1", **headers):
    return post_form(client, f"/clinics/{clinic_id}/experiences/new", data, **headers)


def confirmation_link(app, to: str = "patient@example.org") -> str:
    message = last_message(app.config["MAIL_DIR"], to)
    assert message is not None, f"no mail to {to}"
    (link,) = [link for link in links_in(message) if "/experiences/confirm/" in link]
    return urlsplit(link).path


def submission(code: str | None = None, **overrides) -> services.Submission:
    fields = {
        "email": "patient@example.org",
        "treatment": "mesotherapy-face",
        "visit_month": MONTH,
        "answers": answers(),
        "side_effects": "none",
        "rating": 5,
        "body": "Clean, careful and kind.",
        "code": code,
    }
    fields.update(overrides)
    return services.Submission(**fields)


def published(
    app, db, clinic_id: str = "c-1", *, moderator: Moderator = MODERATOR, **overrides
) -> int:
    """Submit, confirm and publish one experience through the services; return its id."""
    code = new_codes(db, clinic_id, 1)[0]
    sent = submission(code, **overrides)
    made = services.submit_experience(db, clinic_id, sent, receipts_dir=app.config["RECEIPTS_DIR"])
    services.confirm_experience(db, made["id"], made["email_hash"])
    services.publish_experience(db, moderator, made["id"], receipts_dir=app.config["RECEIPTS_DIR"])
    return made["id"]


def image_bytes(fmt: str = "JPEG", size=(64, 48), *, exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (200, 120, 90)).save(out, fmt, **extra)
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF with a GPS position (the clinic's street), a camera and a date: all to be stripped."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2026:03:01 10:00:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 31.0, 13.0)
    gps[3] = "W"
    gps[4] = (0.0, 8.0, 48.0)
    return exif.tobytes()
