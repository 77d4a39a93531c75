"""Notifications: every decision about a clinic, kept for its dashboard and mailed to its people.

- services.py: record a notification (in the deciding transaction), list them, the mail queue;
- storage.py: the rows (notifications, notification_mails, notification_seen);
- kinds.py: every kind of notification, and what it carries;
- messages.py: a notification as a message (subject, plain text, HTML) in a language, from
  templates/mail/ (Flask: Jinja and Flask-Babel);
- extension.py: the after-commit delivery of queued mail.
"""
