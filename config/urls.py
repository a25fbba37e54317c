from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("safeground.landrelease.urls")),
    path("", include("safeground.quality.urls")),
    path("", include("safeground.interop.urls")),
    path("", include("safeground.training.urls")),
    path("", include("safeground.operations.urls")),
    path("", include("safeground.victims.urls")),
    path("", include("safeground.eore.urls")),
    path("", include("safeground.forecast.urls")),
    path("", include("safeground.reports.urls")),
    path("", include("safeground.dashboard.urls")),
    path("", include("safeground.workbench.urls")),
    path("", include("safeground.attachments.urls")),
    path("", include("safeground.fieldsync.urls")),
    path("", include("safeground.fieldforms.urls")),
    path("", include("safeground.openrosa.urls")),
    path("", include("safeground.qm.urls")),
    path("", include("safeground.cooperation.urls")),
    path("", include("safeground.tasking.urls")),
    path("", include("safeground.exchange.urls")),
    path("", include("safeground.hazards.urls")),
    path("", include("safeground.organisations.urls")),
    path("", include("safeground.imsma.urls")),
    path("", include("safeground.library.urls")),
    path("", include("safeground.museum.urls")),
    # Pages that span apps (home map, hazard and activity pages and lists, sign-in): decision 0018.
    path("", include("safeground.portal.urls")),
]
