"""Reads of field forms: the current version of a form, a given version, the list, and an XForm's
primary instance as an empty skeleton (what a submission fills in)."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

from defusedxml.ElementTree import fromstring

from safeground.fieldforms.models import FormMedia, FormVersion

XFORMS = "http://www.w3.org/2002/xforms"
XHTML = "http://www.w3.org/1999/xhtml"
JR = "http://openrosa.org/javarosa"


def current(form_id: str) -> FormVersion | None:
    return FormVersion.objects.filter(form_id=form_id, state="current").first()


def version(form_id: str, version: str) -> FormVersion | None:
    return FormVersion.objects.filter(form_id=form_id, version=version).first()


def current_forms() -> list[FormVersion]:
    return list(FormVersion.objects.filter(state="current").defer("xlsform", "xform").order_by("form_id"))


def versions(form_id: str | None = None) -> list[FormVersion]:
    rows = FormVersion.objects.defer("xlsform", "xform").order_by("form_id", "-version")
    return list(rows.filter(form_id=form_id) if form_id else rows)


def media_file(form_version: FormVersion, filename: str) -> FormMedia | None:
    return form_version.media.filter(filename=filename).first()


def media_names(form_version: FormVersion) -> list[str]:
    return list(form_version.media.order_by("filename").values_list("filename", flat=True))


def instance_skeleton(form_version: FormVersion) -> ET.Element:
    """The XForm's primary instance (root `data`, with its `id` and `version`) with every value empty
    and repeat templates (`jr:template`) removed: one element per question, a repeat once."""
    root = fromstring(form_version.xform)
    instance = root.find(f"{{{XHTML}}}head/{{{XFORMS}}}model/{{{XFORMS}}}instance")
    if instance is None or not len(instance):
        raise ValueError(f"{form_version}: the XForm has no primary instance")
    data = copy.deepcopy(instance[0])
    _strip(data)
    return data


def _strip(element: ET.Element) -> None:
    for child in list(element):
        if f"{{{JR}}}template" in child.attrib:
            element.remove(child)
            continue
        _strip(child)
    element.text = None
    element.tail = None


def media_by_version(ids: list) -> dict:
    """{version id: [(filename, size)]} for the listed versions (one query, contents not read)."""
    from django.db.models.functions import Length

    out: dict = {}
    rows = FormMedia.objects.filter(form_version_id__in=ids).annotate(size=Length("content")).order_by("filename")
    for version_id, filename, size in rows.values_list("form_version_id", "filename", "size"):
        out.setdefault(version_id, []).append((filename, size))
    return out
