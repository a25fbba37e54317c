"""Signed, redacted exchange packages between programmes, read-only partner data and comparison (issue 18)."""
