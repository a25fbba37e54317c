from django.contrib import admin
from django.urls import include, path

from config.api import api
from safeground.core import views as core_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", core_views.sign_in, name="login"),
    path("accounts/logout/", core_views.sign_out, name="logout"),
    path("", include("safeground.landrelease.urls")),
    path("", include("safeground.quality.urls")),
    path("", include("safeground.interop.urls")),
    path("", include("safeground.training.urls")),
    path("", include("safeground.operations.urls")),
    path("", include("safeground.victims.urls")),
    path("", include("safeground.eore.urls")),
    path("", include("safeground.dashboard.urls")),
    path("", include("safeground.workbench.urls")),
    path("", include("safeground.hazards.urls")),
]
