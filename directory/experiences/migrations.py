"""Schema of the experiences domain: visit codes, experiences, replies, photos, re-check flags."""

import sqlite_utils

from directory.schema import create_table, migration_set

# Who decided and when, on each thing a moderator publishes or refuses (the user's id).
DECIDED = {"decided_at": str, "decided_by": int}


def m001_experiences(db: sqlite_utils.Database) -> None:
    create_table(
        db,
        "visit_code_batches",
        {
            "clinic_id": str,
            "size": int,
            "created_by": int,  # the clinic account that generated it
            "created_at": str,
            "expires_at": str,  # UTC timestamp; its codes work until then
        },
        not_null={"clinic_id", "size", "expires_at"},
        references={"clinic_id": "clinics"},
        indexes=[("clinic_id",)],
    )
    create_table(
        db,
        "visit_codes",
        {
            "batch_id": int,
            "clinic_id": str,
            "code_hash": str,  # sha256 of the normalised code; the code itself is never kept
            "used_at": str,
        },
        not_null={"batch_id", "clinic_id", "code_hash"},
        references={"batch_id": "visit_code_batches", "clinic_id": "clinics"},
        unique=[("code_hash",)],
    )
    create_table(
        db,
        "experiences",
        {
            "clinic_id": str,
            "proof": str,  # code | receipt
            "code_id": int,
            "receipt_name": str,  # the stored receipt (removed once a moderator decided)
            "receipt_sha256": str,  # kept: the same receipt cannot prove a second visit
            "receipt_mime": str,
            "email": str,  # only until the decision is mailed; then erased
            "email_hash": str,  # sha256 of the address: one experience per address and visit
            "language": str,  # the page's language, for the mails the patient gets
            "treatment": str,
            "visit_month": str,  # YYYY-MM: only the month is kept and shown
            "answers": str,  # JSON {question key: yes | no | unsure}
            "side_effects": str,  # none | mild | treated | serious
            "side_effects_text": str,
            "body": str,  # the free text
            "rating": int,  # 1 to 5
            "serious": int,  # a side effect that sounds serious (answer or words)
            "report_id": int,  # the harm report it became
            "state": str,  # unconfirmed | pending | published | refused
            "refusal": str,  # rules.REFUSALS key
            "refusal_note": str,
            "created_at": str,
            "confirmed_at": str,
            **DECIDED,
            "published_at": str,
        },
        not_null={"clinic_id", "proof", "email_hash", "state", "rating", "visit_month"},
        defaults={"state": "unconfirmed", "serious": 0},
        references={"clinic_id": "clinics", "code_id": "visit_codes"},
        indexes=[("clinic_id", "state"), ("state", "confirmed_at")],
    )
    # One experience per address and visit (a clinic, a month), whatever the proof.
    db["experiences"].create_index(["clinic_id", "email_hash", "visit_month"], unique=True)
    db["experiences"].create_index(["code_id"], unique=True)
    db["experiences"].create_index(["receipt_sha256"], unique=True)
    create_table(
        db,
        "experience_replies",
        {
            "experience_id": int,  # the primary key: a clinic replies once
            "clinic_id": str,
            "body": str,
            "user_id": int,
            "created_at": str,
        },
        pk="experience_id",
        not_null={"clinic_id", "body"},
        references={"experience_id": "experiences", "clinic_id": "clinics"},
    )
    create_table(
        db,
        "experience_photos",
        {
            "clinic_id": str,
            "treatment": str,
            "caption": str,
            "before_name": str,  # stored, re-encoded JPEG files (random names)
            "after_name": str,
            "consent_by": int,  # the clinic account that attested the patient's consent
            "consent_at": str,
            "state": str,  # pending | approved | refused
            "refusal_note": str,
            "created_at": str,
            **DECIDED,
        },
        not_null={"clinic_id", "treatment", "before_name", "after_name", "consent_by", "state"},
        defaults={"state": "pending"},
        references={"clinic_id": "clinics"},
        indexes=[("clinic_id", "state")],
    )
    create_table(
        db,
        "experience_flags",
        {
            "clinic_id": str,
            "item_key": str,
            "question": str,  # the question whose answers contradict the verified item
            "yes": int,
            "answered": int,
            "state": str,  # open | resolved
            "created_at": str,
            "resolved_at": str,
            "resolved_by": int,
            "outcome": str,  # holds | reversal-requested | no-longer-verified
            "note": str,
        },
        not_null={"clinic_id", "item_key", "question", "state"},
        defaults={"state": "open"},
        references={"clinic_id": "clinics"},
        indexes=[("clinic_id", "state")],
    )


migrations = migration_set("experiences", m001_experiences)
