"""Devices found, entered as rows: where (typed in any format the gazetteer reads, or picked on the map),
what (the category, by its name), how it was disposed of (by its name), and the model (searchable,
from the ordnance catalogue, which also sets the category).

The rows are plain inputs named `devices-<n>-<column>`, so the form works without JavaScript (a few
empty rows are always there); static/js/device-rows.js adds and removes rows and picks positions on
the map. Every row's problems are reported at once, each naming its row and column.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeground.gazetteer.coordinates import CoordinateError, parse_coordinate
from safeground.landrelease.models import Device
from safeground.ordnance.models import CATEGORY_CHOICES, OrdnanceModel

COLUMNS = ("position", "category", "disposal", "model")
EMPTY_ROWS = 2  # blank rows offered without JavaScript
_NAME = re.compile(r"^(?P<field>.+)-(?P<row>\d+)-(?P<column>[a-z]+)$")


class DeviceRowsWidget(forms.Widget):
    template_name = "workbench/widgets/device_rows.html"

    def value_from_datadict(self, data, files, name) -> list[dict]:
        rows: dict[int, dict] = {}
        for key in data:
            match = _NAME.match(key)
            if match and match["field"] == name and match["column"] in COLUMNS:
                rows.setdefault(int(match["row"]), {})[match["column"]] = data.get(key, "").strip()
        return [rows[n] for n in sorted(rows) if any(rows[n].values())]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = list(value or []) if isinstance(value, list) else []
        blank = dict.fromkeys(COLUMNS, "")
        context["rows"] = [{**blank, **row} for row in rows] + [blank] * (EMPTY_ROWS if not rows else 1)
        context["categories"] = [(key, _(label)) for key, label in CATEGORY_CHOICES]
        context["disposals"] = [(key, _(label)) for key, label in Device.DISPOSAL_CHOICES]
        context["models"] = list(OrdnanceModel.objects.order_by("name").values_list("name", "category"))
        return context


class DeviceRowsField(forms.Field):
    widget = DeviceRowsWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "One row per device: its position (latitude first, any format, or picked on the map), "
                "category and disposal; the model if known (it sets the category)."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> list[dict]:
        return value or []

    def clean(self, value) -> list[dict]:
        rows = self.to_python(value)
        categories, disposals = dict(CATEGORY_CHOICES), dict(Device.DISPOSAL_CHOICES)
        catalogue = dict(OrdnanceModel.objects.values_list("name", "category"))
        by_name = {name.casefold(): name for name in catalogue}
        problems, devices = [], []
        for number, row in enumerate(rows, start=1):
            here = []
            point = None
            try:
                lon, lat = parse_coordinate(row.get("position", ""))
                point = {"type": "Point", "coordinates": [lon, lat]}
            except CoordinateError as exc:
                here.append(
                    _("position: %(error)s") % {"error": exc} if row.get("position") else _("give its position")
                )
            model = by_name.get((row.get("model") or "").casefold())
            if row.get("model") and model is None:
                here.append(_("%(model)s is not in the ordnance catalogue") % {"model": row["model"]})
            category = row.get("category") or (catalogue[model] if model else "")
            if category not in categories:
                here.append(_("choose its category"))
            if row.get("disposal") not in disposals:
                here.append(_("choose how it was disposed of"))
            if here:
                problems.append(_("Device %(n)s: %(problems)s.") % {"n": number, "problems": "; ".join(here)})
                continue
            devices.append({"point": point, "category": category, "disposal": row["disposal"], "model": model or None})
        if problems:
            raise forms.ValidationError(problems)
        return devices
