"""A minimal explosive ordnance reference: the models that field teams report."""

import uuid

from django.db import models
from django.utils.translation import gettext_noop as N_

CATEGORY_CHOICES = [
    ("ap_mine", N_("AP mine")),
    ("at_mine", N_("AT mine")),
    ("submunition", N_("Submunition / cluster munition remnant")),
    ("uxo", N_("Other UXO")),
    ("axo", N_("AXO")),
    ("ied", N_("IED")),
    ("booby_trap", N_("Booby trap")),
    ("other", N_("Other")),
]


class OrdnanceModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=80, unique=True)
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    type = models.CharField(max_length=120, blank=True, help_text="e.g. AP blast, pressure")
    origin = models.CharField(max_length=80, blank=True)
    main_charge = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    sources = models.TextField(blank=True, help_text="One URL per line")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
