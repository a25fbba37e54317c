"""A minimal explosive ordnance reference: the models that field teams report."""

import uuid

from django.db import models

CATEGORY_CHOICES = [
    ("ap_mine", "AP mine"),
    ("at_mine", "AT mine"),
    ("submunition", "Submunition / cluster munition remnant"),
    ("uxo", "Other UXO"),
    ("axo", "AXO"),
    ("ied", "IED"),
    ("booby_trap", "Booby trap"),
    ("other", "Other"),
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
