"""Presenting results: tables, JSON, CSV (and, later, figures and the HTML report)."""
