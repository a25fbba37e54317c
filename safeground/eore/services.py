"""Every write to risk education sessions: validation, location, the hazards nearby, history."""

from __future__ import annotations

import datetime as dt
import math

import shapely
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeground.core import bulk, columns
from safeground.core.codes import next_code
from safeground.core.contracts import check_choice as _choice
from safeground.core.contracts import check_code
from safeground.core.errors import BulkError, ValidationFailed
from safeground.core.geojson import to_geos
from safeground.core.geometry import project, utm_epsg_for
from safeground.core.history import record_author
from safeground.core.models import Batch
from safeground.eore.models import PLACE_METHODS, Session
from safeground.gazetteer.models import AdminArea
from safeground.gazetteer.queries import country_prefix, locate
from safeground.hazards.models import Hazard
from safeground.hazards.queries import intersecting
from safeground.organisations.models import Organisation, Team
from safeground.organisations.roles import is_scoped, organisation_ids
from safeground.victims.services import check_point_in_country

#: Hazards within this distance of a session are linked to it (the people taught live near them).
NEARBY_M = 5000.0
MAX_BENEFICIARIES = 1_000_000


def nearby_hazards(point: shapely.Point, within_m: float = NEARBY_M) -> list:
    """Ids of hazards within `within_m` of the point, measured in the local UTM zone."""
    epsg = utm_epsg_for(point)
    pad = within_m / 111_320 / max(math.cos(math.radians(abs(point.y))), 0.2)
    box = Polygon.from_bbox((point.x - pad, point.y - pad, point.x + pad, point.y + pad))
    # Point hazards count too: their distance is the point's.
    rows = [
        (pk, g if g is not None else p)
        for pk, g, p in Hazard.objects.filter(intersecting(box)).order_by("code").values_list("pk", "geom", "point")
    ]
    if not rows:
        return []
    geoms = project(shapely.from_wkb([bytes(g.wkb) for _pk, g in rows if g is not None]), epsg)
    distances = shapely.distance(project(point, epsg), geoms)
    return [pk for (pk, _g), d in zip(rows, distances, strict=True) if d <= within_m]


def _count(field: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_BENEFICIARIES:
        raise ValidationFailed(
            _("%(field)s must be a whole number from 0 to %(most)s; got %(value)s")
            % {"field": field, "most": f"{MAX_BENEFICIARIES:,}", "value": repr(value)},
            field=field,
        )
    return value


@transaction.atomic
def create_session(
    *,
    held_on: dt.date,
    organisation: str,
    method: str,
    point: shapely.Point | None = None,
    audience: str = "general",
    girls: int = 0,
    boys: int = 0,
    women: int = 0,
    men: int = 0,
    materials: list[str] | None = None,
    team: str | None = None,
    country: str | None = None,
    code: str | None = None,
    user=None,
    reason: str | None = None,
    source_id: str | None = None,
    source_attributes: dict | None = None,
    is_synthetic: bool = False,
) -> Session:
    """Record a session; an operator records its own organisation's sessions only. `reason`: the
    history's (an import names its file); `is_synthetic`: a demo's (a museum's guided visits)."""
    check_code(code)
    _choice("method", method, Session.METHOD_CHOICES)
    _choice("audience", audience, Session.AUDIENCE_CHOICES)
    if held_on > timezone.localdate():
        raise ValidationFailed(
            _("%(field)s %(date)s is in the future") % {"field": "held_on", "date": held_on}, field="held_on"
        )
    org = Organisation.objects.filter(acronym=organisation).first()
    if org is None:
        raise ValidationFailed(
            _("unknown %(field)s %(code)s") % {"field": "organisation", "code": repr(organisation)},
            field="organisation",
        )
    if user is not None and is_scoped(user) and org.pk not in organisation_ids(user):
        raise PermissionDenied(
            f"{user.get_username()} records sessions for their own organisation only, not {organisation}"
        )
    counts = {f: _count(f, v) for f, v in (("girls", girls), ("boys", boys), ("women", women), ("men", men))}
    if not sum(counts.values()):
        raise ValidationFailed(
            _("a session reaches at least one person: give girls, boys, women or men"), field="girls"
        )
    if point is None and method in PLACE_METHODS:
        raise ValidationFailed(
            _("a %(method)s session needs its point (only mass media and digital may omit it)") % {"method": method},
            field="point",
        )
    materials = [str(m).strip() for m in materials or [] if str(m).strip()]
    team_row = None
    if team:
        team_row = Team.objects.filter(code=team, organisation=org).first()
        if team_row is None:
            raise ValidationFailed(
                _("%(organisation)s has no team %(team)s") % {"organisation": organisation, "team": repr(team)},
                field="team",
            )
    session = Session(
        held_on=held_on,
        organisation=org,
        team=team_row,
        method=method,
        audience=audience,
        materials=materials,
        source_id=source_id or None,
        source_attributes=source_attributes or None,
        is_synthetic=is_synthetic,
        **counts,
    )
    nearby = []
    if point is not None:
        country = check_point_in_country(point, country, "session point")
        where = locate([point], country)[0]
        session.point = to_geos(point, Point)
        session.province_id, session.district_id = where.province_id, where.district_id
        nearby = nearby_hazards(point)
    else:
        country = country or org.country
    session.country = country
    if code and Session.objects.filter(code=code).exists():
        raise ValidationFailed(_("a session with code %(code)s already exists") % {"code": repr(code)}, field="code")
    session.code = code or session_code(session)
    record_author(session, user, reason)
    session.save()
    session.hazards.set(nearby)
    return session


#: What `update_session` may change.
SESSION_UPDATABLE = ("held_on", "method", "audience", "girls", "boys", "women", "men", "organisation")


@transaction.atomic
def update_session(
    session: Session,
    *,
    user=None,
    reason: str | None = None,
    source_attributes: dict | None = None,
    **changes,
) -> Session:
    """Correct a session's date, method, audience, head counts or organisation (a re-import or a
    migration's re-run): one history row. The point, its place and the hazards near it stay."""
    unknown = sorted(set(changes) - set(SESSION_UPDATABLE))
    if unknown:
        raise ValidationFailed(_("%(field)s cannot be changed") % {"field": unknown[0]}, field=unknown[0])
    session.refresh_from_db(from_queryset=Session.objects.select_for_update())
    session.version += 1
    if "held_on" in changes:
        if changes["held_on"] > timezone.localdate():
            raise ValidationFailed(
                _("%(field)s %(date)s is in the future") % {"field": "held_on", "date": changes["held_on"]},
                field="held_on",
            )
        session.held_on = changes["held_on"]
    if "method" in changes:
        session.method = _choice("method", changes["method"], Session.METHOD_CHOICES)
    if "audience" in changes:
        session.audience = _choice("audience", changes["audience"], Session.AUDIENCE_CHOICES)
    for f in ("girls", "boys", "women", "men"):
        if f in changes:
            setattr(session, f, _count(f, changes[f]))
    if not session.beneficiaries:
        raise ValidationFailed(
            _("a session reaches at least one person: give girls, boys, women or men"), field="girls"
        )
    if session.point is None and session.method in PLACE_METHODS:
        raise ValidationFailed(
            _("a %(method)s session needs its point (only mass media and digital may omit it)")
            % {"method": session.method},
            field="point",
        )
    if "organisation" in changes:
        org = Organisation.objects.filter(acronym=changes["organisation"]).first()
        if org is None:
            raise ValidationFailed(
                _("unknown %(field)s %(code)s") % {"field": "organisation", "code": repr(changes["organisation"])},
                field="organisation",
            )
        if user is not None and is_scoped(user) and org.pk not in organisation_ids(user):
            raise PermissionDenied(f"{user.get_username()} records sessions for their own organisation only")
        session.organisation = org
    if source_attributes is not None:
        session.source_attributes = source_attributes or None
    record_author(session, user, reason[:100] if reason else None)
    session.save()
    return session


def session_code(session: Session) -> str:
    prefix = country_prefix(session.country)
    if session.province_id:
        prefix = AdminArea.objects.values_list("code", flat=True).get(pk=session.province_id)
    return next_code(Session, prefix, "EORE")


@transaction.atomic
def bulk_create_sessions(
    sessions: list[Session], hazards: list[list] | None = None, *, user=None, source: str = "", reason: str = ""
) -> int:
    """Write many sessions (unsaved, codes, countries and admin areas set) and their hazard links at once.

    `create_session`'s checks on every row: method and audience among the choices, not in the future,
    an existing organisation, head counts whole numbers with at least one person, a point for the
    methods held at a place, new codes; any problem refuses the whole write, naming the row. `hazards[i]`
    are the ids of the hazards near session i (the caller measured them as `nearby_hazards` does).
    One `core.Batch(kind="eore sessions")` on every row and no per-row history (decision 0015).
    """
    hazards = hazards if hazards is not None else [[] for _ in sessions]
    if len(hazards) != len(sessions):
        raise ValueError(f"{len(hazards)} hazard lists for {len(sessions)} sessions")
    problems = columns.instances(Session, sessions, "session")
    today = timezone.localdate()
    for i, s in enumerate(sessions):
        people = [getattr(s, f) for f in ("girls", "boys", "women", "men")]
        if s.held_on and s.held_on > today:
            problems.append(
                BulkError(i + 1, "held_on", str(s.held_on), f"session {s.code}: held_on {s.held_on} is in the future")
            )
        for f, v in zip(("girls", "boys", "women", "men"), people, strict=True):
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_BENEFICIARIES:
                message = f"session {s.code}: {f} must be a whole number from 0 to {MAX_BENEFICIARIES:,}; got {v!r}"
                problems.append(BulkError(i + 1, f, str(v), message))
        if all(isinstance(v, int) for v in people) and not sum(people):
            message = f"session {s.code}: a session reaches at least one person: give girls, boys, women or men"
            problems.append(BulkError(i + 1, "girls", "0", message))
        if s.point is None and s.method in PLACE_METHODS:
            message = (
                f"session {s.code}: a {s.method} session needs its point (only mass media and digital may omit it)"
            )
            problems.append(BulkError(i + 1, "point", "", message))
    known = set(bulk.existing_values(Hazard, "id", [h for hs in hazards for h in hs]))
    for i, hs in enumerate(hazards):
        missing = [str(h) for h in hs if h not in known]
        if missing:
            problems.append(
                BulkError(i + 1, "hazards", ", ".join(missing), f"session {sessions[i].code}: unknown hazards")
            )
    columns.refuse(problems)
    batch = Batch.objects.create(
        kind="eore sessions", source=source[:300], reason=reason[:300], user=user, rows=len(sessions)
    )
    for s in sessions:
        s.batch = batch
    Session.objects.bulk_create(sessions, batch_size=1000)
    through = Session.hazards.through
    through.objects.bulk_create(
        [through(session_id=s.pk, hazard_id=h) for s, hs in zip(sessions, hazards, strict=True) for h in hs],
        batch_size=2000,
    )
    return len(sessions)


def delete_synthetic(ids: list | None = None) -> dict[str, int]:
    """Remove every synthetic session (only those of `ids` when given: a museum demo's visits) with its
    hazard links and history (the demo's rebuild, before the demo hazards go). The only hard delete here,
    limited to `is_synthetic` rows: set-based, no signals, no "deleted" history rows for sessions that never
    happened."""
    from django.apps import apps

    only = {} if ids is None else {"id__in": ids}
    session_only = {} if ids is None else {"session_id__in": ids}
    history_only = {} if ids is None else {"history__id__in": ids}
    counts = {}
    for name, qs in (
        (
            "session hazard history",
            apps.get_model("eore", "HistoricalSession_hazards").objects.filter(
                history__is_synthetic=True, **history_only
            ),
        ),
        ("session hazards", Session.hazards.through.objects.filter(session__is_synthetic=True, **session_only)),
        ("sessions", Session.objects.filter(is_synthetic=True, **only)),
        ("session history", Session.history.filter(is_synthetic=True, **only)),
    ):
        counts[name] = qs._raw_delete(qs.db)
    return counts
