"""The cooperation register (issue 18).

A `Partner` is another programme's body that this programme cooperates with: a national authority,
an operator, a regional centre (ASEAN's ARMAC), GICHD, a donor. Where the partner also works in this
programme's own data (an operator accredited here), `organisation` links it. Partners' public keys
for signed exchange packages are registered by the exchange app.
"""

from django.contrib.gis.db import models
from django.utils.translation import gettext_noop as N_
from simple_history.models import HistoricalRecords

from safeground.core.models import Record

PARTNER_KIND_CHOICES = [
    ("national_authority", N_("National mine action authority")),
    ("operator", N_("Operator")),
    ("regional_centre", N_("Regional centre")),
    ("international", N_("International organisation")),
    ("donor", N_("Donor")),
    ("training_centre", N_("Training centre")),
    ("other", N_("Other")),
]


class Partner(Record):
    """A body this programme cooperates with; `code` is its short name (e.g. an acronym)."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=PARTNER_KIND_CHOICES)
    country = models.CharField(max_length=3, blank=True, help_text="ISO 3166 alpha-3; blank for international bodies")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
        help_text="The same body in this programme's own register, where it works here",
    )
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"
