"""Moderation: the workbench (second factor, queue, review, four eyes, reports, audit),
patient reports, expiry reminders and the public transparency page.

Everything here but `views/` is plain Python (no Flask): services take the store handle and
return data. `views.init_app` registers the three blueprints.
"""
