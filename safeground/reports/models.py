"""Reports store nothing: they are computed on request from the ledger and the records (definitions.py).
This unmanaged model has no table; it only carries the permission that opens the page and the API
(`reports.view_report`: every role reads non-personal aggregates, victims' counts are suppressed)."""

from django.db import models


class Report(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_report", "Can see and download treaty and programme reports")]
