"""From a field form's answers to a workbench submission with its photos.

The field forms' definitions (fieldforms.definitions) say, question by question, which payload field
each fills (`Q.payload`: "released_on", "devices[].point", "teams[]" (a list of the one answer),
"reported_casualties.killed_men"), so the
mapping is read from them rather than written twice: answers are converted by question type (geoshape
→ GeoJSON Polygon, date → ISO date, integer → int, select_multiple → list, image → an attachment) and
put at that path. What a form needs beyond that (a fixed value, a list written as text, a checklist)
is one small function per form below. A photo answered in a repeat is attached with the repeat's path
("devices[1]", "evidence[0]"), so approval moves it to the record it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from safeground.core.errors import ValidationFailed
from safeground.openrosa import geo, instance
from safeground.openrosa.answers import Answers
from safeground.openrosa.errors import Refused

#: Each field form's workbench kind and action (fieldforms.definitions' docstrings).
KINDS: dict[str, tuple[str, str]] = {
    "nts": ("hazard", "create"),
    "ts": ("product", "create"),
    "completion": ("product", "create"),
    "progress": ("progress", "create"),
    "eod": ("eod", "create"),
    "eore": ("eore", "create"),
    "accident": ("accident", "create"),
    "qa_visit": ("qa_visit", "create"),
}
CONTAINERS = ("begin_group", "end_group", "note")


@dataclass
class Mapped:
    """A workbench payload and the photos to attach: (file name, path, question)."""

    kind: str
    action: str
    payload: dict
    photos: list[tuple[str, str, str]] = field(default_factory=list)
    questions: dict[str, str] = field(default_factory=dict)  # payload field → question, for messages
    target: str = ""  # the record a change ("update") is for
    also: list[Mapped] = field(default_factory=list)  # a second submission the same form makes


def _convert(kind: str, text: str, question: str, models: dict[str, str]):
    if kind == "geopoint":
        return geo.point(text, question)
    if kind == "geoshape":
        return geo.polygon(text, question)
    if kind == "geotrace":
        return geo.line(text, question)
    if kind == "date":
        value = instance.date(text, question)
        return value.isoformat() if value else None
    if kind == "dateTime":
        stamp = instance.datetime(text, question)
        return stamp.isoformat() if stamp else None
    if kind == "integer":
        return instance.number(text, question, integer=True)
    if kind == "decimal":
        return instance.number(text, question)
    if kind == "select_multiple ordnance_model":  # choice names are tokens of the catalogue's names
        return [models.get(t, t) for t in text.split()] if text else None
    if kind.startswith("select_multiple"):
        return text.split() if text else None
    if kind == "select_one ordnance_model":
        return models.get(text, text) if text else None
    return text or None


def _put(target: dict, path: str, value) -> None:
    """Set `value` at a dotted path; an earlier answer wins (two questions for one field: either/or)."""
    *parents, last = path.split(".")
    for name in parents:
        target = target.setdefault(name, {})
    target.setdefault(last, value)


def _questions(form_id: str) -> list:
    from safeground.fieldforms import definitions

    module = definitions.by_id(form_id)
    if module is None:
        raise Refused(f"there is no field form {form_id!r} on this server", 404, "id")
    return module.survey()


def repeats(form_id: str) -> set[str]:
    """The form's repeat groups (an instance with one entry can't show it repeats)."""
    return {q.name for q in _questions(form_id) if _base(q.type) == "begin_repeat" and q.name}


def _base(kind: str) -> str:
    """The question type without its list name ("select_one outcome" → "select_one"; "begin repeat" too)."""
    words = (kind or "").strip().split()
    if len(words) > 1 and words[0] in ("begin", "end"):
        return f"{words[0]}_{words[1]}"
    return words[0] if words else ""


def build(form_id: str, answers: Answers) -> Mapped:
    """The workbench submission a form's answers make (Refused, naming the question, when an answer
    can't be read: a self-intersecting perimeter, a date that is no date)."""
    if form_id not in KINDS:
        raise Refused(f"form {form_id!r} does not feed the workbench", 404, "id")
    from safeground.fieldforms.choices import ordnance_model_names

    kind, action = KINDS[form_id]
    mapped = Mapped(kind, action, {})
    models = ordnance_model_names()
    repeat = None
    for q in _questions(form_id):
        base = _base(q.type)
        if base == "begin_repeat":
            repeat = q
            continue
        if base == "end_repeat":
            repeat = None
            continue
        if base in CONTAINERS or not q.name or not q.payload or " " in q.payload:
            continue
        if repeat is None and "[]." in q.payload:
            continue  # fields of a list outside a repeat (a checklist): the form's own function builds it
        if repeat is None:
            _answer(mapped, q, base, answers.get(q.name), q.name, mapped.payload, q.payload, "", models)
            continue
        key = repeat.payload or repeat.name
        entries = answers.many(repeat.name)
        rows = mapped.payload.setdefault(key, [{} for _ in entries])
        inner = q.payload.split("[].", 1)[-1]
        for i, entry in enumerate(entries):
            where = f"{repeat.name}[{i + 1}]/{q.name}"
            _answer(mapped, q, base, entry.get(q.name), where, rows[i], inner, f"{key}[{i}]", models)
    finish = FINISH.get(form_id)
    if finish is not None:
        finish(mapped, answers)
    _fit(mapped)
    return mapped


def _fit(mapped: Mapped) -> None:
    """The payload as the kind's schema takes it: the organisation under the kind's own field name
    (a hazard's `reporting_organisation`), and without the answers that only guide the field team
    (country, team lists: the schema has no field for them)."""
    from safeground.workbench import kinds

    registered = kinds.get(mapped.kind)
    if registered is None:
        return
    own = registered.organisation_field
    if own and own != "organisation" and "organisation" in mapped.payload:
        mapped.payload.setdefault(own, mapped.payload.pop("organisation"))
    schema = registered.schemas.get(mapped.action)
    if schema is not None:
        for key in [k for k in mapped.payload if k not in schema.model_fields]:
            mapped.payload.pop(key)


def _answer(
    mapped: Mapped, q, base: str, text: str, where: str, target: dict, path: str, photo_path: str, models: dict
) -> None:
    if base in ("image", "file", "audio", "video"):
        if text:
            mapped.photos.append((text, photo_path, where))
        return
    value = _convert(" ".join(q.type.split()), text, where, models)
    if value is not None and path.endswith("[]"):  # "teams[]": a list of the one answer
        value, path = [value], path[:-2]
    if value is not None:
        _put(target, path, value)
        mapped.questions.setdefault(path if not photo_path else f"{photo_path}.{path}", where)


def _ts(mapped: Mapped, answers: Answers) -> None:
    """The searched ground is reduced; where contamination was confirmed, the hazard becomes a CHA with the
    confirmed area as its perimeter: a second submission, a change to that hazard, reviewed with the first."""
    mapped.payload.setdefault("outcome", "reduced")
    if answers.get("confirmed") != "yes" or not answers.get("confirmed_area"):
        return
    hazard = mapped.payload.get("hazard")
    if not hazard:
        raise Refused("confirmed_area: name the hazard (hazard) whose contamination was confirmed", 400, "hazard")
    geometry = geo.polygon(answers.get("confirmed_area"), "confirmed_area")
    mapped.also.append(
        Mapped(
            "hazard",
            "update",
            {"hazard_class": "CHA", "geometry": geometry},
            target=hazard,
            questions={"geometry": "confirmed_area"},
        )
    )


def _eore(mapped: Mapped, answers: Answers) -> None:
    materials = mapped.payload.get("materials")
    if isinstance(materials, str):
        # The comma of the team's keyboard: Latin, Arabic (U+060C) or ideographic.
        mapped.payload["materials"] = [m.strip() for m in re.split(r"[,\u060c\u3001]", materials) if m.strip()]


def _qa_visit(mapped: Mapped, answers: Answers) -> None:
    """The checklist: for each item of the chosen template, its question (`<template>__<item>`: yes, no or
    na) and the question's `__remark`, as qm's answers ({"item", "answer", "remark"})."""
    from safeground.fieldforms.definitions.qa_visit import question
    from safeground.qm.models import ChecklistTemplate

    key = mapped.payload.get("template") or ""
    template = ChecklistTemplate.objects.filter(key=key).first() if key else None
    items = []
    for item in template.items.order_by("order") if template else []:
        name = question(template.key, item.key)
        if answers.get(name):
            items.append({"item": item.key, "answer": answers.get(name), "remark": answers.get(f"{name}__remark")})
    mapped.payload["answers"] = items


FINISH = {"ts": _ts, "eore": _eore, "qa_visit": _qa_visit}


def _message(exc: ValidationFailed, mapped: Mapped) -> tuple[str, str]:
    """The refusal in the form's words: the question behind the payload field where it is known."""
    field_name = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", exc.field or "")  # devices.1.point → devices[1].point
    question = mapped.questions.get(field_name) or mapped.questions.get(field_name.split(".")[0])
    if question and question not in str(exc):
        return f"{question}: {exc}", question
    return str(exc), question or field_name


def submit(
    form_id: str,
    answers: Answers,
    files: list[dict],
    *,
    user,
    origin: dict,
    need_files: bool = True,
    source: str = "odk",
):
    """Queue the form's submission in the workbench and attach its photos; call inside a transaction.

    A photo the answers name but the post did not carry is refused (`need_files=False`: skipped, for a
    Central CSV without its media). An attachment over the size limit is refused with 413."""

    mapped = build(form_id, answers)
    by_name = {f["name"]: f for f in files}
    photos = []
    for name, path, question in mapped.photos:
        if name not in by_name:
            if need_files:
                raise Refused(f"{question}: the photo {name} was not sent with the form", 400, question)
            continue
        photos.append({**by_name[name], "path": path})
    submission = _submit(mapped, user, origin)
    for extra in mapped.also:  # in the same transaction: both are received or neither
        _submit(extra, user, {**origin, "odk": {**origin.get("odk", {}), "with": submission.code}})
    if photos:
        _attach(submission, photos, user, source)
    return submission


def _submit(mapped: Mapped, user, origin: dict):
    from safeground.workbench import services as workbench

    try:
        return workbench.submit(
            kind=mapped.kind,
            action=mapped.action,
            target_code=mapped.target,
            payload=mapped.payload,
            user=user,
            origin=origin,
        )
    except ValidationFailed as exc:
        message, question = _message(exc, mapped)
        raise Refused(message, 400, question) from exc


def _attach(submission, photos: list[dict], user, source: str) -> None:
    from safeground.attachments import services as attachments
    from safeground.attachments.services import AttachmentTooLarge

    try:
        attachments.attach_many(submission, photos, user=user, source=source)
    except AttachmentTooLarge as exc:
        raise Refused(str(exc), 413, "attachment") from exc
    except ValidationFailed as exc:
        raise Refused(str(exc), 400, exc.field or "attachment") from exc
