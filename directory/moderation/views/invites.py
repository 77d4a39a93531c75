"""/moderation/admin/invites: admins invite moderators by e-mail (a single-use link)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from directory.db import get_db
from directory.mail import send_mail
from directory.moderation import invites as invitations
from directory.moderation.forms import InviteForm
from directory.moderation.views.access import admin_required, me
from directory.moderation.views.workbench import base_url, bp, submitted


@bp.route("/admin/invites", methods=["GET", "POST"])
@admin_required
def invites():
    db = get_db()
    form = InviteForm()

    def invite():
        token = invitations.invite_moderator(db, me(), form.email.data, role=form.role.data)
        link = f"{base_url()}{url_for('moderation_public.join', token=token)}"
        send_mail(
            form.email.data,
            "You are invited to moderate Vetted",
            f"{current_user.display_name} invited you to join Vetted as a {form.role.data}.\n\n"
            f"Set your password here (the link works once, for {invitations.INVITE_HOURS} "
            f"hours):\n{link}\n\nYou will then set up an authenticator app for your second "
            "factor.\n",
        )
        flash(f"Invitation sent to {form.email.data}.", "success")

    if submitted(form, form.email, invite):
        return redirect(url_for("moderation.invites"))
    return render_template(
        "moderation/invites.html",
        form=form,
        invites=invitations.list_invites(db),
        now=datetime.now(UTC),
    ), (400 if request.method == "POST" else 200)
