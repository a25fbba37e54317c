"""Seed the default monitoring checklist (IMAS 07.40 monitoring of mine action organisations).

The items follow what IMAS 07.40 monitoring visits check and the IMSMA NG QA record's fields
(compliant with the organisation's SOPs, personnel qualified, qualified medic available): sources in
/work/shared/docs/domain-facts.md §1.6 and the IMAS table (07.40). Programmes add their own templates.
"""

from django.db import migrations

KEY = "imas-07-40-monitoring"
ITEMS = [
    ("sop", "Work follows the organisation's accredited SOPs (IMAS 07.40; SOP compliance)"),
    ("marking", "The worksite, lanes, safe and hazardous areas are marked as the SOPs require"),
    ("medical", "Medical support: a qualified medic, first-aid kit and casualty evacuation plan are in place"),
    ("supervision", "Supervision: the section leader supervises the deminers at the prescribed ratio"),
    ("equipment", "Equipment and detector tests: detectors are tested and calibrated on the test piece each day"),
    ("documentation", "Documentation: the daily logs, worksite sketch and records are complete and current"),
]


def seed(apps, schema_editor):
    Template = apps.get_model("qm", "ChecklistTemplate")
    Item = apps.get_model("qm", "ChecklistItem")
    template, _ = Template.objects.get_or_create(
        key=KEY,
        defaults={"name": "Monitoring visit (IMAS 07.40)", "reference": "IMAS 07.40 Ed 2 (2016)", "is_default": True},
    )
    for order, (key, text) in enumerate(ITEMS, start=1):
        Item.objects.get_or_create(template=template, key=key, defaults={"order": order, "text": text})


def unseed(apps, schema_editor):
    apps.get_model("qm", "ChecklistTemplate").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("qm", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
