"""Patients' verified experiences: proof of a visit, questions in the checklist's own terms,
moderated free text, the clinic's one reply, before-and-after photos, and what they add up to.

services.py is the door; the ideas live in their own modules (codes, submissions, decisions,
replies, photos, summary), the SQL in storage.py, the pure rules in rules.py and images.py.
"""
