"""Clinic accounts: register, confirm, log in, passwords, listings, editors, the editor.

`extension.init_app` sets the session lifetimes, starts the rate limiter and registers four
blueprints: `accounts` (/account: who you are), `clinic_admin` (/manage: your clinics,
getting a listing, the dashboard, the team), `clinic_editor` (/manage/<id>/edit: the profile
editor) and `clinic_evidence` (/manage/<id>/items/...: claims and documents).
"""
