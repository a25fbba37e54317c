"""Reading an ODK instance (the submission XML): its form, version, instanceID and answers.

Parsed with defusedxml: entity expansion and external references are refused, so a crafted post
cannot make the server read files or blow up its memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from safeground.openrosa.errors import Refused


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass
class Instance:
    """The parsed instance: `answers` maps each question to its text, a group to a dict, and a question
    or group that occurs more than once (a repeat) to a list."""

    form_id: str
    version: str
    instance_id: str
    answers: dict
    device_id: str = ""
    meta: dict = field(default_factory=dict)


def _value(element: Element):
    children = list(element)
    if not children:
        return (element.text or "").strip()
    out: dict = {}
    for child in children:
        name = _local(child.tag)
        value = _value(child)
        if name in out:
            if not isinstance(out[name], list) or not getattr(out[name], "_repeat", False):
                out[name] = _Repeat([out[name]])
            out[name].append(value)
        else:
            out[name] = value
    return out


class _Repeat(list):
    _repeat = True


def parse(xml: bytes) -> Instance:
    """The instance in `xml`; a malformed document or one without form id or instanceID raises Refused (400)."""
    try:
        root = fromstring(xml)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise Refused(f"the submission is not well-formed XML: {exc}", 400, "xml_submission_file") from exc
    form_id = (root.get("id") or "").strip()
    if not form_id:
        raise Refused(
            f"the submission's root element <{_local(root.tag)}> has no id attribute naming its form",
            400,
            "id",
        )
    answers = _value(root)
    if not isinstance(answers, dict):
        answers = {}
    meta = answers.get("meta") if isinstance(answers.get("meta"), dict) else {}
    instance_id = meta.get("instanceID") if isinstance(meta.get("instanceID"), str) else ""
    instance_id = instance_id or (root.get("instanceID") or "").strip()
    if not instance_id:
        raise Refused("the submission has no meta/instanceID: ODK Collect adds one to every form", 400, "instanceID")
    if len(instance_id) > 100:
        raise Refused("the instanceID is longer than 100 characters", 400, "instanceID")
    return Instance(
        form_id=form_id,
        version=(root.get("version") or "").strip(),
        instance_id=instance_id,
        answers=answers,
        device_id=str(answers.get("deviceid") or meta.get("deviceID") or ""),
        meta=meta,
    )


def many(node: dict, name: str) -> list:
    """The occurrences of a repeat (or a group) `name` in `node`, as a list (none: empty)."""
    value = node.get(name) if isinstance(node, dict) else None
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def date(text: str, question: str) -> dt.date | None:
    """An ODK date answer (YYYY-MM-DD); empty: None; anything else names the question."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise Refused(f"{question}: {text!r} is not a date (YYYY-MM-DD)", 400, question) from exc


def datetime(text: str, question: str) -> dt.datetime | None:
    """An ODK dateTime answer (2024-05-01T10:20:30.000+07:00)."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise Refused(f"{question}: {text!r} is not a date and time", 400, question) from exc


def number(text: str, question: str, *, integer: bool = False) -> float | int | None:
    if text in ("", None):
        return None
    try:
        return int(text) if integer else float(text)
    except ValueError as exc:
        kind = "a whole number" if integer else "a number"
        raise Refused(f"{question}: {text!r} is not {kind}", 400, question) from exc
