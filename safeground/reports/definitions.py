"""The reports, declared: each is sections of tables, each table bound to the query that computes it
(figures.py) and to the independent aggregate that checks it (reconcile.py). Renderers (render/) turn
a built report into PDF, XLSX, CSV or the HTML preview; nothing here knows a format.

Which reports a programme gets comes from its profile (gazetteer.Programme): `article7-apmbc` for a
party to the Mine Ban Treaty, `article7-ccm` for a party to the Convention on Cluster Munitions,
`voluntary` (the same forms as a voluntary report) for a programme party to neither; `monitor` and
`annual` for every programme.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.utils.translation import gettext_noop as N_

from safeground.gazetteer.models import Programme
from safeground.reports import figures as f
from safeground.reports import reconcile as r


@dataclass(frozen=True)
class TableDef:
    key: str
    title: str  # an English msgid, translated when built
    query: Callable  # (ctx, key, title) -> tables.Table
    check: Callable  # (ctx) -> {(row key, column key): number}


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str
    tables: tuple[TableDef, ...] = ()
    #: False: the section's figures are not held by this system; rendered as "not recorded in this system".
    recorded: bool = True
    intro: str = ""


@dataclass(frozen=True)
class ReportDef:
    kind: str
    title: str
    sections: tuple[SectionDef, ...]
    applies: Callable[[Programme], bool] = field(default=lambda p: True)
    description: str = ""


def _t(key: str, title: str, query: Callable, check: Callable, **bound) -> TableDef:
    return TableDef(key, title, partial(query, **bound), partial(check, **bound))


def _not_recorded(key: str, title: str) -> SectionDef:
    return SectionDef(key, title, recorded=False)


# --- the tables, each declared once and used by several reports --------------------------------------

C_AREAS = _t(
    "apmbc_c_areas",
    N_("Mined areas by province, SHA and CHA"),
    f.contamination_by_province,
    r.contamination_by_province,
    types=f.APMBC_TYPES,
)
C_MODELS = _t(
    "apmbc_c_models", N_("Mine types suspected or known"), f.suspected_models, r.suspected_models, types=f.APMBC_TYPES
)
F_PROVINCE = _t(
    "apmbc_f_province",
    N_("Land released in the year by province"),
    f.release_by_province,
    r.release_by_province,
    types=f.APMBC_TYPES,
)
F_METHOD = _t(
    "apmbc_f_method",
    N_("Land released in the year by method"),
    f.release_by_method,
    r.release_by_method,
    types=f.APMBC_TYPES,
)
F_YEAR = _t("apmbc_f_year", N_("Land released by year"), f.release_by_year, r.release_by_year, types=f.APMBC_TYPES)
G_MINES = _t(
    "apmbc_g_mines",
    N_("AP mines destroyed in the year, by type"),
    f.devices_by_model,
    r.devices_by_model,
    categories=("ap_mine",),
)
J_CASUALTIES = _t(
    "j_casualties",
    N_("Casualties in the year by outcome and age group"),
    f.casualties,
    r.casualties,
    by=("outcome", "age_group"),
)
J_TYPE = _t(
    "j_victim_type",
    N_("Casualties in the year by civilian, deminer or military and sex"),
    f.casualties,
    r.casualties,
    by=("victim_type", "sex"),
)
J_NEEDS = _t("j_needs", N_("Survivors' needs"), f.survivor_needs, r.survivor_needs)
J_EORE = _t("j_eore", N_("Risk education in the year"), f.risk_education, r.risk_education)

CCM_F_AREAS = _t(
    "ccm_f_areas",
    N_("Cluster-munition-remnant areas by province, SHA and CHA"),
    f.contamination_by_province,
    r.contamination_by_province,
    types=f.CCM_TYPES,
)
CCM_F_RELEASE = _t(
    "ccm_f_release",
    N_("CMR-contaminated land released in the year by province"),
    f.release_by_province,
    r.release_by_province,
    types=f.CCM_TYPES,
)
CCM_F_DEVICES = _t(
    "ccm_f_devices",
    N_("Submunitions destroyed in the year"),
    f.devices_by_model,
    r.devices_by_model,
    categories=("submunition",),
)
CCM_H_CASUALTIES = _t(
    "ccm_h_casualties",
    N_("Casualties of cluster munitions in the year"),
    f.casualties,
    r.casualties,
    by=("outcome", "sex"),
    device_categories=("submunition",),
)

M_TYPES = _t(
    "monitor_types", N_("Contamination by type, SHA and CHA"), f.contamination_by_type, r.contamination_by_type
)
M_PROVINCE = _t(
    "monitor_province",
    N_("Contamination by province, class and type (m²)"),
    f.contamination_province_type,
    r.contamination_province_type,
)
M_NEW = _t("monitor_new", N_("Newly recorded contamination and baseline"), f.new_and_baseline, r.new_and_baseline)
M_RELEASE = _t(
    "monitor_release",
    N_("Land released by year, type and outcome"),
    f.release_by_year,
    r.release_by_year,
    types=None,
    by_type=True,
)
M_DEVICES = _t(
    "monitor_devices", N_("Devices destroyed in the year by category"), f.devices_by_category, r.devices_by_category
)
A_PRODUCTIVITY = _t("annual_productivity", N_("Productivity by method"), f.productivity, r.productivity)
A_ARTICLE5 = _t("annual_article5", N_("Progress against the Article 5 deadline"), f.article5, r.article5)
A_RELEASE_PROVINCE = _t(
    "annual_release_province",
    N_("All land released in the year by province"),
    f.release_by_province,
    r.release_by_province,
    types=None,
)

APMBC_SECTIONS = (
    _not_recorded("A", N_("Form A: National implementation measures")),
    _not_recorded("B", N_("Form B: Stockpiled anti-personnel mines")),
    SectionDef("C", N_("Form C: Location of mined areas"), (C_AREAS, C_MODELS)),
    _not_recorded("D", N_("Form D: Mines retained or transferred")),
    _not_recorded("E", N_("Form E: Conversion of production facilities")),
    SectionDef(
        "F",
        N_("Form F: Status of programmes for the destruction of mines in mined areas"),
        (F_PROVINCE, F_METHOD, F_YEAR),
    ),
    SectionDef("G", N_("Form G: Mines destroyed"), (G_MINES,)),
    _not_recorded("H", N_("Form H: Technical characteristics of mines")),
    _not_recorded("I", N_("Form I: Measures to warn the population")),
    SectionDef(
        "J",
        N_("Form J: Other relevant matters: victim assistance and risk education"),
        (J_CASUALTIES, J_TYPE, J_NEEDS, J_EORE),
    ),
)

CCM_SECTIONS = (
    _not_recorded("A", N_("Form A: National implementation measures")),
    _not_recorded("B", N_("Form B: Stockpiles and their destruction")),
    _not_recorded("C", N_("Form C: Technical characteristics of cluster munitions")),
    _not_recorded("D", N_("Form D: Cluster munitions retained or transferred")),
    _not_recorded("E", N_("Form E: Conversion of production facilities")),
    SectionDef(
        "F",
        N_("Form F: Cluster-munition-remnant areas and their clearance"),
        (CCM_F_AREAS, CCM_F_RELEASE, CCM_F_DEVICES),
    ),
    _not_recorded("G", N_("Form G: Risk education and warnings")),
    SectionDef("H", N_("Form H: Victim assistance"), (CCM_H_CASUALTIES, J_NEEDS)),
    _not_recorded("I", N_("Form I: National resources and international cooperation")),
    _not_recorded("J", N_("Form J: Other matters")),
)

MONITOR_SECTIONS = (
    SectionDef("contamination", N_("Contamination"), (M_TYPES, M_PROVINCE, M_NEW)),
    SectionDef("release", N_("Land release"), (M_RELEASE,)),
    SectionDef("devices", N_("Devices destroyed"), (M_DEVICES,)),
)

ANNUAL_SECTIONS = (
    SectionDef("article5", N_("Article 5 progress"), (A_ARTICLE5,)),
    SectionDef("contamination", N_("Remaining contamination"), (M_TYPES, M_PROVINCE, C_AREAS, M_NEW)),
    SectionDef("release", N_("Land release"), (A_RELEASE_PROVINCE, F_METHOD, M_RELEASE, F_YEAR)),
    SectionDef("devices", N_("Devices destroyed"), (M_DEVICES, G_MINES)),
    SectionDef("productivity", N_("Productivity"), (A_PRODUCTIVITY,)),
    SectionDef("victims", N_("Casualties and victim assistance"), (J_CASUALTIES, J_TYPE, J_NEEDS)),
    SectionDef("eore", N_("Risk education"), (J_EORE,)),
)


def _neither(p: Programme) -> bool:
    return not p.apmbc_party and not p.ccm_party


REPORTS: dict[str, ReportDef] = {
    d.kind: d
    for d in (
        ReportDef(
            "article7-apmbc",
            N_("Mine Ban Treaty Article 7 report"),
            APMBC_SECTIONS,
            lambda p: p.apmbc_party,
            N_("APMBC Article 7 transparency report: Forms A to J"),
        ),
        ReportDef(
            "article7-ccm",
            N_("Convention on Cluster Munitions Article 7 report"),
            CCM_SECTIONS,
            lambda p: p.ccm_party,
            N_("CCM Article 7 transparency report: Forms A to J"),
        ),
        ReportDef(
            "voluntary",
            N_("Voluntary transparency report"),
            APMBC_SECTIONS,
            _neither,
            N_("The Article 7 forms, reported voluntarily by a programme party to neither convention"),
        ),
        ReportDef(
            "monitor",
            N_("Landmine Monitor and Mine Action Review tables"),
            MONITOR_SECTIONS,
            description=N_("Contamination by type, class and province; release by outcome, year and type"),
        ),
        ReportDef(
            "annual",
            N_("National annual report"),
            ANNUAL_SECTIONS,
            description=N_(
                "Article 5 progress, contamination, release, devices, productivity, victims, risk education"
            ),
        ),
    )
}
KINDS = tuple(REPORTS)


def applicable(programme: Programme) -> list[ReportDef]:
    return [d for d in REPORTS.values() if d.applies(programme)]
