"""The cooperation register (issue 18).

A `Partner` is another programme's body that this programme cooperates with: a national authority,
an operator, a regional centre (ASEAN's ARMAC), GICHD, a donor. Where the partner also works in this
programme's own data (an operator accredited here), `organisation` links it. Partners' public keys
for signed exchange packages are registered by the exchange app.
"""

import uuid

from django.contrib.gis.db import models
from django.db.models import Q
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


AGREEMENT_KIND_CHOICES = [
    ("mou", N_("Memorandum of understanding")),
    ("agreement", N_("Agreement")),
    ("letter", N_("Letter of intent")),
]
AGREEMENT_STATUS_CHOICES = [
    ("draft", N_("Draft")),
    ("in_force", N_("In force")),
    ("expired", N_("Expired")),
    ("ended", N_("Ended")),
]
DIRECTION_CHOICES = [("hosted", N_("Hosted by us")), ("abroad", N_("Visit abroad"))]
TOPIC_CHOICES = [
    ("methods", N_("Methods and land release")),
    ("threat_management", N_("Mine threat management")),
    ("training", N_("Training")),
    ("victim_assistance", N_("Victim assistance")),
    ("information_management", N_("Information management")),
    ("mdd", N_("Mine detection dogs")),
    ("mdr", N_("Mine detection rats")),
    ("machines", N_("Machines")),
    ("quality_management", N_("Quality management")),
    ("eore", N_("Explosive ordnance risk education")),
    ("standards", N_("National standards")),
    ("other", N_("Other")),
]
SITE_KIND_CHOICES = [
    ("training_centre", N_("Training centre")),
    ("museum", N_("Museum")),
    ("field_site", N_("Field site")),
    ("office", N_("Office")),
    ("other", N_("Other")),
]
ACTION_STATUS_CHOICES = [("open", N_("Open")), ("done", N_("Done")), ("dropped", N_("Dropped"))]
LOAN_KIND_CHOICES = [("expert", N_("Expert")), ("dog", N_("Dog")), ("rat", N_("Rat"))]
LOAN_STATUS_CHOICES = [
    ("planned", N_("Planned")),
    ("active", N_("On loan")),
    ("returned", N_("Returned")),
    ("cancelled", N_("Cancelled")),
]


class Agreement(Record):
    """An agreement or MoU between this programme (`country`) and partners. `own_authority_party`: this
    programme's national authority signs it itself (otherwise it records partners' agreements it relies on)."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=AGREEMENT_KIND_CHOICES, default="mou")
    country = models.CharField(max_length=3, help_text="The programme that records it (ISO alpha-3)")
    own_authority_party = models.BooleanField(default=True)
    parties = models.ManyToManyField(Partner, related_name="agreements", blank=True)
    signed_on = models.DateField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    scope = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=AGREEMENT_STATUS_CHOICES, default="draft")
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta(Record.Meta):
        ordering = ["-signed_on", "code"]


class AgreementDocument(models.Model):
    """A file attached to an agreement (the signed text, minutes). Kept in the database, not on disk, so a
    backup, a field laptop's one SQLite file and both databases carry it alike (decision 0034)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="documents")
    name = models.CharField(max_length=120)
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["agreement", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Visit(Record):
    """An exchange visit or delegation: hosted by this programme (`country`) or made abroad."""

    title = models.CharField(max_length=200)
    country = models.CharField(max_length=3, help_text="The programme that records it (ISO alpha-3)")
    direction = models.CharField(max_length=8, choices=DIRECTION_CHOICES)
    host = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="visits_hosted")
    visitor = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="visits_made")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="visits")
    start_on = models.DateField()
    end_on = models.DateField()
    topics = models.JSONField(default=list, blank=True, help_text="Keys of TOPIC_CHOICES")
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["-start_on", "code"]


class Participant(models.Model):
    """One member of a delegation or of its hosts: a person of this programme's register where one exists."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "organisations.Personnel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, blank=True)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["visit", "partner__code", "name"]


class Site(models.Model):
    """A place a visit went to, linked to its record where there is one (an organisation, a training
    centre, a hazard or activity for a field site, a populated place)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="sites")
    kind = models.CharField(max_length=16, choices=SITE_KIND_CHOICES)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    training_centre = models.ForeignKey(
        "training.TrainingCentre", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        "operations.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey("gazetteer.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    point = models.PointField(srid=4326, null=True, blank=True, help_text="Where it is, when no linked record says")

    class Meta:
        ordering = ["visit", "order", "name"]


class Action(Record):
    """A follow-up action agreed on a visit or under an agreement."""

    description = models.CharField(max_length=500)
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    owner_person = models.ForeignKey(
        "organisations.Personnel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    owner_text = models.CharField(max_length=150, blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=ACTION_STATUS_CHOICES, default="open")
    closed_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["due_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__isnull=False) | Q(agreement__isnull=False), name="coop_action_visit_or_agreement"
            )
        ]


class JointTraining(Record):
    """A training course session run with or for partners (the training app's session)."""

    country = models.CharField(max_length=3, help_text="The programme that records it (ISO alpha-3)")

    session = models.ForeignKey("training.CourseSession", on_delete=models.PROTECT, related_name="joint_trainings")
    partners = models.ManyToManyField(Partner, related_name="joint_trainings")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="trainings")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="trainings")
    note = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[partners])

    class Meta(Record.Meta):
        pass


class Loan(Record):
    """A loan of an expert, a dog or a rat between programmes, with the accreditation it works under."""

    country = models.CharField(max_length=3, help_text="The programme that records it (ISO alpha-3)")

    kind = models.CharField(max_length=8, choices=LOAN_KIND_CHOICES)
    lender = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="loans_made")
    borrower = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="loans_received")
    person = models.ForeignKey(
        "organisations.Personnel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asset = models.ForeignKey("organisations.Asset", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    animal_accreditation = models.ForeignKey(
        "organisations.AnimalAccreditation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accreditation = models.ForeignKey(
        "organisations.Accreditation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="loans")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="loans")
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=LOAN_STATUS_CHOICES, default="planned")
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["-start_on", "code"]


LESSON_SOURCE_CHOICES = [
    ("visit", N_("Exchange visit")),
    ("qa_finding", N_("QA finding")),
    ("accident", N_("Accident")),
    ("productivity", N_("Productivity comparison")),
    ("other", N_("Other")),
]
#: The lessons' tag vocabulary: `group:key`, grouped by method, terrain and topic.
LESSON_TAGS = [
    ("method:manual", N_("Manual demining")),
    ("method:mdd", N_("Mine detection dogs")),
    ("method:mdr", N_("Mine detection rats")),
    ("method:machine", N_("Machines")),
    ("method:nts", N_("Non-technical survey")),
    ("method:ts", N_("Technical survey")),
    ("terrain:laterite", N_("Laterite soil")),
    ("terrain:paddy", N_("Rice paddies")),
    ("terrain:forest", N_("Forest and dense vegetation")),
    ("terrain:mountain", N_("Mountains and slopes")),
    ("terrain:urban", N_("Built-up areas")),
    ("terrain:metal", N_("Metal-contaminated ground")),
    ("topic:training", N_("Training")),
    ("topic:accreditation", N_("Accreditation")),
    ("topic:quality", N_("Quality management")),
    ("topic:safety", N_("Safety")),
    ("topic:im", N_("Information management")),
    ("topic:victim_assistance", N_("Victim assistance")),
    ("topic:eore", N_("Explosive ordnance risk education")),
    ("topic:cooperation", N_("Cooperation")),
]
#: What a lesson's evidence may point at (services.EVIDENCE_KINDS says which table each kind reads).
EVIDENCE_KIND_CHOICES = [
    ("hazard", N_("Hazard")),
    ("activity", N_("Activity")),
    ("product", N_("Land release product")),
    ("qa_visit", N_("QA visit")),
    ("non_conformity", N_("Non-conformity")),
    ("accident", N_("Accident")),
    ("training_session", N_("Training session")),
    ("accreditation", N_("Accreditation")),
    ("visit", N_("Exchange visit")),
]
TAG_GROUPS = [("method", N_("Method")), ("terrain", N_("Terrain")), ("topic", N_("Topic"))]


class Lesson(Record):
    """A lesson learned: what a programme found out, where from, and the records that show it."""

    title = models.CharField(max_length=200)
    text = models.TextField()
    language = models.CharField(max_length=10, help_text="The language of title and text (a LANGUAGES code)")
    country = models.CharField(max_length=3, help_text="The programme that records it (ISO alpha-3)")
    source_kind = models.CharField(max_length=12, choices=LESSON_SOURCE_CHOICES)
    source_visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="lessons")
    source_ref = models.CharField(max_length=40, blank=True, help_text="The QA finding's or accident's code")
    source_note = models.CharField(max_length=300, blank=True)
    recorded_on = models.DateField()
    history = HistoricalRecords()

    class Meta(Record.Meta):
        ordering = ["-recorded_on", "code"]


class LessonTag(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=40, choices=LESSON_TAGS)

    class Meta:
        ordering = ["lesson", "tag"]
        constraints = [models.UniqueConstraint(fields=["lesson", "tag"], name="coop_one_tag_per_lesson")]


class LessonTitle(models.Model):
    """A lesson's title in another language."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="titles")
    language = models.CharField(max_length=10)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["lesson", "language"]
        constraints = [models.UniqueConstraint(fields=["lesson", "language"], name="coop_one_title_per_language")]


class LessonEvidence(models.Model):
    """A record that shows the lesson: its kind (`services.EVIDENCE_KINDS`) and code, checked to exist."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20)
    code = models.CharField(max_length=40)

    class Meta:
        ordering = ["lesson", "kind", "code"]
        constraints = [models.UniqueConstraint(fields=["lesson", "kind", "code"], name="coop_one_evidence_link")]
