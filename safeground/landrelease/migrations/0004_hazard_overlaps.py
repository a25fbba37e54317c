"""Two hazard-overlap figures on the stored ledger, filled from the rows already stored (decision 0016)."""

import shapely
from django.db import migrations, models

from safeground.landrelease.ledger.overlaps import counted_before


def fill_from_stored(apps, schema_editor):
    """Measure both figures from the stored polygons and remaining geometries (what `ledger verify` expects)."""
    HazardLedger = apps.get_model("landrelease", "HazardLedger")
    rows = list(
        HazardLedger.objects.values_list(
            "hazard_id",
            "hazard__recorded_on",
            "hazard__code",
            "hazard__utm_epsg",
            "hazard__geom",
            "remaining_geom",
            "estimated_m2",
            "remaining_m2",
        )
    )
    if len(rows) < 2:
        return
    ids = [r[0] for r in rows]
    order = [(r[1], r[2]) for r in rows]
    epsg = [r[3] for r in rows]
    geoms = [shapely.from_wkb(bytes(r[4].wkb)) for r in rows]
    remaining = [shapely.from_wkb(bytes(r[5].wkb)) if r[5] is not None else None for r in rows]
    est = counted_before(ids, geoms, order, epsg)
    rem = counted_before(ids, remaining, order, epsg)
    changed = [
        HazardLedger(
            hazard_id=r[0],
            estimated_overlap_m2=min(est[r[0]], r[6]),
            remaining_overlap_m2=min(rem[r[0]], r[7]) if r[7] > 0 else 0.0,
        )
        for r in rows
        if est[r[0]] or rem[r[0]]
    ]
    HazardLedger.objects.bulk_update(changed, ["estimated_overlap_m2", "remaining_overlap_m2"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0003_batch"),
        ("landrelease", "0003_batch"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazardledger",
            name="estimated_overlap_m2",
            field=models.FloatField(
                default=0,
                help_text="Part of the hazard polygon already covered by hazards recorded earlier (recorded_on, code)",
            ),
        ),
        migrations.AddField(
            model_name="hazardledger",
            name="remaining_overlap_m2",
            field=models.FloatField(
                default=0,
                help_text="Part of the remaining geometry already covered by earlier hazards' remaining geometries",
            ),
        ),
        migrations.RunPython(fill_from_stored, migrations.RunPython.noop),
    ]
