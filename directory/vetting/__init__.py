"""Vetting: the checklist, claims and their evidence, and the explainable, decaying score.

Other domains call directory.vetting.services; views.init_app registers the pages.
"""
