"""Page URLs of the field forms: the list, a version's XLSForm (`…/xlsx`) or XForm (`…/xml`), its media."""

from django.urls import path

from safeground.fieldforms import views

urlpatterns = [
    path("fieldforms/", views.home, name="fieldforms"),
    path("fieldforms/<slug:form_id>/<slug:version>/<slug:kind>", views.download, name="fieldforms-download"),
    path("fieldforms/<slug:form_id>/<slug:version>/media/<str:filename>", views.media, name="fieldforms-media"),
]
