"""core.purge: synthetic rows go with their dependants and history; real rows stay; a real dependant refuses."""

import pytest
from django.apps import apps

from safeground.core.models import Batch
from safeground.core.purge import PurgeRefused, delete_unused_batches, purge, purge_synthetic
from safeground.hazards.models import Evidence, Hazard
from safeground.operations.models import Activity

pytestmark = pytest.mark.django_db


def _mark_synthetic(model, obj) -> None:
    model.objects.filter(pk=obj.pk).update(is_synthetic=True)
    model.history.filter(id=obj.pk).update(is_synthetic=True)


def test_a_real_dependant_refuses_and_nothing_is_deleted(hazard, activity):
    _mark_synthetic(Hazard, hazard)  # the real activity still names it
    Evidence.objects.create(hazard=hazard, evidence_type="visual", kind="indirect", point=hazard.geom.centroid)
    history = Hazard.history.filter(id=hazard.pk).count()
    assert history > 0

    with pytest.raises(PurgeRefused, match="real records in operations_activity depend on the hazards_hazard rows"):
        purge_synthetic(Hazard)

    assert Hazard.objects.filter(pk=hazard.pk).exists()
    assert Hazard.history.filter(id=hazard.pk).count() == history
    assert Evidence.objects.filter(hazard=hazard).count() == 1
    assert list(activity.hazards.all()) == [hazard]


def test_synthetic_rows_and_their_history_go_real_rows_stay(hazard, activity):
    Activity.history.filter(id=activity.pk).delete()
    activity.is_synthetic = True
    activity.save()  # one history row of the synthetic activity, with its hazard link copied
    links = Activity.hazards.through.objects.filter(activity=activity)
    link_history = apps.get_model("operations", "HistoricalActivity_hazards").objects.filter(history__id=activity.pk)
    assert links.count() == 1 and Activity.history.filter(id=activity.pk).count() == 1 and link_history.count() == 1
    hazard_history = Hazard.history.filter(id=hazard.pk).count()

    counts = purge_synthetic(Activity)

    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not Activity.history.filter(id=activity.pk).exists()
    assert not links.exists() and not link_history.exists()
    assert counts["operations_activity"] == 1 and counts["operations_historicalactivity"] == 1
    assert Hazard.objects.filter(pk=hazard.pk, is_synthetic=False).exists()  # the real hazard it named stays
    assert Hazard.history.filter(id=hazard.pk).count() == hazard_history


def test_only_rows_matching_the_filter_go(hazard, activity):
    assert purge(Activity, is_synthetic=True) == {}  # nothing synthetic: nothing deleted
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert Hazard.objects.filter(pk=hazard.pk).exists()


def test_batches_go_only_when_no_row_points_at_them(hazard):
    used, unused = Batch.objects.create(kind="hazards"), Batch.objects.create(kind="hazards")
    Hazard.objects.filter(pk=hazard.pk).update(batch=used)

    assert delete_unused_batches(Batch.objects.filter(pk__in=[used.pk, unused.pk])) == 1

    assert list(Batch.objects.filter(pk__in=[used.pk, unused.pk])) == [used]
