"""The demo's cooperation register: the visit this project started from.

Azerbaijan's agency (ANAMA) sent a delegation to Cambodia's authority (CMAA) and operator (CMAC): they
visited CMAC's training centre (the Technical Institute of Mine Action, Kampong Chhnang), its dogs and
rats at work, and its Peace Museum of Mine Action (Bakong district, Siem Reap); they exchanged
experience in mine threat management, demining with dogs and rats, and training, and agreed to
cooperate further (domain-facts §5.4 "experience exchange with Turkey and Cambodia"; §4 CMAC Training
Center and Peace Museum rows; APOPO–CMAC MoU). The dates, the people and the follow-up actions are
synthetic ([D]): the visit is placed two months before the demo's build date, so that some actions
fall due soon and one is overdue. Coordinates of the training centre and the museum are approximate
(the towns' centres). Written only through `cooperation.services`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from safeground.cooperation import services
from safeground.cooperation.models import Partner
from safeground.operations.models import Activity
from safeground.organisations.models import AnimalAccreditation, Asset, Organisation, Personnel
from safeground.qm.models import NonConformity
from safeground.training.models import CourseSession, TrainingCentre

SYN = {"is_synthetic": True}
HOME = "KHM"  # the visit is recorded by the hosting programme

PARTNERS = [
    ("ANAMA", "Mine Action Agency of the Republic of Azerbaijan", "national_authority", "AZE", "ANAMA"),
    ("CMAA", "Cambodian Mine Action and Victim Assistance Authority", "national_authority", "KHM", "CMAA"),
    ("CMAC", "Cambodian Mine Action Centre", "operator", "KHM", "CMAC"),
    ("HALO", "The HALO Trust", "operator", "", "HALO"),
    ("APOPO", "APOPO (mine detection rats)", "operator", "", "APOPO"),
    ("ARMAC", "ASEAN Regional Mine Action Center", "regional_centre", "", None),
    ("GICHD", "Geneva International Centre for Humanitarian Demining", "international", "", None),
]


def delete_synthetic() -> dict[str, int]:
    return services.delete_synthetic()


def _org(acronym: str | None) -> str | None:
    return acronym if acronym and Organisation.objects.filter(acronym=acronym).exists() else None


def _people(acronym: str, n: int) -> list[Personnel]:
    return list(Personnel.objects.filter(organisation__acronym=acronym).order_by("code")[:n])


@transaction.atomic
def build(seed: int, scale: str, report: Callable[[str], None] = print, today: dt.date | None = None) -> dict:
    """Partners, two agreements, the delegation's visit with its sites, participants, follow-up actions,
    a joint training session, a loan of a rat and a few lessons learned."""
    today = today or dt.date.today()
    for code, name, kind, country, org in PARTNERS:
        if not Partner.objects.filter(code=code).exists():  # kept from an earlier build (see delete_synthetic)
            services.create_partner(code=code, name=name, kind=kind, country=country, organisation=_org(org), **SYN)

    mou = services.create_agreement(
        country=HOME,
        title="Memorandum of understanding on cooperation in mine action",
        parties=["ANAMA", "CMAC"],
        kind="mou",
        own_authority_party=True,
        signed_on=today - dt.timedelta(days=57),
        valid_from=today - dt.timedelta(days=57),
        valid_until=today - dt.timedelta(days=57) + dt.timedelta(days=3 * 365),
        scope="Experience exchange in mine threat management, demining with dogs and rats, training and "
        "information management; exchange visits; joint training at CMAC's training centre.",
        status="in_force",
        **SYN,
    )
    services.attach_document(
        mou,
        name="mou-summary.txt",
        content=b"Synthetic demo document: summary of the memorandum of understanding on cooperation in mine action.\n",
    )
    rats = services.create_agreement(
        country=HOME,
        title="Mine detection rats: CMAC and APOPO cooperation",
        parties=["CMAC", "APOPO"],
        kind="mou",
        own_authority_party=False,
        signed_on=dt.date(2015, 4, 1),
        valid_from=dt.date(2015, 4, 1),
        scope="Mine detection rats accredited and deployed with CMAC's teams.",
        status="in_force",
        **SYN,
    )

    centre = TrainingCentre.objects.filter(code="CMAC-TC").first()
    field_site = (
        Activity.objects.filter(organisation__acronym="CMAC", methods__icontains="mdr").order_by("code").first()
        or Activity.objects.filter(organisation__acronym="CMAC").order_by("code").first()
    )
    sites = [
        {"kind": "office", "name": "CMAA, Phnom Penh", "organisation": _org("CMAA"), "lon": 104.92, "lat": 11.56},
        {
            "kind": "training_centre",
            "name": "CMAC Training Centre (Technical Institute of Mine Action), Kampong Chhnang",
            "organisation": _org("CMAC"),
            "training_centre": centre.code if centre else None,
            "lon": 104.67,
            "lat": 12.25,
        },
        {
            "kind": "museum",
            "name": "CMAC Peace Museum of Mine Action, Bakong district, Siem Reap",
            "organisation": _org("CMAC"),
            "lon": 103.97,
            "lat": 13.33,
        },
    ]
    if field_site is not None:
        sites.append(
            {"kind": "field_site", "name": "Dogs and rats at work on a CMAC task", "activity": field_site.code}
        )
    participants = [
        {"name": p.full_name, "role": "Delegation member", "partner": "ANAMA", "person": p.code}
        for p in _people("ANAMA", 2)
    ]
    participants = [
        {"name": "R. Aliyev", "role": "Head of delegation", "partner": "ANAMA"},
        *participants,
        {"name": "N. Mammadova", "role": "Information management", "partner": "ANAMA"},
        {"name": "S. Dara", "role": "Host, international cooperation", "partner": "CMAA"},
        {"name": "C. Sokha", "role": "Training centre director", "partner": "CMAC"},
    ]
    start = today - dt.timedelta(days=60)
    visit = services.create_visit(
        country=HOME,
        title="ANAMA delegation to CMAA and CMAC",
        direction="hosted",
        host="CMAA",
        visitor="ANAMA",
        agreement=mou.code,
        start_on=start,
        end_on=start + dt.timedelta(days=4),
        topics=["threat_management", "mdd", "mdr", "training", "information_management"],
        summary="The delegation visited CMAC's training centre, saw its dogs and rats at work and its Peace "
        "Museum, and exchanged experience in mine threat management, demining with dogs and rats, and "
        "training. Both sides agreed to cooperate further.",
        participants=participants,
        sites=sites,
        **SYN,
    )

    actions = [
        ("Send CMAC's mine detection rat training curriculum to ANAMA", {"owner_partner": "CMAC"}, 10, "open"),
        (
            "Propose dates for ANAMA dog handlers' refresher course at CMAC's training centre",
            {"owner_partner": "ANAMA"},
            -5,
            "open",
        ),
        (
            "Share the national standard's chapter on animal accreditation",
            {"owner_text": "CMAA standards unit"},
            21,
            "open",
        ),
        ("Agree a policy for exchanging productivity figures by method", {"owner_partner": "ANAMA"}, 120, "open"),
        ("Circulate the visit report to both authorities", {"owner_partner": "CMAA"}, -45, "done"),
    ]
    for description, owner, days, status in actions:
        action = services.create_action(
            visit=visit, description=description, due_on=today + dt.timedelta(days=days), **owner, **SYN
        )
        if status != "open":
            services.edit_action(action, status=status, closed_on=today - dt.timedelta(days=47))
    services.create_action(
        agreement=rats,
        description="Review the rats' accreditation results with APOPO",
        owner_partner="APOPO",
        due_on=today + dt.timedelta(days=14),
        **SYN,
    )

    session = (
        CourseSession.objects.filter(course__centre__code="CMAC-TC", course__method__in=["mdd", "mdr"])
        .order_by("-start_date")
        .first()
        or CourseSession.objects.filter(course__centre__code="CMAC-TC").order_by("-start_date").first()
    )
    if session is not None:
        services.create_joint_training(
            country=HOME,
            session=session.code,
            partners=["ANAMA"],
            visit=visit.code,
            agreement=mou.code,
            note="Places offered to ANAMA's handlers.",
            **SYN,
        )
    rat = Asset.objects.filter(kind="rat", team__organisation__acronym="APOPO").order_by("identifier").first()
    if rat is None:
        rat = Asset.objects.filter(kind="rat").order_by("identifier").first()
    if rat is not None:
        accreditation = AnimalAccreditation.objects.filter(asset=rat).order_by("-valid_until").first()
        services.create_loan(
            country=HOME,
            kind="rat",
            lender="APOPO",
            borrower="ANAMA",
            asset=rat.identifier,
            animal_accreditation=accreditation.code if accreditation else None,
            visit=visit.code,
            start_on=today + dt.timedelta(days=30),
            end_on=today + dt.timedelta(days=120),
            status="planned",
            note="A trial in Azerbaijan's ground and climate, with its handler.",
            **SYN,
        )

    evidence_session = [{"kind": "training_session", "code": session.code}] if session else []
    evidence_site = [{"kind": "activity", "code": field_site.code}] if field_site else []
    lessons = [
        dict(
            title="Rats in laterite soils: shorter sessions in the heat",
            text="CMAC's rats search laterite soils quickly, but their handlers keep sessions short in the "
            "afternoon heat and re-check boxes where iron-rich laterite gave false indications.",
            language="en",
            tags=["method:mdr", "terrain:laterite", "topic:safety"],
            titles={"az": "Lateritli torpaqlarda siçovullar: istidə qısa seanslar"},
            evidence=evidence_site,
        ),
        dict(
            title="Accrediting dogs and rats on the ground they will search",
            text="Animals are accredited by the national authority on test lanes built from local soil, "
            "not only at the training centre; an accreditation is valid for a fixed period and is "
            "repeated after a long break.",
            language="en",
            tags=["method:mdd", "method:mdr", "topic:accreditation"],
            titles={"az": "İt və siçovulların akkreditasiyası axtarış aparılacaq torpaqda"},
        ),
        dict(
            title="Təlim proqramı: bütün təmizləyicilər üçün ümumi əsas",
            text="Kamboca təlim mərkəzində bütün metodlar üçün ümumi əsas kurs, sonra metod üzrə ixtisas "
            "kursları keçirilir. Bu, ANAMA-nın təlim proqramı üçün faydalı nümunədir.",
            language="az",
            tags=["topic:training", "method:manual"],
            titles={"en": "Training curriculum: a common core for all deminers"},
            evidence=evidence_session,
        ),
    ]
    for spec in lessons:
        services.create_lesson(
            country=HOME,
            source_kind="visit",
            source_visit=visit.code,
            recorded_on=start + dt.timedelta(days=5),
            **spec,
            **SYN,
        )
    finding = NonConformity.objects.filter(category="medical").order_by("code").first()
    if finding is not None:
        services.create_lesson(
            country=HOME,
            title="A medic on site before work starts",
            text="A QA visit found work under way without a medic; teams now check the medic's presence "
            "in the start-of-day briefing.",
            language="en",
            source_kind="qa_finding",
            source_ref=finding.code,
            tags=["topic:safety", "topic:quality"],
            evidence=[{"kind": "non_conformity", "code": finding.code}],
            recorded_on=today - dt.timedelta(days=20),
            **SYN,
        )
    report(f"  cooperation: {len(PARTNERS)} partners, 2 agreements, visit {visit.code}, {len(actions) + 1} actions")
    return {"visit": visit.code, "agreement": mou.code}
