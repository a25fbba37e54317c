"""The forecast stores nothing: it is computed on request from the ledger, the progress reports and the
accreditations (queries.py). This unmanaged model has no table; it only carries the permission that
opens the page and the API (`forecast.view_forecast`, given to roles by safeground.organisations.roles)."""

from django.db import models


class Forecast(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_forecast", "Can see the completion forecast")]
