"""The IMSMA NG migration runs and their reports (/imsma/); included at the site root."""

from django.urls import path

from safeground.imsma import views

urlpatterns = [
    path("imsma/", views.run_list, name="imsma-runs"),
    path("imsma/<uuid:run_id>/", views.run_detail, name="imsma-run"),
    path("imsma/<uuid:run_id>/report.csv", views.report_csv, name="imsma-report-csv"),
    path("imsma/<uuid:run_id>/report.html", views.report_html, name="imsma-report-html"),
]
