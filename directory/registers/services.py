"""Register use cases: load an extract, and compare a clinic's practitioners with a register."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import sqlite_utils

from directory.clinics import services as clinics
from directory.registers import nppes, storage
from directory.registers.adapters import Licence, RegisterAnswer, adapter_for
from directory.vetting.checklist import load_checklist

MATCH, MISMATCH, NOT_FOUND, NOT_COVERED = "match", "mismatch", "not_found", "not_covered"
LABELS = {
    MATCH: "Match",
    MISMATCH: "Mismatch",
    NOT_FOUND: "Not found",
    NOT_COVERED: "Register not covered",
}
# What a role's licence must show in NPPES (NUCC taxonomy code prefixes).
ROLE_TAXONOMIES = {
    "dermatologist": ("207N",),
    "plastic-surgeon": ("2082", "207YP0228X"),
}
TITLES = {"dr", "mr", "mrs", "ms", "miss", "prof", "md", "do"}


def load_nppes(
    db: sqlite_utils.Database,
    path: Path,
    *,
    taxonomy: Path | None = None,
    extract_date: date | None = None,
) -> dict:
    """Replace the NPPES extract with this file; return what was loaded and skipped."""
    names = nppes.read_taxonomy(taxonomy) if taxonomy is not None else None
    extract = nppes.read_extract(path, names=names)
    when = nppes.extract_date(path, extract, extract_date)
    with db.atomic():
        storage.replace_extract(
            db,
            nppes.REGISTER,
            source=path.name,
            extract_date=when,
            practitioners=extract.practitioners,
            skipped=len(extract.skipped),
        )
    people = extract.practitioners
    return {
        "practitioners": len(people),
        "deactivated": sum(p.status == "deactivated" for p in people),
        "relevant": sum(
            any((lic["taxonomy"] or "").startswith(nppes.RELEVANT) for lic in p.licences)
            for p in people
        ),
        "skipped": extract.skipped,
        "extract_date": when,
    }


def look_up(db: sqlite_utils.Database, licence: Licence) -> RegisterAnswer:
    """Return what the register covering this licence says (or that none covers it)."""
    adapter = adapter_for(licence)
    if adapter is None:
        country = licence.country or "this country"
        authority = licence.authority or "this authority"
        return RegisterAnswer(covered=False, note=f"we cannot read {authority} ({country}) yet")
    return adapter.lookup(db, licence)


def _words(name: str) -> set[str]:
    return {w for w in re.split(r"[^\w]+", name.casefold()) if w and w not in TITLES}


def compare(practitioner: dict, answer: RegisterAnswer) -> tuple[str, list[str]]:
    """Return the outcome (match, mismatch, not_found, not_covered) and its reasons."""
    if not answer.covered:
        return NOT_COVERED, [answer.note] if answer.note else []
    if not answer.found:
        return NOT_FOUND, [answer.note] if answer.note else []
    reasons = []
    if answer.status == "deactivated":
        reasons.append(f"the register deactivated this practitioner on {answer.deactivated_on}")
    register_words = _words(answer.name or "")
    if not register_words <= _words(practitioner.get("name") or ""):
        reasons.append(f"the register names {answer.name}")
    wanted = ROLE_TAXONOMIES.get(practitioner.get("role") or "")
    if wanted and not any(code.startswith(wanted) for code in answer.taxonomies):
        reasons.append(f"the register lists no {practitioner['role']} speciality")
    return (MISMATCH if reasons else MATCH), reasons


def check_practitioners(db: sqlite_utils.Database, clinic: dict) -> list[dict]:
    """Return the register's answer for each of a clinic's practitioners."""
    out = []
    for person in clinic.get("practitioners") or []:
        licence = Licence(
            person.get("licence_number"),
            person.get("licence_authority"),
            clinic["address"]["country"],
        )
        if not licence.number:
            answer = RegisterAnswer(covered=True, note="no licence number given")
            outcome, reasons = NOT_FOUND, ["no licence number given"]
        else:
            answer = look_up(db, licence)
            outcome, reasons = compare(person, answer)
        out.append(
            {
                "practitioner": person,
                "outcome": outcome,
                "label": LABELS[outcome],
                "reasons": reasons,
                "answer": asdict(answer),
            }
        )
    return out


def review_checks(db: sqlite_utils.Database, clinic_id: str, item_key: str) -> list[dict] | None:
    """Return register answers for a claim about practitioners, or None for other claims."""
    item = load_checklist().get(item_key)
    if item is None or not item.practitioner_based:
        return None
    found = clinics.get_clinics(db, [clinic_id])
    return check_practitioners(db, found[0]) if found else None
