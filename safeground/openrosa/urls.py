"""OpenRosa endpoints (ODK Collect's server URL is https://HOST/odk) and the device credentials page."""

from django.urls import path

from safeground.openrosa import views

urlpatterns = [
    path("odk/formList", views.form_list, name="odk-form-list"),
    path("odk/forms/<str:form_id>/<str:version>/form.xml", views.form_xml, name="odk-form"),
    path("odk/forms/<str:form_id>/<str:version>/manifest", views.manifest, name="odk-manifest"),
    path("odk/forms/<str:form_id>/<str:version>/media/<str:filename>", views.media, name="odk-media"),
    path("odk/submission", views.submission, name="odk-submission"),
    path("accounts/odk-devices/", views.credentials, name="odk-credentials"),
    path("odk-import/", views.central_import, name="odk-central-import"),
]
