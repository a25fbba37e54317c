"""The default checklist's words, marked for translation (migration 0002 stores them; pages translate them).

Keep these strings identical to the migration's: the pages look the stored text up in the catalogue.
"""

from django.utils.translation import gettext_noop as N_

WORDS = [
    N_("Monitoring visit (IMAS 07.40)"),
    N_("Work follows the organisation's accredited SOPs (IMAS 07.40; SOP compliance)"),
    N_("The worksite, lanes, safe and hazardous areas are marked as the SOPs require"),
    N_("Medical support: a qualified medic, first-aid kit and casualty evacuation plan are in place"),
    N_("Supervision: the section leader supervises the deminers at the prescribed ratio"),
    N_("Equipment and detector tests: detectors are tested and calibrated on the test piece each day"),
    N_("Documentation: the daily logs, worksite sketch and records are complete and current"),
]
