"""/manage/<clinic>/edit: the profile editor, which never loses what a person typed.

- A validation error shows the form again with everything typed and messages by the fields.
- "Add another practitioner" and "Remove" are submit buttons: they work without JavaScript.
- A colleague's save in between is detected by the clinic's version: changes that do not
  collide are merged; fields both changed are shown side by side for the person to choose.
- An expired session keeps the submitted form as a draft (found through a signed draft key in
  the form), offered back after logging in. The view checks CSRF itself through the form, so
  an expired token is a draft to rescue, not an error page.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from directory.accounts import editor, forms, services
from directory.accounts.access import clinic_access, require_button, require_form_post
from directory.accounts.tokens import make_token, read_token
from directory.clinics.services import UNCHANGED
from directory.db import get_db
from directory.extensions import csrf
from directory.vocabulary import load_vocabulary

bp = Blueprint("clinic_editor", __name__, url_prefix="/manage")
bp.before_request(require_form_post)

# The only field names the editor knows; anything else in a submission is dropped.
FIELD_NAME = re.compile(
    r"(?:[a-z_]{1,40}(?:-\d{1,3}-[a-z_]{1,40})?|resolve-[a-z_.]{1,40})", re.ASCII
)
PRACTITIONER_KEY = re.compile(r"practitioners-(\d{1,3})-(.+)", re.ASCII)
MAX_FIELDS = 5000
BUTTONS = ("csrf_token", "draft_key", "save", "add_practitioner", "remove_practitioner")


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _clean(formdata) -> MultiDict:
    """Keep only well-formed field names (bounded in number) from a submission."""
    pairs = [
        (k, v)
        for k, v in formdata.items(multi=True)
        if isinstance(v, str) and FIELD_NAME.fullmatch(k)
    ]
    return MultiDict(pairs[:MAX_FIELDS])


def _without_practitioner(formdata: MultiDict, index: str) -> MultiDict:
    if not index.isascii() or not index.isdigit():
        return formdata
    out = MultiDict()
    for key, value in formdata.items(multi=True):
        match = PRACTITIONER_KEY.fullmatch(key)
        if match and int(match.group(1)) == int(index):
            continue
        out.add(key, value)
    return out


def _form(clinic: dict, *, formdata=None, data=None) -> forms.ProfileForm:
    vocabulary = load_vocabulary()
    keys = list(vocabulary.treatments) + [t["key"] for t in clinic.get("treatments") or []]
    form = forms.ProfileForm(
        formdata=formdata,
        data=data,
        language_choices=list(vocabulary.languages.items()),
        treatment_keys=keys,
    )
    form.draft_key.data = make_token(_secret(), "draft", {"u": current_user.id, "c": clinic["id"]})
    return form


def _fresh_form(profile: dict, version: int, clinic: dict) -> forms.ProfileForm:
    vocabulary = load_vocabulary()
    form = _form(
        clinic,
        data=editor.form_data(profile, list(vocabulary.treatments), list(vocabulary.languages)),
    )
    form.version.data = str(version)
    form.base.data = make_token(_secret(), "editor-base", editor.editable(profile))
    return form


def _render(form, clinic, status: int = 200, **extra):
    return (
        render_template(
            "clinic_admin/edit.html",
            form=form,
            clinic=clinic,
            vocabulary=load_vocabulary(),
            fields=editor.FIELDS,
            **extra,
        ),
        status,
    )


def _rescue_draft(clinic_id: str):
    """Keep what an anonymous (expired) session submitted, then send the person to log in."""
    payload = read_token(_secret(), "draft", request.form.get("draft_key"))
    kept = False
    if (
        isinstance(payload, dict)
        and payload.get("c") == clinic_id
        and isinstance(payload.get("u"), int)
    ):
        pairs = [(k, v) for k, v in _clean(request.form).items(multi=True) if k not in BUTTONS]
        kept = services.keep_draft(get_db(), payload["u"], clinic_id, pairs)
    flash(
        "Your session had expired, so nothing was saved yet. We kept what you typed: "
        "log in and you can restore it."
        if kept
        else "Your session had expired. Please log in again.",
        "error",
    )
    return redirect(url_for("accounts.login", next=url_for(".edit_profile", clinic_id=clinic_id)))


@bp.route("/<clinic_id>/edit", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token; an expired one must become a draft
def edit_profile(clinic_id: str):
    if request.method == "POST" and not current_user.is_authenticated:
        return _rescue_draft(clinic_id)
    clinic, _role = clinic_access(clinic_id, "edit")
    db = get_db()
    if request.method == "GET":
        draft = services.get_draft(db, current_user.id, clinic_id)
        if draft and request.args.get("draft") == "restore":
            form = _form(clinic, formdata=MultiDict(draft["pairs"]))
            return _render(form, clinic, restored=draft)
        return _render(_fresh_form(clinic, clinic["version"], clinic), clinic, draft=draft)

    formdata = _clean(request.form)
    removing = formdata.get("remove_practitioner")
    if removing is not None:
        formdata = _without_practitioner(formdata, removing)
    form = _form(clinic, formdata=formdata)
    if "add_practitioner" in formdata:
        if len(form.practitioners.entries) < forms.MAX_PRACTITIONERS:
            form.practitioners.append_entry()
        return _render(form, clinic, focus_last_practitioner=True)
    if removing is not None:
        return _render(form, clinic)
    if not form.validate():
        expired = bool(form.csrf_token.errors) if hasattr(form, "csrf_token") else False
        return _render(form, clinic, expired=expired, has_errors=True)
    return _save(form, formdata, clinic)


def _save(form, formdata: MultiDict, clinic: dict):
    db = get_db()
    clinic_id = clinic["id"]
    try:
        result = services.save_edit(
            db,
            clinic_id,
            editor.edited_fields(form),
            user_id=current_user.id,
            version=form.version.data,
            base=read_token(_secret(), "editor-base", form.base.data),
            keep_theirs=[p for p in editor.FIELDS if formdata.get(f"resolve-{p}") == "theirs"],
        )
    except LookupError:
        abort(404)
    if result.problems:
        return _render(form, clinic, has_errors=True, problems=list(result.problems))
    if result.conflicts:
        return _conflict(result, clinic)
    if result.saved == UNCHANGED:
        flash("Nothing had changed, so there was nothing to save.", "success")
    elif result.merged:
        flash("Saved. A colleague had saved other changes meanwhile; both are kept.", "success")
    else:
        flash("Saved. The profile is up to date.", "success")
    return redirect(url_for("clinic_admin.dashboard", clinic_id=clinic_id))


def _conflict(result: services.EditResult, clinic: dict):
    """Show the merged form, with the fields both people changed side by side (409)."""
    vocabulary = load_vocabulary()
    fresh = _fresh_form(result.mine, result.version, clinic)
    fresh.base.data = make_token(_secret(), "editor-base", editor.editable(result.theirs))
    rows = [
        {
            "path": path,
            "label": editor.FIELDS[path],
            "mine": editor.display(path, result.mine, vocabulary),
            "theirs": editor.display(path, result.theirs, vocabulary),
        }
        for path in result.conflicts
    ]
    return _render(fresh, clinic, 409, conflicts=rows)


@bp.post("/<clinic_id>/draft/discard")
def discard_draft(clinic_id: str):
    clinic_access(clinic_id, "edit")
    require_button()
    services.discard_draft(get_db(), current_user.id, clinic_id)
    flash("The kept changes are discarded.", "success")
    return redirect(url_for(".edit_profile", clinic_id=clinic_id))
