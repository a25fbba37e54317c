"""Organisations, their teams and the assets (dogs, rats, machines, detectors) teams use."""

import uuid

from django.db import models


class Organisation(models.Model):
    KIND_CHOICES = [
        ("authority", "National authority"),
        ("operator", "Operator"),
        ("training_centre", "Training centre"),
        ("donor", "Donor"),
        ("other", "Other"),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    country = models.CharField(max_length=3, help_text="ISO alpha-3 of the programme it works in")
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["country", "acronym"]

    def __str__(self) -> str:
        return self.acronym


class Team(models.Model):
    KIND_CHOICES = [
        ("manual", "Manual"),
        ("mdd", "Mine detection dogs (MDD)"),
        ("mdr", "Mine detection rats (MDR)"),
        ("mechanical", "Mechanical"),
        ("nts", "Non-technical survey"),
        ("ts", "Technical survey"),
        ("eod", "EOD"),
        ("eore", "Risk education (EORE)"),
        ("mixed", "Mixed"),
    ]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    size = models.PositiveSmallIntegerField(help_text="Number of people")
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Asset(models.Model):
    KIND_CHOICES = [("dog", "Dog"), ("rat", "Rat"), ("machine", "Machine"), ("detector", "Detector")]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    identifier = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="assets")
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier
