"""Practitioner registers: loaded extracts and the answers they give about a licence."""
