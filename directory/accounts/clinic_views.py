"""/manage: the clinics a person manages, getting a listing, the dashboard, the team."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from directory.accounts import forms, messages, services
from directory.accounts.access import clinic_access, require_button, require_form_post
from directory.accounts.dashboard import clinic_dashboard
from directory.accounts.limits import per_account, per_ip, per_user
from directory.db import get_db

bp = Blueprint("clinic_admin", __name__, url_prefix="/manage")
bp.before_request(require_form_post)


def _me() -> dict:
    return services.get_user(get_db(), current_user.id)


@bp.get("/")
@login_required
def home():
    db = get_db()
    return render_template(
        "clinic_admin/home.html",
        user=_me(),
        clinics=services.clinics_of_user(db, current_user.id),
        listing_requests=services.list_requests(db, "listing", None, user_id=current_user.id),
        ownership_requests=services.list_requests(db, "ownership", None, user_id=current_user.id),
        form=forms.ButtonForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@per_user("20 per hour")
def new_listing():
    user = _me()
    form = forms.NewListingForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            clinic_id = services.create_listing(db, user, form.profile())
        except services.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash(
                "Your listing is saved. It stays unpublished until a moderator approves it; "
                "meanwhile, complete the profile.",
                "success",
            )
            return redirect(url_for("clinic_editor.edit_profile", clinic_id=clinic_id))
    return render_template("clinic_admin/new_listing.html", form=form, user=user)


@bp.get("/claim")
@login_required
def claim_search():
    form = forms.ClaimSearchForm(request.args)
    results = None
    if "q" in request.args and form.validate():
        results = services.find_claimable_clinics(get_db(), form.q.data)
    return render_template("clinic_admin/claim_search.html", form=form, results=results, user=_me())


@bp.route("/claim/<clinic_id>", methods=["GET", "POST"])
@login_required
@per_user("20 per hour")
def claim(clinic_id: str):
    db = get_db()
    clinic = services.claimable_clinic(db, clinic_id)
    if clinic is None:
        abort(404)
    if services.member_role(db, clinic_id, current_user.id):
        return redirect(url_for(".dashboard", clinic_id=clinic_id))
    user = _me()
    waiting = services.list_requests(db, "ownership", clinic_id=clinic_id, user_id=current_user.id)
    form = forms.ClaimForm()
    if not waiting and form.validate_on_submit():
        try:
            request_row = services.request_ownership(
                db, user, clinic_id, note=form.note.data or None
            )
        except services.AccountError as exc:
            flash(str(exc), "error")
        else:
            if request_row["state"] == "approved":
                flash(
                    f"You now manage {clinic['name']}: your confirmed address is on the "
                    "clinic website's domain.",
                    "success",
                )
                return redirect(url_for(".dashboard", clinic_id=clinic_id))
            flash(
                f"Your claim on {clinic['name']} is waiting for a moderator. We will let you "
                "know here.",
                "success",
            )
            return redirect(url_for(".home"))
    return render_template(
        "clinic_admin/claim.html", clinic=clinic, form=form, waiting=waiting, user=user
    )


@bp.get("/<clinic_id>")
def dashboard(clinic_id: str):
    clinic, role = clinic_access(clinic_id, "view")
    db = get_db()
    return render_template(
        "clinic_admin/dashboard.html",
        clinic=clinic,
        role=role,
        vetting=clinic_dashboard(db, clinic_id, date.today()),
        listing_requests=services.list_requests(db, "listing", None, clinic_id=clinic_id),
        ownership_requests=services.list_requests(db, "ownership", None, clinic_id=clinic_id)
        if role == "staff"
        else [],
    )


@bp.route("/<clinic_id>/members", methods=["GET", "POST"])
@per_ip("30 per hour")
@per_user("20 per hour")
@per_account("3 per hour")
def members(clinic_id: str):
    clinic, role = clinic_access(clinic_id, "own")
    db = get_db()
    form = forms.InviteForm()
    if form.validate_on_submit():
        try:
            invite_id = services.invite_editor(
                db, clinic_id, form.email.data, invited_by=current_user.id
            )
        except services.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            messages.send_invite(
                invite_id, form.email.data, clinic["name"], current_user.display_name
            )
            flash(f"We sent an invitation to {form.email.data}.", "success")
            return redirect(url_for(".members", clinic_id=clinic_id))
    return render_template(
        "clinic_admin/members.html",
        clinic=clinic,
        role=role,
        form=form,
        button=forms.ButtonForm(),
        people=services.clinic_members(db, clinic_id),
        invites=services.list_invites(db, clinic_id),
    )


@bp.post("/<clinic_id>/members/<int:user_id>/remove")
def remove_member(clinic_id: str, user_id: int):
    return _change_team(clinic_id, services.remove_member, user_id, "Removed from this listing.")


@bp.post("/<clinic_id>/invites/<int:invite_id>/revoke")
def revoke_invite(clinic_id: str, invite_id: int):
    return _change_team(
        clinic_id, services.revoke_invite, invite_id, "The invitation is withdrawn."
    )


def _change_team(clinic_id: str, change, target: int, done: str):
    """Make one owner's change to the team (a member or an invitation), then show the team."""
    clinic_access(clinic_id, "own")
    require_button()
    try:
        change(get_db(), clinic_id, target, actor=f"user:{current_user.id}")
    except LookupError:
        abort(404)
    except services.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".members", clinic_id=clinic_id))
