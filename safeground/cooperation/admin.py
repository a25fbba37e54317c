"""Back office for the cooperation register (the pages, API and CLI are the usual way in)."""

from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from safeground.cooperation.models import Action, Agreement, JointTraining, Lesson, Loan, Partner, Visit
from safeground.core.admin_versions import VersionedAdminMixin


@admin.register(Partner)
class PartnerAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "country", "organisation"]
    list_filter = ["kind", "is_synthetic"]
    search_fields = ["code", "name"]


@admin.register(Agreement)
class AgreementAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "title", "kind", "status", "signed_on", "valid_until"]
    list_filter = ["country", "kind", "status"]
    search_fields = ["code", "title"]


@admin.register(Visit)
class VisitAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "title", "direction", "host", "visitor", "start_on"]
    list_filter = ["country", "direction"]
    search_fields = ["code", "title"]


@admin.register(Action)
class ActionAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "description", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["visit", "agreement", "owner_person"]


@admin.register(JointTraining)
class JointTrainingAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "session", "visit", "agreement"]
    raw_id_fields = ["session", "visit", "agreement"]


@admin.register(Loan)
class LoanAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "kind", "lender", "borrower", "start_on", "end_on", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["person", "asset", "animal_accreditation", "accreditation", "visit", "agreement"]


@admin.register(Lesson)
class LessonAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "title", "language", "source_kind", "recorded_on"]
    list_filter = ["source_kind", "language"]
    search_fields = ["code", "title"]
