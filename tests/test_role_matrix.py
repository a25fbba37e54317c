"""Every role × every page and API operation: allowed, or refused (403; anonymous: sign-in or 401).

The expectations below are written by hand from the role table in docs/roles.md — they are the
specification, not derived from the code. Every URL pattern and every operation in the OpenAPI
document must have one: a page or endpoint added without an entry here fails `test_matrix_is_complete`.

The data is the tiny demo (built once for the module, rolled back at the end) with its sign-ins:
one account per role; the operator is CMAC's.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qsl

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ["administrator", "im_officer", "operator", "qa_officer", "viewer", "va_officer"]
ACCOUNT = {
    "administrator": "admin",
    "im_officer": "im-officer",
    "operator": "operator-cmac",
    "qa_officer": "qa-officer",
    "viewer": "viewer",
    "va_officer": "va-officer",
}

PUBLIC = {*ROLES, "anonymous"}
SIGNED_IN = set(ROLES)
NATIONAL_WRITE = {"administrator", "im_officer"}
WORKBENCH_READ = {"administrator", "im_officer", "operator", "qa_officer"}
SUBMIT = {"administrator", "im_officer", "operator"}
VICTIM_ROWS = {"administrator", "im_officer", "va_officer"}  # pseudonymised per-victim rows
PERSONAL = {"va_officer"}  # names and addresses: by role only, not even the superuser
NATIONAL_PLANNING = {"administrator", "im_officer", "qa_officer", "viewer"}  # the completion forecast (decision 0032)
QM_WRITE = {"administrator", "im_officer", "qa_officer"}  # quality management records (docs/roles.md)
AGREEMENT_FILES = {"administrator", "im_officer", "qa_officer"}  # cooperation agreements' files (decision 0034)
ATTACH = {"administrator", "im_officer", "operator", "qa_officer"}  # attachments.add_attachment (decision 0037)
MIGRATION = {"administrator", "im_officer"}  # IMSMA NG migration runs and reports: who runs imports (decision 0041)

PAGES: dict[str, set] = {
    "set_language": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "api-tokens": SIGNED_IN,
    "public-dashboard": PUBLIC,
    "basemap-file": SIGNED_IN,
    "public-contamination": PUBLIC,  # province outlines and aggregates only (portal/tests/test_landing.py)
    "home": PUBLIC,  # anonymous visitors get the public landing page, accounts the map
    "dashboard": SIGNED_IN,
    "ledger-summary": SIGNED_IN,
    "product-list": SIGNED_IN,
    "product-detail": SIGNED_IN,
    "device-list": SIGNED_IN,
    "quality-checks": SIGNED_IN,
    "quality-findings-gpkg": SIGNED_IN,
    "interop-home": SIGNED_IN,
    "interop-export": SIGNED_IN,
    "ogc-landing": SIGNED_IN,
    "ogc-conformance": SIGNED_IN,
    "ogc-openapi": SIGNED_IN,
    "ogc-collections": SIGNED_IN,
    "ogc-collection": SIGNED_IN,
    "ogc-items": SIGNED_IN,
    "ogc-item": SIGNED_IN,
    "training-home": SIGNED_IN,
    "training-session": SIGNED_IN,
    "training-person": SIGNED_IN,
    "productivity": SIGNED_IN,
    "accreditations-expiring": SIGNED_IN,
    "activity-list": SIGNED_IN,
    "activity-detail": SIGNED_IN,
    "victims-home": SIGNED_IN,
    "victim-detail": VICTIM_ROWS,
    "victim-personal": SIGNED_IN,  # GET only sends back to the victim's page; the POST is checked
    "eore-home": SIGNED_IN,
    "forecast": NATIONAL_PLANNING,
    "reports": SIGNED_IN,
    "reports-download": SIGNED_IN,
    "workbench": WORKBENCH_READ,
    "workbench-new": SUBMIT,
    "workbench-detail": WORKBENCH_READ,
    "workbench-decide": WORKBENCH_READ,  # reaching it; the decision itself needs the review permission
    "quarantine-list": NATIONAL_WRITE,
    "qm-home": SIGNED_IN,
    "qm-visit-new": QM_WRITE,
    "qm-visit": SIGNED_IN,  # an operator sees its own organisation's visits (others answer 404)
    "qm-certificate": SIGNED_IN,
    "qm-handover-new": QM_WRITE,
    "qm-sample-new": QM_WRITE,
    "qm-sample": SIGNED_IN,  # recording its result needs qm.change_samplingplan (qm/tests)
    "qm-sampling-rules": NATIONAL_WRITE,  # a programme's option, like the API's PATCH
    "cooperation-home": SIGNED_IN,
    "cooperation-partner": SIGNED_IN,
    "cooperation-agreement": SIGNED_IN,
    "cooperation-document": AGREEMENT_FILES,
    "cooperation-visit": SIGNED_IN,
    "cooperation-action-new": NATIONAL_WRITE,
    "cooperation-action-done": NATIONAL_WRITE,
    "cooperation-lessons": SIGNED_IN,
    "cooperation-lesson-new": NATIONAL_WRITE,
    "cooperation-lesson": SIGNED_IN,
    "organisation-list": SIGNED_IN,
    "organisation-detail": SIGNED_IN,
    "quarantine-row": NATIONAL_WRITE,
    "map-remaining": SIGNED_IN,
    "tile": SIGNED_IN,  # the hazards layer; every layer below (TILES)
    "tilejson": SIGNED_IN,
    "hazard-list": SIGNED_IN,
    "hazard-detail": SIGNED_IN,
    "traverse": SIGNED_IN,
    "exchange-home": SIGNED_IN,  # its forms (keys, import, export, policy) need exchange.* (national roles)
    "exchange-package": SIGNED_IN,
    "exchange-compare": SIGNED_IN,
    "task-list": SIGNED_IN,  # operators see their own organisation's tasks only (tasking/tests)
    "task-new": NATIONAL_WRITE,
    "task-detail": SIGNED_IN,  # a CMAC task: CMAC's operator sees it
    "priorities": SIGNED_IN,
    "priority-snapshot": SIGNED_IN,
    "devrequest-list": SIGNED_IN,
    "devrequest-detail": SIGNED_IN,  # changing its status needs tasking.change_developmentrequest (tasking/tests)
    "fieldsync": SIGNED_IN,  # a laptop's packages and items; applying a receipt (POST) needs manage_fieldsync
    "fieldsync-imports": NATIONAL_WRITE,
    "fieldsync-import": NATIONAL_WRITE,
    "fieldsync-offices": NATIONAL_WRITE,
    # A hazard's photo: served to whoever may see the hazard (others get 404, as for no file).
    "attachment-file": SIGNED_IN,
    "attachment-thumbnail": SIGNED_IN,
    "attachment-upload": ATTACH,  # reaching it; attaching also needs the right to change the record (403)
    "attachment-remove": ATTACH,  # reaching it; removing also needs the right to change the record (403)
    "fieldforms": NATIONAL_WRITE,  # the ODK forms to load into Central or onto devices (decision 0038)
    "fieldforms-download": NATIONAL_WRITE,
    "fieldforms-media": NATIONAL_WRITE,
    # ODK Collect's OpenRosa endpoints: device credentials (Basic) or, to read, the session; anonymous 401
    "odk-form-list": SUBMIT,
    "odk-form": SUBMIT,  # an unknown form: 404 once access is granted
    "odk-manifest": SUBMIT,
    "odk-media": SUBMIT,
    "odk-submission": SUBMIT,  # GET answers 204; a POST needs a device credential (openrosa/tests)
    "odk-credentials": SUBMIT,  # a user's own device credentials; the administrator sees everyone's
    "odk-central-import": SUBMIT,  # ODK Central's export submitted to the workbench as the signed-in account
    "imsma-runs": MIGRATION,
    "imsma-run": MIGRATION,
    "imsma-report-csv": MIGRATION,
    "imsma-report-html": MIGRATION,
    # H2 (issue 21): the ordnance library's pages. Render-safe procedures open to EOD-qualified accounts only
    # (a certification of the person linked to the sign-in): none of the six demo roles, not even the
    # administrator (library/tests/test_procedures.py covers the eod-officer account).
    "library-list": SIGNED_IN,
    "library-model": SIGNED_IN,
    "library-edit": NATIONAL_WRITE,  # ordnance.change_ordnancemodel
    "library-procedures": set(),
    "library-procedure-reads": NATIONAL_WRITE,  # library.read_procedures_audit
    # H4 identification posters (issue 21): reference material for any signed-in account
    "library-posters": SIGNED_IN,
    "library-posters-pdf": SIGNED_IN,
    "library-poster": SIGNED_IN,
    # Library exchange and merge (issue 21, package H3): reading is for every account; uploading,
    # deciding and applying need library.add_libraryimport / change_librarymatch / change_libraryimport.
    "library-exchange": SIGNED_IN,
    "library-export": SIGNED_IN,
    "library-import": SIGNED_IN,  # an unknown import: 404 once access is granted
    # H5 museum (issue 21): staff pages for every signed-in role, writes for museum.* (national roles); the
    # public catalogue for everybody, anonymous included (an image of a non-public record answers 404).
    "museum-home": SIGNED_IN,
    "museum-exhibit": SIGNED_IN,
    "museum-exhibit-new": NATIONAL_WRITE,
    "museum-exhibit-edit": NATIONAL_WRITE,
    "museum-exhibit-move": NATIONAL_WRITE,
    "museum-exhibit-lend": NATIONAL_WRITE,
    "museum-loans": SIGNED_IN,
    "museum-loan-return": NATIONAL_WRITE,
    "museum-visits": SIGNED_IN,  # recording a visit (POST) needs museum.add_visit (museum/tests)
    "museum-public": PUBLIC,
    "museum-public-exhibit": PUBLIC,
    "museum-public-image": PUBLIC,
}
#: Vector tiles and TileJSON per layer (docs/decisions/0026): the boundaries are public reference data.
TILES: dict[str, set] = {
    "hazards": SIGNED_IN,
    "remaining_areas": SIGNED_IN,
    "products": SIGNED_IN,
    "devices": SIGNED_IN,
    "activities": SIGNED_IN,
    "admin_areas": PUBLIC,
    "places": SIGNED_IN,
}
#: Pages with no name (a redirect alias) are checked through their named twin.
UNNAMED = {"ogc": "ogc-landing"}
POST_PAGES = {
    "workbench-decide",
    "cooperation-action-new",
    "cooperation-action-done",
    "attachment-upload",
    "attachment-remove",
    "museum-exhibit-move",  # H5 museum
    "museum-exhibit-lend",
    "museum-loan-return",
}
#: Queries that make a file-writing view stop at its own validation (400) once access is granted: the
#: matrix checks who reaches each view; the exports themselves are tested in the interop and quality apps.
QUERY = {
    "/forecast": "?country=KHM&runs=50",
    "/reports": "?country=KHM",
    "/reports/{report}": "?country=KHM&year=2025&lang=xx",
    "reports": "?report=none",
    "reports-download": "?format=none",
    "interop-export": "?format=none",
    "quality-findings-gpkg": "?severity=none",
    "/interop/export": "?format=none",
    "/priorities": "?country=KHM",
    "/priorities/snapshots": "?country=KHM",  # the POST keeps a ranking of this programme
    # H4 posters: stop at the poster's own validation (422) once access is granted
    "library-posters-pdf": "?paper=none",
    "library-poster": "?paper=none",
    "/library/posters": "?models=none",
}

API: list[tuple[str, str, set]] = [
    ("GET", "/hazards", SIGNED_IN),
    ("POST", "/hazards", NATIONAL_WRITE),
    ("GET", "/hazards/{code}", SIGNED_IN),
    ("PATCH", "/hazards/{code}", NATIONAL_WRITE),
    ("GET", "/hazards/{code}/history", SIGNED_IN),
    ("GET", "/hazards/{code}/traverses", SIGNED_IN),
    ("GET", "/activities", SIGNED_IN),
    ("GET", "/activities/{code}", SIGNED_IN),
    ("GET", "/activities/{code}/history", SIGNED_IN),
    ("POST", "/activities/{code}/start", NATIONAL_WRITE),
    ("POST", "/activities/{code}/teams", NATIONAL_WRITE),
    ("POST", "/activities/{code}/assets", NATIONAL_WRITE),
    ("GET", "/activities/{code}/progress-reports", SIGNED_IN),
    ("POST", "/activities/{code}/progress-reports", NATIONAL_WRITE),
    ("GET", "/productivity", SIGNED_IN),
    ("GET", "/forecast", NATIONAL_PLANNING),
    ("GET", "/reports", SIGNED_IN),
    ("GET", "/reports/{report}", SIGNED_IN),
    ("GET", "/productivity/compare/methods", SIGNED_IN),
    ("GET", "/productivity/compare/programmes", SIGNED_IN),
    ("GET", "/products", SIGNED_IN),
    ("POST", "/products", NATIONAL_WRITE),
    ("GET", "/products/{code}", SIGNED_IN),
    ("PATCH", "/products/{code}", NATIONAL_WRITE),
    ("GET", "/products/{code}/history", SIGNED_IN),
    ("GET", "/devices", SIGNED_IN),
    ("GET", "/devices/{code}", SIGNED_IN),
    ("GET", "/ledger/hazards", SIGNED_IN),
    ("GET", "/ledger/hazards/{code}", SIGNED_IN),
    ("GET", "/ledger/summary", SIGNED_IN),
    ("GET", "/ledger/discrepancies", SIGNED_IN),
    ("GET", "/ledger/proposals", SIGNED_IN),
    ("POST", "/ledger/proposals/{code}/confirm", NATIONAL_WRITE),
    ("GET", "/organisations/accreditations/expiring", SIGNED_IN),
    ("GET", "/organisations/accreditations", SIGNED_IN),
    ("POST", "/organisations/accreditations/{code}/renew", NATIONAL_WRITE),
    ("GET", "/organisations/accreditations/{code}", SIGNED_IN),
    ("PATCH", "/organisations/accreditations/{code}", NATIONAL_WRITE),
    ("POST", "/organisations/animals/{identifier}/accreditations", NATIONAL_WRITE),
    ("GET", "/organisations/animals/{identifier}/accreditations", SIGNED_IN),
    ("GET", "/organisations/personnel", SIGNED_IN),
    ("POST", "/organisations/personnel", NATIONAL_WRITE),
    ("GET", "/organisations/personnel/{code}", SIGNED_IN),
    ("POST", "/organisations/{acronym}/accreditations", NATIONAL_WRITE),
    ("GET", "/organisations", SIGNED_IN),
    ("POST", "/organisations", NATIONAL_WRITE),
    ("PATCH", "/organisations/{acronym}", NATIONAL_WRITE),
    ("POST", "/organisations/{acronym}/teams", NATIONAL_WRITE),
    ("POST", "/organisations/assets", NATIONAL_WRITE),
    ("GET", "/organisations/teams/{code}", SIGNED_IN),
    ("PATCH", "/organisations/teams/{code}", NATIONAL_WRITE),
    ("GET", "/organisations/assets/{identifier}", SIGNED_IN),
    ("PATCH", "/organisations/assets/{identifier}", NATIONAL_WRITE),
    ("GET", "/programmes", SIGNED_IN),
    ("GET", "/programmes/{iso3}", SIGNED_IN),
    ("POST", "/programmes", NATIONAL_WRITE),
    ("PATCH", "/programmes/{iso3}", NATIONAL_WRITE),
    ("GET", "/organisations/{acronym}", SIGNED_IN),
    # Package H1 (issue 21): the ordnance model record; reading is public reference data.
    ("GET", "/ordnance-models", PUBLIC),
    ("GET", "/ordnance-models/{name}", PUBLIC),
    ("GET", "/ordnance-models/by-slug/{slug}", PUBLIC),
    ("POST", "/ordnance-models", NATIONAL_WRITE),
    ("PATCH", "/ordnance-models/{name}", NATIONAL_WRITE),
    ("POST", "/interop/import", NATIONAL_WRITE),
    ("GET", "/interop/export", SIGNED_IN),
    ("GET", "/quality/checks", SIGNED_IN),
    ("GET", "/quality/findings", SIGNED_IN),
    ("GET", "/training/centres", SIGNED_IN),
    ("GET", "/training/courses", SIGNED_IN),
    ("GET", "/training/sessions", SIGNED_IN),
    ("GET", "/training/sessions/{code}", SIGNED_IN),
    ("POST", "/training/sessions/{code}/enrolments", NATIONAL_WRITE),
    ("POST", "/training/sessions/{code}/results", NATIONAL_WRITE),
    ("POST", "/training/sessions/{code}/close", NATIONAL_WRITE),
    ("GET", "/victims/statistics", SIGNED_IN),
    ("GET", "/victims/statistics/assistance", SIGNED_IN),
    ("GET", "/victims/accidents", SIGNED_IN),
    ("POST", "/victims/accidents", {"administrator", "im_officer", "operator", "va_officer"}),
    ("GET", "/victims/accidents/proposals", SIGNED_IN),
    ("GET", "/victims/accidents/{code}", SIGNED_IN),
    ("GET", "/victims/accidents/{code}/history", SIGNED_IN),
    ("POST", "/victims/accidents/{code}/evidence", {"administrator", "im_officer", "va_officer"}),
    ("GET", "/victims/access-log", {"administrator"}),
    ("POST", "/victims/export", PERSONAL),
    ("GET", "/victims", VICTIM_ROWS),
    ("POST", "/victims", PERSONAL),
    ("GET", "/victims/{code}", VICTIM_ROWS),
    ("PATCH", "/victims/{code}", PERSONAL),
    ("POST", "/victims/{code}/personal-data", PERSONAL),
    ("POST", "/victims/{code}/erase", PERSONAL),
    ("POST", "/victims/{code}/assessments", PERSONAL),
    ("POST", "/victims/{code}/referrals", PERSONAL),
    ("PATCH", "/victims/referrals/{referral_id}", PERSONAL),
    ("POST", "/victims/{code}/follow-ups", PERSONAL),
    ("GET", "/eore/sessions", SIGNED_IN),
    ("POST", "/eore/sessions", {"administrator", "im_officer", "operator"}),
    ("GET", "/eore/beneficiaries", SIGNED_IN),
    ("GET", "/eore/sessions/{code}", SIGNED_IN),
    ("GET", "/eore/sessions/{code}/history", SIGNED_IN),
    ("GET", "/qm/visits", SIGNED_IN),
    ("POST", "/qm/visits", QM_WRITE),
    ("GET", "/qm/visits/{code}", SIGNED_IN),
    ("PATCH", "/qm/visits/{code}", QM_WRITE),
    ("GET", "/qm/visits/{code}/history", SIGNED_IN),
    ("POST", "/qm/visits/{code}/non-conformities", QM_WRITE),
    ("GET", "/qm/non-conformities", SIGNED_IN),
    ("GET", "/qm/non-conformities/{code}", SIGNED_IN),
    ("POST", "/qm/non-conformities/{code}/close", QM_WRITE),
    ("GET", "/qm/templates", SIGNED_IN),
    ("GET", "/qm/sampling-rules", SIGNED_IN),
    ("PATCH", "/qm/sampling-rules/{iso3}", NATIONAL_WRITE),  # a programme's option, like its profile
    ("GET", "/qm/sampling-plans", SIGNED_IN),
    ("POST", "/qm/sampling-plans", QM_WRITE),
    ("GET", "/qm/sampling-plans/{code}", SIGNED_IN),
    ("POST", "/qm/sampling-plans/{code}/result", QM_WRITE),
    ("GET", "/qm/handovers", SIGNED_IN),
    ("POST", "/qm/handovers", QM_WRITE),
    ("GET", "/qm/handovers/{code}", SIGNED_IN),
    ("GET", "/qm/statistics", SIGNED_IN),
    ("GET", "/cooperation/partners", SIGNED_IN),
    ("POST", "/cooperation/partners", NATIONAL_WRITE),
    ("GET", "/cooperation/partners/{code}", SIGNED_IN),
    ("PATCH", "/cooperation/partners/{code}", NATIONAL_WRITE),
    ("GET", "/cooperation/agreements", SIGNED_IN),
    ("POST", "/cooperation/agreements", NATIONAL_WRITE),
    ("GET", "/cooperation/agreements/{code}", SIGNED_IN),
    ("PATCH", "/cooperation/agreements/{code}", NATIONAL_WRITE),
    ("GET", "/cooperation/visits", SIGNED_IN),
    ("POST", "/cooperation/visits", NATIONAL_WRITE),
    ("GET", "/cooperation/visits/{code}", SIGNED_IN),
    ("PATCH", "/cooperation/visits/{code}", NATIONAL_WRITE),
    ("GET", "/cooperation/actions", SIGNED_IN),
    ("POST", "/cooperation/actions", NATIONAL_WRITE),
    ("GET", "/cooperation/actions/{code}", SIGNED_IN),
    ("PATCH", "/cooperation/actions/{code}", NATIONAL_WRITE),
    ("GET", "/cooperation/joint-trainings", SIGNED_IN),
    ("POST", "/cooperation/joint-trainings", NATIONAL_WRITE),
    ("GET", "/cooperation/joint-trainings/{code}", SIGNED_IN),
    ("PATCH", "/cooperation/joint-trainings/{code}", NATIONAL_WRITE),
    ("GET", "/cooperation/loans", SIGNED_IN),
    ("POST", "/cooperation/loans", NATIONAL_WRITE),
    ("GET", "/cooperation/loans/{code}", SIGNED_IN),
    ("PATCH", "/cooperation/loans/{code}", NATIONAL_WRITE),
    ("GET", "/cooperation/lessons", SIGNED_IN),
    ("POST", "/cooperation/lessons", NATIONAL_WRITE),
    ("GET", "/cooperation/lessons/{code}", SIGNED_IN),
    ("PATCH", "/cooperation/lessons/{code}", NATIONAL_WRITE),
    ("GET", "/cooperation/agreements/{code}/history", SIGNED_IN),
    ("POST", "/cooperation/agreements/{code}/documents", NATIONAL_WRITE),
    ("GET", "/cooperation/agreements/{code}/documents/{document_id}", AGREEMENT_FILES),
    ("GET", "/cooperation/visits/{code}/history", SIGNED_IN),
    ("POST", "/cooperation/visits/{code}/participants", NATIONAL_WRITE),
    ("POST", "/cooperation/visits/{code}/sites", NATIONAL_WRITE),
    ("GET", "/dashboard", SIGNED_IN),
    ("GET", "/dashboard/public", PUBLIC),
    ("GET", "/quarantine", NATIONAL_WRITE),
    ("GET", "/quarantine/{row_id}", NATIONAL_WRITE),
    ("POST", "/quarantine/{row_id}/resubmit", NATIONAL_WRITE),
    ("POST", "/quarantine/{row_id}/discard", NATIONAL_WRITE),
    ("GET", "/fieldsync/packages", SIGNED_IN),
    ("POST", "/fieldsync/receipts", NATIONAL_WRITE),
    ("GET", "/fieldsync/offices", NATIONAL_WRITE),
    ("GET", "/fieldsync/imports", NATIONAL_WRITE),
    ("GET", "/fieldsync/imports/{code}", NATIONAL_WRITE),
    ("POST", "/fieldsync/imports", NATIONAL_WRITE),
    ("GET", "/workbench/submissions", WORKBENCH_READ),
    ("POST", "/workbench/submissions", SUBMIT),
    ("GET", "/workbench/submissions/{code}", WORKBENCH_READ),
    ("POST", "/workbench/submissions/{code}/approve", NATIONAL_WRITE),
    ("POST", "/workbench/submissions/{code}/return", NATIONAL_WRITE),
    ("POST", "/workbench/submissions/{code}/withdraw", SUBMIT),
    ("GET", "/exchange/keys", SIGNED_IN),
    ("POST", "/exchange/keys", NATIONAL_WRITE),
    ("POST", "/exchange/keys/{fingerprint}/revoke", NATIONAL_WRITE),
    ("GET", "/exchange/policies", SIGNED_IN),
    ("POST", "/exchange/policies", NATIONAL_WRITE),
    ("GET", "/exchange/exports", SIGNED_IN),
    ("POST", "/exchange/exports", NATIONAL_WRITE),
    ("GET", "/exchange/packages", SIGNED_IN),
    ("GET", "/exchange/packages/{package}", SIGNED_IN),
    ("POST", "/exchange/packages", NATIONAL_WRITE),
    ("POST", "/exchange/verify", NATIONAL_WRITE),
    ("GET", "/exchange/compare/{partner}", SIGNED_IN),
    ("GET", "/tasks", SIGNED_IN),
    ("POST", "/tasks", NATIONAL_WRITE),
    ("GET", "/tasks/plan", SIGNED_IN),
    ("GET", "/tasks/{code}", SIGNED_IN),
    ("PATCH", "/tasks/{code}", NATIONAL_WRITE),
    ("GET", "/tasks/{code}/history", SIGNED_IN),
    ("POST", "/tasks/{code}/status", SUBMIT),  # the operator accepts or declines its own organisation's
    ("POST", "/tasks/{code}/activities", SUBMIT),
    ("GET", "/priorities", SIGNED_IN),
    ("GET", "/priorities/weights/{country}", SIGNED_IN),
    ("PATCH", "/priorities/weights/{country}", NATIONAL_WRITE),
    ("GET", "/priorities/snapshots", SIGNED_IN),
    ("POST", "/priorities/snapshots", NATIONAL_WRITE),
    ("GET", "/priorities/snapshots/{code}", SIGNED_IN),
    ("GET", "/development-requests", SIGNED_IN),
    ("POST", "/development-requests", NATIONAL_WRITE),
    ("GET", "/development-requests/{code}", SIGNED_IN),
    ("PATCH", "/development-requests/{code}", NATIONAL_WRITE),
    ("GET", "/attachments/records/{kind}/{ref}", SIGNED_IN),
    ("POST", "/attachments/records/{kind}/{ref}", NATIONAL_WRITE),  # to a hazard: who may change it
    ("GET", "/attachments/{attachment_id}", SIGNED_IN),
    ("GET", "/attachments/{attachment_id}/thumbnail", SIGNED_IN),
    ("GET", "/admin-areas", PUBLIC),
    ("GET", "/places", PUBLIC),
    ("GET", "/admin-areas/{country}/{level}/{code}", PUBLIC),
    ("GET", "/coordinates", PUBLIC),
    ("POST", "/traverses/compute", PUBLIC),
    ("GET", "/imsma/runs", MIGRATION),
    ("GET", "/imsma/runs/{run_id}", MIGRATION),
    # H2 (issue 21): the library's models, finds and render-safe procedures (EOD-qualified only: nobody here).
    ("GET", "/library/models", SIGNED_IN),
    ("GET", "/library/models/{slug}", SIGNED_IN),
    ("GET", "/library/models/{slug}/finds", SIGNED_IN),
    ("GET", "/library/models/{slug}/procedures", set()),
    # Reaching them needs library.change_rendersafeprocedure; writing also needs an EOD qualification (403).
    ("POST", "/library/models/{slug}/procedures", NATIONAL_WRITE),
    ("PUT", "/library/models/{slug}/procedures/{procedure_id}", NATIONAL_WRITE),
    ("GET", "/library/procedure-reads", NATIONAL_WRITE),
    # H4 identification posters (issue 21)
    ("GET", "/library/posters", SIGNED_IN),
    # Library exchange and merge (issue 21, package H3).
    ("GET", "/library/export", SIGNED_IN),
    ("GET", "/library/imports", SIGNED_IN),
    ("POST", "/library/imports", NATIONAL_WRITE),
    ("GET", "/library/imports/{import_id}", SIGNED_IN),
    ("POST", "/library/imports/{import_id}/matches/{match_id}", NATIONAL_WRITE),
    ("POST", "/library/imports/{import_id}/apply", NATIONAL_WRITE),
    # H5 museum (issue 21): every signed-in role reads; museum.* (national roles) writes; the public
    # catalogue is anonymous.
    ("GET", "/museum/exhibits", SIGNED_IN),
    ("POST", "/museum/exhibits", NATIONAL_WRITE),
    ("GET", "/museum/exhibits/{code}", SIGNED_IN),
    ("PATCH", "/museum/exhibits/{code}", NATIONAL_WRITE),
    ("GET", "/museum/exhibits/{code}/history", SIGNED_IN),
    ("GET", "/museum/exhibits/{code}/movements", SIGNED_IN),
    ("POST", "/museum/exhibits/{code}/movements", NATIONAL_WRITE),
    ("GET", "/museum/loans", SIGNED_IN),
    ("POST", "/museum/loans", NATIONAL_WRITE),
    ("POST", "/museum/loans/{code}/return", NATIONAL_WRITE),
    ("GET", "/museum/visits", SIGNED_IN),
    ("POST", "/museum/visits", NATIONAL_WRITE),
    ("GET", "/museum/public/exhibits", PUBLIC),
    ("GET", "/museum/public/exhibits/{code}", PUBLIC),
]


def _page_patterns(patterns=None, prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("admin/", "api/")):
                continue
            yield from _page_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name, p.callback


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The tiny demo and its sign-ins, plus one pending CMAC submission; rolled back after the module."""
    from safeground.demo import dependents, generator

    with django_db_blocker.unblock(), transaction.atomic():
        generator.build("tiny", 1)
        dependents.build(1, "tiny", report=lambda m: None)
        yield _codes()
        transaction.set_rollback(True)


def _codes() -> dict:
    from django.contrib.auth import get_user_model

    from safeground.attachments import services as attachments
    from safeground.cooperation.models import Action as CoopAction
    from safeground.cooperation.models import Agreement as CoopAgreement
    from safeground.cooperation.models import AgreementDocument as CoopDocument
    from safeground.cooperation.models import JointTraining as CoopTraining
    from safeground.cooperation.models import Lesson as CoopLesson
    from safeground.cooperation.models import Loan as CoopLoan
    from safeground.cooperation.models import Visit as CoopVisit
    from safeground.eore.models import Session as EoreSession
    from safeground.hazards.models import Hazard
    from safeground.imsma.models import MigrationRun
    from safeground.imsma.tests.report_sample import sample
    from safeground.interop.models import QuarantinedRow
    from safeground.landrelease.models import Device, Product
    from safeground.museum.models import Exhibit as MuseumExhibit
    from safeground.museum.models import Loan as MuseumLoan
    from safeground.operations.models import Activity
    from safeground.organisations.models import Accreditation, Asset, Personnel, Team
    from safeground.qm.models import Handover, NonConformity, SamplingPlan
    from safeground.qm.models import Visit as QmVisit
    from safeground.tasking import services as tasking
    from safeground.tasking.models import DevelopmentRequest, Task
    from safeground.training.models import CourseSession
    from safeground.victims.models import Accident, Referral, Victim
    from safeground.workbench import services

    hazard = Hazard.objects.filter(country="KHM", ledger__isnull=False).order_by("code").first()
    submission = services.submit(
        kind="hazard",
        action="update",
        target_code=hazard.code,
        payload={"name": "Matrix"},
        user=get_user_model().objects.get(username="im-officer"),
    )
    snapshot = tasking.take_snapshot("KHM", note="matrix")
    photo = attachments.attach(
        hazard, name="matrix.png", content=_png(), user=get_user_model().objects.get(username="im-officer")
    )
    migration = MigrationRun.objects.create(
        source="postgresql://reader@ng/imsma", country="KHM", status="dry-run", report=sample().as_dict()
    )
    held = QuarantinedRow.objects.create(
        import_id=uuid.uuid4(), kind="hazards", source="matrix.gpkg", row=1, attributes={"name": "x"}
    )
    return {
        "quarantine": str(held.pk),
        "hazard": hazard.code,
        "activity": Activity.objects.order_by("code").first().code,
        "product": Product.objects.order_by("code").first().code,
        "device": Device.objects.order_by("code").first().code,
        "accreditation": Accreditation.objects.order_by("code").first().code,
        "animal": Asset.objects.filter(kind="dog").order_by("identifier").first().identifier,
        "person": Personnel.objects.order_by("code").first().code,
        "team": Team.objects.order_by("code").first().code,
        "session": CourseSession.objects.order_by("code").first().code,
        "accident": Accident.objects.order_by("code").first().code,
        "victim": Victim.objects.order_by("code").first().code,
        "referral": str(Referral.objects.order_by("id").first().id),
        "eore": EoreSession.objects.order_by("code").first().code,
        "submission": submission.code,
        "qm-visit": QmVisit.objects.filter(inspected_organisation__acronym="CMAC").order_by("code").first().code,
        "qm-nc": NonConformity.objects.order_by("code").first().code,
        "qm-plan": getattr(SamplingPlan.objects.order_by("code").first(), "code", "NONE"),
        "qm-handover": Handover.objects.order_by("code").first().code,
        "task": Task.objects.filter(organisation__acronym="CMAC").order_by("code").first().code,
        "snapshot": snapshot.code,
        "devrequest": DevelopmentRequest.objects.order_by("code").first().code,
        "coop-partner": "ANAMA",
        "coop-agreement": CoopAgreement.objects.order_by("code").first().code,
        "coop-visit": CoopVisit.objects.order_by("code").first().code,
        "coop-action": CoopAction.objects.filter(status="open").order_by("code").first().code,
        "coop-jt": CoopTraining.objects.order_by("code").first().code,
        "coop-loan": CoopLoan.objects.order_by("code").first().code,
        "coop-lesson": CoopLesson.objects.order_by("code").first().code,
        "coop-document": str(CoopDocument.objects.order_by("uploaded_at").first().id),
        "fieldsync-import": "NONE",  # no import in the demo: access is decided before the lookup (404)
        "attachment": str(photo.pk),
        "imsma-run": str(migration.pk),
        # H5 museum: the demo's collection (a public exhibit, any exhibit, an open loan)
        "museum-exhibit": MuseumExhibit.objects.order_by("code").first().code,
        "museum-public": MuseumExhibit.objects.filter(public=True).order_by("code").first().code,
        "museum-loan": MuseumLoan.objects.filter(returned_on__isnull=True).order_by("code").first().code,
    }


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "olive").save(out, "PNG")
    return out.getvalue()


def _api_path(template: str, codes: dict) -> str:
    kind = {
        "/hazards/": "hazard",
        "/ledger/": "hazard",
        "/activities/": "activity",
        "/products/": "product",
        "/devices/": "device",
        "/organisations/accreditations/": "accreditation",
        "/organisations/personnel/": "person",
        "/organisations/teams/": "team",
        "/training/": "session",
        "/victims/accidents/": "accident",
        "/victims/": "victim",
        "/eore/": "eore",
        "/workbench/": "submission",
        "/fieldsync/imports/": "fieldsync-import",
        "/qm/visits/": "qm-visit",
        "/qm/non-conformities/": "qm-nc",
        "/qm/sampling-plans/": "qm-plan",
        "/qm/handovers/": "qm-handover",
        "/tasks/": "task",
        "/priorities/snapshots/": "snapshot",
        "/development-requests/": "devrequest",
        "/cooperation/partners/": "coop-partner",
        "/cooperation/agreements/": "coop-agreement",
        "/cooperation/visits/": "coop-visit",
        "/cooperation/actions/": "coop-action",
        "/cooperation/joint-trainings/": "coop-jt",
        "/cooperation/loans/": "coop-loan",
        "/cooperation/lessons/": "coop-lesson",
        "/museum/exhibits/": "museum-exhibit",  # H5 museum
        "/museum/loans/": "museum-loan",
        "/museum/public/exhibits/": "museum-public",
    }
    owner = next((v for k, v in kind.items() if template.startswith(k)), None)
    path = template.replace("{identifier}", codes["animal"]).replace("{acronym}", "CMAC").replace("{iso3}", "KHM")
    path = (
        path.replace("{row_id}", codes["quarantine"])
        .replace("{name}", "PMN-2")
        .replace("{slug}", "pmn-2")
        .replace("{referral_id}", codes["referral"])
        .replace("{document_id}", codes["coop-document"])
        .replace("{kind}/{ref}", f"hazards.hazard/{codes['hazard']}")
        .replace("{attachment_id}", codes["attachment"])
        .replace("{run_id}", codes["imsma-run"])
        .replace("{slug}", "pmn-2")  # H2: the library
        .replace("{procedure_id}", "00000000-0000-4000-8000-000000000000")
    )
    path = path.replace("{country}/{level}/{code}", "KHM/1/KH02").replace("{country}", "KHM")
    return "/api/v1" + (path.replace("{code}", codes[owner]) if owner else path) + QUERY.get(template, "")


PAGE_ARGS = {
    "hazard-detail": "hazard",
    "activity-detail": "activity",
    "product-detail": "product",
    "training-session": "session",
    "training-person": "person",
    "victim-detail": "victim",
    "victim-personal": "victim",
    "workbench-detail": "submission",
    "workbench-decide": "submission",
    "qm-visit": "qm-visit",
    "qm-certificate": "qm-handover",
    "qm-sample": "qm-plan",
    "devrequest-detail": "devrequest",
    "task-detail": "task",
    "priority-snapshot": "snapshot",
    "cooperation-partner": "coop-partner",
    "cooperation-agreement": "coop-agreement",
    "cooperation-document": "coop-agreement",
    "cooperation-visit": "coop-visit",
    "cooperation-action-new": "coop-visit",
    "cooperation-action-done": "coop-action",
    "cooperation-lesson": "coop-lesson",
    "fieldsync-import": "fieldsync-import",
    "museum-exhibit": "museum-exhibit",  # H5 museum
    "museum-exhibit-edit": "museum-exhibit",
    "museum-exhibit-move": "museum-exhibit",
    "museum-exhibit-lend": "museum-exhibit",
    "museum-loan-return": "museum-loan",
    "museum-public-exhibit": "museum-public",
    "museum-public-image": "museum-public",
}


def _page_url(route: str, name: str, codes: dict) -> str:
    url = "/" + route
    url = url.replace("<str:layer>", "hazards").replace("<str:z>/<str:x>/<str:y>", "10/812/476")
    url = url.replace("<str:collection_id>", "hazards").replace("<str:feature_id>", codes["hazard"])
    url = (
        url.replace("<str:kind>", "hazard")
        .replace("<code:acronym>", "CMAC")
        .replace("<str:row_id>", codes["quarantine"])
        .replace("<uuid:dataset_id>", "00000000-0000-4000-8000-000000000000")
        .replace("<str:partner>", "NONE")
        .replace("<uuid:attachment_id>", codes["attachment"])
        .replace("<slug:form_id>/<slug:version>", "nts/2000010101")  # no such version: 404 after the access rule
        .replace("<slug:kind>", "xlsx")
        .replace("<str:filename>", "provinces.csv")
        .replace("<str:form_id>", "NONE")
        .replace("<str:version>", "1")
        .replace("<uuid:run_id>", codes["imsma-run"])
        .replace("<slug:slug>", "pmn-2")  # H2: the library
        .replace("<uuid:import_id>", "00000000-0000-4000-8000-000000000000")
    )
    if "<code:code>" in url:
        url = url.replace("<code:code>", codes[PAGE_ARGS[name]])
    assert "<" not in url, f"{name}: give the matrix a value for {url}"
    return url + QUERY.get(name, "")


@pytest.fixture(scope="module")
def clients(world, django_db_blocker) -> dict[str, Client]:
    """One client per role, signed in once for the module (the sessions live in the module's transaction)."""
    from django.contrib.auth import get_user_model

    clients = {"anonymous": Client()}
    with django_db_blocker.unblock():
        for role, username in ACCOUNT.items():
            c = Client()
            c.force_login(get_user_model().objects.get(username=username))
            clients[role] = c
    return clients


def _verdict(role: str, response, api: bool) -> str:
    if role == "anonymous":
        if response.status_code == 401 or (
            not api and response.status_code == 302 and "/accounts/login/" in response["Location"]
        ):
            return "refused"
    elif response.status_code == 403:
        return "refused"
    assert response.status_code not in (401, 403), (role, response.status_code)
    return "allowed"


@pytest.mark.django_db
def test_matrix_is_complete():
    from config.api import api
    from safeground.core.access import rule_of

    pages = list(_page_patterns())
    names = {UNNAMED.get(str(route), name) for route, name, _ in pages}
    assert names == set(PAGES), f"pages without an entry: {names - set(PAGES)}; stale: {set(PAGES) - names}"
    missing = [route for route, name, view in pages if name != "set_language" and rule_of(view) is None]
    assert missing == [], f"views without an access rule: {missing}"
    operations = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method in ops
    }
    listed = {(m, p) for m, p, _ in API}
    assert operations == listed, f"not in the matrix: {operations - listed}; stale: {listed - operations}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access(world, clients, name):
    route = next(route for route, n, _ in _page_patterns() if n == name)
    url = _page_url(route, name, world)
    results = {}
    for role, client in clients.items():
        response = client.post(url) if name in POST_PAGES else client.get(url)
        results[role] = _verdict(role, response, api=name.startswith("ogc"))
    expected = {role: "allowed" if role in PAGES[name] else "refused" for role in results}
    assert results == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "template", "allowed"), API, ids=[f"{m} {p}" for m, p, _ in API])
def test_api_access(world, clients, method, template, allowed):
    url = _api_path(template, world)
    results = {}
    for role, client in clients.items():
        call = getattr(client, method.lower())
        # limit=1: list endpoints answer with one row (the decision is the same; the matrix runs faster).
        # The path's own query (QUERY: exports stopped at their validation) is kept: the test client
        # would otherwise replace it with `data` and run a whole GeoPackage export in this process.
        path, _, query = url.partition("?")
        params = {"limit": 1, **dict(parse_qsl(query))}
        response = call(path, params) if method == "GET" else call(url, {}, content_type="application/json")
        results[role] = _verdict(role, response, api=True)
        if results[role] == "refused" and role != "anonymous":
            assert re.search(r"may not|permission|role", response.json()["detail"]), response.json()
    expected = {role: "allowed" if role in allowed else "refused" for role in results}
    assert results == expected


@pytest.mark.django_db
@pytest.mark.parametrize("layer", sorted(TILES))
def test_tile_access(world, clients, layer):
    from safeground.interop.layer_registry import tile_layers

    assert set(TILES) == set(tile_layers()), "every tile layer has an entry"
    results = {}
    for role, client in clients.items():
        tile = client.get(f"/tiles/{layer}/10/812/476.mvt")
        tilejson = client.get(f"/tiles/{layer}.json")
        assert _verdict(role, tile, api=True) == _verdict(role, tilejson, api=True)
        results[role] = _verdict(role, tile, api=True)
    expected = {role: "allowed" if role in TILES[layer] else "refused" for role in results}
    assert results == expected
