"""Saving the profile editor: check the edit, merge a colleague's save, save, drop the draft."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from directory.accounts import editor
from directory.accounts.services.drafts import discard_draft
from directory.clinics.profile import validate_profile
from directory.clinics.services import get_clinic, get_profile, save_profile


@dataclass(frozen=True)
class EditResult:
    """What became of an edit: saved, refused by the profile format, or in conflict."""

    saved: str | None = None  # created | updated | unchanged, once saved
    merged: bool = False  # a colleague's save in between was merged in
    problems: tuple[str, ...] = ()  # why the profile format refused it; nothing saved
    conflicts: tuple[str, ...] = ()  # fields both people changed; nothing saved
    mine: dict | None = None  # with conflicts: my edit plus their other changes
    theirs: dict | None = None  # with conflicts: the saved profile
    version: int | None = None  # with conflicts: the saved version


def _problems(profile: dict) -> tuple[str, ...]:
    # The documented profile format, the importers' rules too.
    clean, errors = validate_profile(profile)
    return tuple(str(e) for e in errors) if clean is None else ()


def save_edit(
    db: sqlite_utils.Database,
    clinic_id: str,
    edited: dict,
    *,
    user_id: int,
    version: str | None,
    base: dict | None,
    keep_theirs: list[str],
) -> EditResult:
    """Save one person's edit of a clinic profile, merging a colleague's save made meanwhile.

    edited holds the editor's fields (see editor.edited_fields); version is the clinic version
    the form was made from and base the editable fields as they were then (None if unknown).
    When no one saved in between, keep_theirs names the fields whose saved value the person
    chose after a conflict. Raises LookupError when the clinic is gone.
    """
    with db.atomic():
        current, clinic = get_profile(db, clinic_id), get_clinic(db, clinic_id)
        if current is None or clinic is None:
            raise LookupError(clinic_id)
        mine = editor.apply_edit(current, edited)
        problems = _problems(mine)
        if problems:
            return EditResult(problems=problems)
        merged = version != str(clinic["version"])
        if merged:
            mine, conflicts = editor.merge(base, mine, current)
            if conflicts:
                return EditResult(
                    conflicts=tuple(conflicts), mine=mine, theirs=current, version=clinic["version"]
                )
        else:
            mine = editor.take_theirs(mine, current, keep_theirs)
        saved = save_profile(db, mine, actor=f"user:{user_id}")
        discard_draft(db, user_id, clinic_id)
    return EditResult(saved=saved, merged=merged)
