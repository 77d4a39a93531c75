"""Help patients choose: compare clinics, the safety guide and the private self-check.

views.init_app registers the pages and the template helpers their partials use.
"""
