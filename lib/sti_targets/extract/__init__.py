"""Candidate targets from a plan's text, and their evaluation against the curated table."""
