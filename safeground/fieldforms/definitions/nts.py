"""Non-technical survey (form id `nts`): a proposed SHA/CHA with its evidence.

Maps to the workbench's ("hazard", "create") payload, HazardIn: `hazard_class`, `contamination_type`,
`recorded_on`, `name`, `reporting_organisation` (from `organisation`), `suspected_models`, and the
`geometry` from `perimeter` (geoshape → Polygon) or, when `shape` is "point", from `point` (→ Point)
with `radius_m`; `benchmark` (geopoint → Point). Each `evidence` repeat is one evidence item: `kind`,
`evidence_type`, `point`, `observed_on`, `description`, `photo` (an attachment). `country`,
`province`, `district`, `commune`, `village` orient the team; the server derives the areas itself.
"""

from django.utils.translation import gettext_noop as N_

from safeground.fieldforms import choices
from safeground.fieldforms.definitions import common
from safeground.fieldforms.xlsform import Choice, Q
from safeground.hazards.models import CONTAMINATION_CHOICES, Evidence, Hazard

FORM_ID = "nts"
TITLE = N_("Non-technical survey")
MEDIA = ("provinces.csv", "districts.csv", "communes.csv", "villages.csv")
SHAPES = [("polygon", N_("A perimeter walked or drawn")), ("point", N_("A point with a radius"))]


def survey() -> list[Q]:
    return [
        *common.where(villages=True),
        *common.who(team=True, org_payload="reporting_organisation", team_payload=""),
        common.date("recorded_on", N_("Survey date")),
        Q("text", "name", N_("Name of the area"), hint=N_("A name the community uses, if any."), payload="name"),
        Q(
            "select_one hazard_class",
            "hazard_class",
            N_("Proposed classification"),
            payload="hazard_class",
            required=True,
        ),
        Q(
            "select_one contamination_type",
            "contamination_type",
            N_("Contamination"),
            payload="contamination_type",
            required=True,
        ),
        Q("select_one shape", "shape", N_("How is the area recorded?"), required=True, default="polygon"),
        Q(
            "geoshape",
            "perimeter",
            N_("Perimeter"),
            hint=N_("Walk or draw the perimeter of the suspected or confirmed area."),
            payload="geometry",
            required=True,
            relevant="${shape} = 'polygon'",
        ),
        Q("geopoint", "point", N_("Point"), payload="geometry", required=True, relevant="${shape} = 'point'"),
        Q(
            "decimal",
            "radius_m",
            N_("Radius (m)"),
            payload="radius_m",
            relevant="${shape} = 'point'",
            constraint=". > 0 and . <= 10000",
            constraint_message=N_("Enter a radius above 0 and up to 10,000 m."),
        ),
        Q(
            "geopoint",
            "benchmark",
            N_("Benchmark"),
            hint=N_("A fixed point the perimeter is measured from."),
            payload="benchmark",
        ),
        Q(
            "select_multiple ordnance_model",
            "suspected_models",
            N_("Suspected ordnance models"),
            payload="suspected_models",
        ),
        Q("begin_repeat", "evidence", N_("Evidence"), payload="evidence"),
        Q("select_one evidence_kind", "kind", N_("Direct or indirect"), payload="evidence[].kind", required=True),
        Q(
            "select_one evidence_type",
            "evidence_type",
            N_("Type of evidence"),
            payload="evidence[].evidence_type",
            required=True,
        ),
        Q("geopoint", "point", N_("Where"), payload="evidence[].point"),
        common.date("observed_on", N_("Date observed"), payload="evidence[].observed_on", required=False),
        Q("text", "description", N_("Description"), payload="evidence[].description", appearance="multiline"),
        Q("image", "photo", N_("Photo"), payload="evidence[].photo", parameters="max-pixels=2048"),
        Q("end_repeat"),
    ]


def choice_lists() -> list[Choice]:
    return [
        *common.who_choices(),
        *choices.from_model("hazard_class", Hazard.CLASS_CHOICES),
        *choices.from_model("contamination_type", CONTAMINATION_CHOICES),
        *choices.from_model("shape", SHAPES),
        *choices.from_model("evidence_kind", Evidence.KIND_CHOICES),
        *choices.from_model("evidence_type", Evidence.TYPE_CHOICES),
        *choices.ordnance_models(),
    ]
