"""Read side of the exchange app: keys, policies, exports, imported packages, verification and the
comparison with a partner."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from safeground.cooperation.models import Partner
from safeground.core import packages
from safeground.core.errors import ValidationFailed
from safeground.exchange import figures, policies
from safeground.exchange import package as exchange_package
from safeground.exchange.models import ExportLog, PartnerDataset, PartnerFeature, PartnerKey, RedactionPolicy
from safeground.gazetteer.models import Programme
from safeground.gazetteer.queries import country_name


def keys() -> QuerySet[PartnerKey]:
    return PartnerKey.objects.select_related("partner").order_by("partner__code", "-registered_at")


def trusted_keys() -> dict:
    """Fingerprint → public key of every partner key not revoked: the only signers accepted."""
    return {
        k.fingerprint: packages.read_public(k.public_key)
        for k in PartnerKey.objects.filter(revoked_at__isnull=True).only("fingerprint", "public_key")
    }


def own_key_summary() -> dict:
    """This installation's key (fingerprint and public line), or where to make one."""
    path = packages.own_key_path()
    try:
        key = packages.own_key()
    except ValueError as exc:
        return {"path": str(path), "fingerprint": None, "public_key": None, "problem": str(exc)}
    return {
        "path": str(path),
        "fingerprint": packages.fingerprint(key.public_key()),
        "public_key": packages.public_text(key.public_key()),
        "problem": None,
    }


def policy_list() -> list[dict]:
    """Built-in policies first, then the custom ones: name, version, description, rules, limits."""
    out = [
        {"name": name, "version": 1, "builtin": True, "description": r["description"], "rules": r}
        for name, r in policies.BUILTIN.items()
    ]
    out += [
        {"name": p.name, "version": p.version, "builtin": False, "description": p.description, "rules": p.rules}
        for p in RedactionPolicy.objects.order_by("name")
    ]
    for p in out:
        p["limits"] = policies.limits(p["rules"])
    return out


def policy_rules(name: str) -> tuple[dict, int]:
    """A policy's rules and version by name; ValidationFailed lists the names there are."""
    name = (name or "").strip().lower()
    if name in policies.BUILTIN:
        return policies.BUILTIN[name], 1
    row = RedactionPolicy.objects.filter(name=name).first()
    if row is None:
        names = [p["name"] for p in policy_list()]
        raise ValidationFailed(
            _("no policy %(name)s; choose one of %(names)s") % {"name": repr(name), "names": ", ".join(names)},
            field="policy",
            reason="unknown",
        )
    return row.rules, row.version


def exports() -> QuerySet[ExportLog]:
    return ExportLog.objects.select_related("partner").order_by("-created_at")


def datasets() -> QuerySet[PartnerDataset]:
    return (
        PartnerDataset.objects.select_related("partner", "key")
        .annotate(n_features=Count("features", distinct=True))
        .order_by("-imported_at")
    )


def dataset(dataset_id) -> PartnerDataset | None:
    return PartnerDataset.objects.select_related("partner", "key").filter(pk=dataset_id).first()


def dataset_summary(d: PartnerDataset) -> dict:
    """What the package-import review shows: signer, when, period, policy limits, per-layer counts."""
    m = d.manifest
    policy = m.get("policy") or {}
    return {
        "id": str(d.id),
        "package_id": d.package_id,
        "partner": d.partner.code,
        "partner_name": d.partner.name,
        "signer": d.key.fingerprint,
        "key_revoked": d.key.revoked_at is not None,
        "programme": d.programme,
        "programme_name": d.programme_name,
        "period_from": d.period_from,
        "period_to": d.period_to,
        "exported_at": d.exported_at,
        "imported_at": d.imported_at,
        "file_name": d.file_name,
        "policy": policy.get("name", ""),
        "policy_version": policy.get("version"),
        "limits": [str(x) for x in policy.get("limits", [])],
        "layers": [
            {"name": name, "rows": meta.get("rows"), "geometry": bool(meta.get("geometry"))}
            for name, meta in sorted((m.get("layers") or {}).items())
        ],
    }


def features_geojson(d: PartnerDataset, limit: int = 5000) -> dict:
    """The partner's features as GeoJSON for the review map (lon/lat as sent)."""
    import json

    out = []
    for f in PartnerFeature.objects.filter(dataset=d, geom__isnull=False).order_by("layer", "id")[:limit]:
        props = {k: v for k, v in f.properties.items() if isinstance(v, str | int | float | bool)}
        if f.geom is None:
            continue
        out.append(
            {"type": "Feature", "properties": {**props, "layer": f.layer}, "geometry": json.loads(f.geom.geojson)}
        )
    return {"type": "FeatureCollection", "features": out}


def country_outline_geojson(country: str) -> dict | None:
    """The programme's outline from our gazetteer, simplified, as context for the review map (or None)."""
    import json

    import shapely

    from safeground.gazetteer.queries import country_outline

    outline = country_outline(country)
    if outline is None:
        return None
    return json.loads(shapely.to_geojson(outline.simplify(0.01)))


def verify(data: bytes) -> dict:
    """Check a package without loading it: its summary, or PackageRefused naming the reason."""
    package, read = exchange_package.check(data, trusted_keys())
    m = package.manifest
    package_id = packages.package_id(data)
    key = PartnerKey.objects.select_related("partner").get(fingerprint=package.signer)
    return {
        "package_id": package_id,
        "signer": package.signer,
        "partner": key.partner.code,
        "programme": m["programme"],
        "period": m["period"],
        "policy": m["policy"].get("name"),
        "limits": m["policy"].get("limits", []),
        "layers": {name: meta["rows"] for name, meta in sorted(m["layers"].items())},
        "imported": PartnerDataset.objects.filter(package_id=package_id).exists(),
    }


def default_programme() -> str | None:
    """The programme this installation acts for when none is named: the only one, else the first."""
    return Programme.objects.order_by("iso3").values_list("iso3", flat=True).first()


def partners_with_data() -> list[Partner]:
    return list(Partner.objects.filter(datasets__isnull=False).distinct().order_by("code"))


def _side_from_rows(tables: dict[str, list[dict]]) -> dict:
    return {
        "productivity": {r["method"]: r for r in tables.get("productivity", [])},
        "release_mix": {r["outcome"]: r for r in tables.get("release_mix", [])},
        "summary": {r["figure"]: r for r in tables.get("summary", [])},
    }


def comparison(
    partner_code: str,
    programme: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    package_period: bool = True,
) -> dict:
    """Our figures and the partner's latest package side by side, each with its source and limits.

    Like with like: our side covers `date_from`–`date_to`; when neither is given (and `package_period`),
    the period of the partner's package, if it has one; else all our records."""
    partner = Partner.objects.filter(code=(partner_code or "").strip().upper()).first()
    if partner is None:
        raise ValidationFailed(
            _("no partner %(code)s") % {"code": repr(partner_code)}, field="partner", reason="unknown"
        )
    country = (programme or default_programme() or "").upper()
    if not Programme.objects.filter(iso3=country).exists():
        raise ValidationFailed(_("no programme %(code)s here") % {"code": repr(country)}, field="programme")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(_("the period ends before it starts"), field="date_to", reason="invalid")
    latest = PartnerDataset.objects.select_related("key").filter(partner=partner).order_by("-imported_at").first()
    from_package = (
        package_period
        and date_from is None
        and date_to is None
        and latest is not None
        and bool(latest.period_from or latest.period_to)
    )
    if from_package and latest is not None:
        date_from, date_to = latest.period_from, latest.period_to
    ours = _side_from_rows(figures.comparable(country, policies.MIN_K, date_from, date_to))
    theirs_tables: dict[str, list[dict]] = {}
    theirs_source = None
    if latest is not None:
        for f in latest.figures.filter(table__in=figures.COMPARED).order_by("id"):
            theirs_tables.setdefault(f.table, []).append(f.row)
        theirs_source = {
            "programme": latest.programme,
            "programme_name": latest.programme_name,
            "package": latest.package_id,
            "dataset": str(latest.id),
            "period_from": latest.period_from,
            "period_to": latest.period_to,
            "exported_at": latest.exported_at,
            "policy": (latest.manifest.get("policy") or {}).get("name", ""),
            "limits": [str(x) for x in (latest.manifest.get("policy") or {}).get("limits", [])],
        }
    theirs = _side_from_rows(theirs_tables)
    methods = sorted(set(ours["productivity"]) | set(theirs["productivity"]))
    productivity = []
    for method in methods:
        a, b = ours["productivity"].get(method), theirs["productivity"].get(method)
        unit = (a or b or {}).get("unit", "")
        productivity.append(
            {
                "method": method,
                "unit": unit,
                "ours": a.get("headline") if a else None,
                "theirs": b.get("headline") if b else None,
                "ours_area_m2": a.get("area_m2") if a else None,
                "theirs_area_m2": b.get("area_m2") if b else None,
                "ours_cost_per_m2": a.get("cost_per_m2") if a else None,
                "theirs_cost_per_m2": b.get("cost_per_m2") if b else None,
            }
        )
    mix = [
        {
            "outcome": o,
            "ours": (ours["release_mix"].get(o) or {}).get("share"),
            "theirs": (theirs["release_mix"].get(o) or {}).get("share"),
        }
        for o in figures.OUTCOMES
    ]
    names = figures.SUMMARY_FIGURES
    summary = []
    for name in names:
        a, b = ours["summary"].get(name) or {}, theirs["summary"].get(name) or {}
        summary.append(
            {
                "figure": name,
                "unit": a.get("unit") or b.get("unit") or "",
                "ours": a.get("value"),
                "theirs": b.get("value"),
                "ours_suppressed": bool(a.get("suppressed")),
                "theirs_suppressed": bool(b.get("suppressed")),
            }
        )
    return {
        "partner": partner.code,
        "partner_name": partner.name,
        "ours": {
            "programme": country,
            "programme_name": country_name(country),
            "source": _("live records"),
            "period_from": date_from,
            "period_to": date_to,
            "period_from_package": from_package,
        },
        "theirs": theirs_source,
        "productivity": productivity,
        "release_mix": mix,
        "summary": summary,
    }
