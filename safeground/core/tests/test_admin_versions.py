"""The admin's change forms carry the record's version (core/admin_versions.py, decision 0019), and its
geometry maps need nothing the Content-Security-Policy refuses (core/admin_map.py, decision 0023).

A change posted from a page drawn on an older version is refused (200, the form again with the
user's input and a message naming the current version; nothing written); saving that page again
applies it. The browser side of the map is in tests/browser/test_admin_map.py.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.contrib.staticfiles import finders

from safeground.core.admin_map import AdminMapWidget
from safeground.core.admin_versions import SEEN, VersionedAdminMixin, has_version
from safeground.core.tests.test_production_defaults import _Audit

pytestmark = pytest.mark.django_db

STALE = "Someone else changed this record (now version {})"


def posted(response) -> dict:
    """The change page's forms as the browser posts them: every field's value, the inlines'
    management forms (values as shown, or as posted when the page is a refused change)."""
    data: dict = {}

    def add(form) -> None:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif value is None:
                data[bound.html_name] = ""
            elif isinstance(value, GEOSGeometry):
                data[bound.html_name] = value.ewkt
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    inlines = response.context["inline_admin_formsets"] if "inline_admin_formsets" in response.context else []
    for inline in inlines:
        add(inline.formset.management_form)
        for form in inline.formset:
            add(form)
    return data


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def refused(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(str(e) for e in response.context["adminform"].form.non_field_errors())


def test_an_admin_change_raises_the_version(admin_client, hazard):
    page = admin_client.get(change_url(hazard))
    assert page.status_code == 200
    assert page.context["adminform"].form[SEEN].value() == 1
    assert 'name="version"' not in page.content.decode()  # never an input
    data = {**posted(page), "name": "Changed in the admin"}
    response = admin_client.post(change_url(hazard), data)
    assert response.status_code == 302, refused(response)
    hazard.refresh_from_db()
    assert (hazard.name, hazard.version) == ("Changed in the admin", 2)
    assert hazard.history.first().version == 2  # the history row has it too


def test_a_change_to_an_older_version_is_refused_and_then_applied_on_purpose(admin_client, hazard):
    from safeground.hazards import services

    page = admin_client.get(change_url(hazard))
    data = {**posted(page), "name": "Mine", "status": "suspended"}
    # Meanwhile someone changes it through the API's service.
    services.update_hazard(hazard, expected_version=1, name="Theirs")
    history = hazard.history.count()

    response = admin_client.post(change_url(hazard), data)
    assert STALE.format(2) in refused(response)
    assert "review them and save again" in response.content.decode()
    stored = type(hazard).objects.get(pk=hazard.pk)
    assert (stored.name, stored.status, stored.version) == ("Theirs", hazard.status, 2)  # nothing written
    assert hazard.history.count() == history
    form = response.context["adminform"].form
    assert (form["name"].value(), form["status"].value()) == ("Mine", "suspended")  # the input is kept
    assert 'value="Mine"' in response.content.decode()
    assert form[SEEN].value() == "2"  # the page now says which version it shows
    assert f'name="{SEEN}" value="2"' in response.content.decode()

    again = admin_client.post(change_url(hazard), posted(response))
    assert again.status_code == 302, refused(again)
    stored.refresh_from_db()
    assert (stored.name, stored.status, stored.version) == ("Mine", "suspended", 3)


def test_a_history_revert_applies_to_the_current_version(admin_client, hazard):
    """django-simple-history's Revert form shows an old copy; it carries the stored version and raises it."""
    from safeground.hazards import services

    first = hazard.history.get(version=1)
    services.update_hazard(hazard, expected_version=1, name="Theirs")
    url = change_url(hazard).replace("/change/", f"/history/{first.history_id}/")
    page = admin_client.get(url)
    assert page.status_code == 200 and page.context["adminform"].form[SEEN].value() == 2
    response = admin_client.post(url, posted(page))
    assert response.status_code == 302, refused(response)
    hazard.refresh_from_db()
    assert (hazard.name, hazard.version) == (first.name, 3)


def test_a_change_that_names_no_version_is_refused(admin_client, hazard):
    data = posted(admin_client.get(change_url(hazard)))
    del data[SEEN]
    response = admin_client.post(change_url(hazard), {**data, "name": "Blind"})
    assert "did not say which version" in refused(response)
    hazard.refresh_from_db()
    assert hazard.version == 1 and hazard.name != "Blind"


def test_the_hazard_geometry_checks_still_apply(admin_client, hazard):
    data = posted(admin_client.get(change_url(hazard)))
    response = admin_client.post(change_url(hazard), {**data, "point": "SRID=4326;POINT(103.05 13.05)"})
    assert "a polygon or a point, not both" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.version == 1 and hazard.point is None


def test_an_organisation_version_is_no_input_and_is_checked(admin_client, organisation):
    from safeground.organisations.structure import edit_organisation

    page = admin_client.get(change_url(organisation))
    assert "version" not in page.context["adminform"].form.fields  # it was an editable number before
    data = posted(page)
    edit_organisation("CMAC", expected_version=1, name="Renamed elsewhere")
    response = admin_client.post(change_url(organisation), {**data, "name": "Renamed here"})
    assert STALE.format(2) in refused(response)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("Renamed elsewhere", 2)
    assert admin_client.post(change_url(organisation), posted(response)).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("Renamed here", 3)


def test_a_programme_change_goes_through_the_service_with_its_version(admin_client):
    from safeground.gazetteer import programmes
    from safeground.gazetteer.models import Programme

    khm = Programme.objects.get(iso3="KHM")
    start = khm.version
    page = admin_client.get(change_url(khm))
    data = posted(page)
    programmes.edit_programme("KHM", expected_version=start, local_crs="EPSG:32648")
    response = admin_client.post(change_url(khm), {**data, "ccm_party": "on"})
    assert STALE.format(start + 1) in refused(response)
    khm.refresh_from_db()
    assert (khm.ccm_party, khm.version) == (False, start + 1)
    again = admin_client.post(change_url(khm), posted(response))
    assert again.status_code == 302, refused(again)
    khm.refresh_from_db()
    assert (khm.ccm_party, khm.version) == (True, start + 2)


def test_every_admin_of_a_versioned_model_checks_the_version_and_every_map_is_local():
    registry = admin.site._registry
    versioned = [m for m in registry if has_version(m)]
    assert {m._meta.label for m in versioned} >= {
        "hazards.Hazard",
        "landrelease.Product",
        "landrelease.Device",
        "operations.Activity",
        "eore.Session",
        "victims.Accident",
        "organisations.Organisation",
        "organisations.Team",
        "organisations.Asset",
        "organisations.Accreditation",
        "organisations.AnimalAccreditation",
        "gazetteer.Programme",
    }
    unchecked = [m._meta.label for m in versioned if not isinstance(registry[m], VersionedAdminMixin)]
    assert unchecked == []
    maps = [a for a in registry.values() if isinstance(a, GISModelAdmin)]
    assert len(maps) >= 8 and all(a.gis_widget is AdminMapWidget for a in maps), [type(a).__name__ for a in maps]
    # An inline with a geometry field (hazard evidence) must not fall back on Django's CDN widget.
    inlines = [
        i
        for a in registry.values()
        for i in a.inlines
        if any(isinstance(f, GeometryField) for f in i.model._meta.fields)
    ]
    assert inlines and all(getattr(i, "gis_widget", None) is AdminMapWidget for i in inlines), inlines
    media = AdminMapWidget().media
    assert not [u for u in (*media._js, *media._css["all"]) if "//" in u]  # nothing from another host


def test_the_change_page_has_a_local_map_and_no_inline_code(admin_client, hazard):
    html = admin_client.get(change_url(hazard)).content.decode()
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', html)
    sheets = re.findall(r'<link[^>]* href="([^"]+)"[^>]*rel="stylesheet"', html)
    assert "/static/vendor/ol/ol.js" in scripts and "/static/js/admin-map.js" in scripts
    assert "/static/vendor/ol/ol.css" in sheets
    for url in scripts + sheets:  # every script and style sheet from this site (static, or /admin/jsi18n/)
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} is not a static file"
    assert 'id="id_geom_options" type="application/json"' in html  # the map's options: data, not code
    assert "cdn.jsdelivr.net" not in html and "openstreetmap" not in html
    audit = _Audit()
    audit.feed(html)
    assert audit.problems == []
