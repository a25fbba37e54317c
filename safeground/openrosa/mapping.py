"""From a form's answers to a workbench submission with its photos (filled in per form, phase 2)."""

from __future__ import annotations

from safeground.openrosa.errors import Refused


def submit(form, parsed, files: list[dict], *, user, origin: dict):
    raise Refused(f"form {parsed.form_id!r} is not mapped to the workbench yet", 404, "id")
