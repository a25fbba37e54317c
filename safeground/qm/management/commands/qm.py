"""`safeground qm …`: quality management: visits, non-conformities, QC samples, hand-overs, statistics.

safeground qm visit add --type monitoring --activity CODE --inspecting NMAA --inspector "S. Dara"
    [--team TEAM] [--on 2025-03-01] [--answer sop=yes --answer medical=no:"no medic"] [--findings …]
safeground qm visit list [--country ISO3] [--type monitoring]
safeground qm nc raise VISIT --category medical --severity critical --description "…" [--due 2025-03-08]
safeground qm nc close NC --evidence "…" --by "S. Dara" [--on 2025-03-05]
safeground qm nc list [--open]
safeground qm sample rule ISO3 --enable [--unit-m2 100 --level II --acceptance 0 --source "…"]
safeground qm sample plan PRODUCT [--on 2025-03-01]
safeground qm sample result PLAN --failed 0 --user qa-officer [--on …]
safeground qm handover add --product P1 [--product P2] --name "…" --role "…" --risk "…" [--on …]
safeground qm stats [--country ISO3]
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeground.core.errors import StaleVersion, ValidationFailed


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date YYYY-MM-DD: {value!r}") from exc


def _answer(value: str) -> dict:
    item, _, rest = value.partition("=")
    answer, _, remark = rest.partition(":")
    if not item or not answer:
        raise CommandError(f"--answer ITEM=yes|no|na[:remark]; got {value!r}")
    return {"item": item.strip(), "answer": answer.strip(), "remark": remark.strip()}


class Command(BaseCommand):
    help = "Quality management (IMAS 07.12, 07.40, 08.30): visits, non-conformities, QC samples, hand-overs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="area", required=True, metavar="AREA")
        visit = sub.add_parser("visit", help="QA/QC visits").add_subparsers(dest="action", required=True)
        p = visit.add_parser("add", help="record a visit")
        p.add_argument(
            "--type", dest="visit_type", required=True, help="accreditation, monitoring, qc_sampling, post_clearance"
        )
        p.add_argument("--activity")
        p.add_argument("--product")
        p.add_argument("--team")
        p.add_argument("--inspecting", required=True, help="acronym of the inspecting organisation")
        p.add_argument("--inspected", help="acronym (default: the activity's organisation)")
        p.add_argument("--inspector", required=True)
        p.add_argument("--on", type=_date, default=None)
        p.add_argument("--findings", default="")
        p.add_argument("--template")
        p.add_argument("--answer", action="append", type=_answer, default=[], help="ITEM=yes|no|na[:remark]")
        p.add_argument("--user")
        p = visit.add_parser("list", help="the latest visits")
        p.add_argument("--country")
        p.add_argument("--type", dest="visit_type")
        p.add_argument("--limit", type=int, default=20)

        nc = sub.add_parser("nc", help="non-conformities").add_subparsers(dest="action", required=True)
        p = nc.add_parser("raise", help="raise a non-conformity found on a visit")
        p.add_argument("visit")
        p.add_argument("--category", required=True)
        p.add_argument("--severity", required=True, help="critical, major or minor")
        p.add_argument("--description", required=True)
        p.add_argument("--action", dest="corrective_action", default="")
        p.add_argument("--owner")
        p.add_argument("--due", type=_date)
        p.add_argument("--suspends", default="", help="critical: team or method")
        p.add_argument("--method", default="")
        p.add_argument("--user")
        p = nc.add_parser("close", help="close a non-conformity with its evidence")
        p.add_argument("code")
        p.add_argument("--evidence", required=True)
        p.add_argument("--by", dest="closed_by", required=True)
        p.add_argument("--on", type=_date)
        p.add_argument("--user")
        p = nc.add_parser("list", help="non-conformities")
        p.add_argument("--open", action="store_true")
        p.add_argument("--limit", type=int, default=20)

        sample = sub.add_parser("sample", help="QC sampling of released land").add_subparsers(
            dest="action", required=True
        )
        p = sample.add_parser("rule", help="show or set a programme's sampling rule")
        p.add_argument("country")
        p.add_argument("--enable", action="store_true")
        p.add_argument("--disable", action="store_true")
        p.add_argument("--unit-m2", type=float)
        p.add_argument("--level")
        p.add_argument("--acceptance", type=int)
        p.add_argument("--source")
        p = sample.add_parser("plan", help="plan a product's QC sample")
        p.add_argument("product")
        p.add_argument("--on", type=_date)
        p.add_argument("--visit")
        p = sample.add_parser("result", help="record a sample's result")
        p.add_argument("plan")
        p.add_argument("--failed", type=int, required=True, help="sample units with a device or defect")
        p.add_argument("--on", type=_date)
        p.add_argument("--remarks", default="")
        p.add_argument("--user", required=True, help="who records it (a failed sample is submitted in their name)")

        handover = sub.add_parser("handover", help="hand-overs (IMAS 08.30)").add_subparsers(
            dest="action", required=True
        )
        p = handover.add_parser("add", help="record a hand-over")
        p.add_argument("--product", action="append", required=True)
        p.add_argument("--name", required=True, help="who receives the land")
        p.add_argument("--role", required=True, help="their role or community")
        p.add_argument("--community", default="")
        p.add_argument("--risk", required=True, help="the residual risk statement")
        p.add_argument("--by", help="acronym of the organisation handing over (default: the product's)")
        p.add_argument("--on", type=_date)
        p.add_argument("--witnesses", default="")
        p.add_argument("--user")

        p = sub.add_parser("stats", help="non-conformities per visit by organisation, method and severity")
        p.add_argument("--country")
        p.add_argument("--year", type=int)

    def handle(self, *args, area, **options):
        action = options.pop("action", None)
        try:
            getattr(self, f"do_{area}" + (f"_{action}" if action else ""))(**options)
        except (ValidationFailed, StaleVersion) as exc:
            raise CommandError(str(exc)) from exc

    def _user(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user

    def do_visit_add(
        self,
        visit_type,
        activity,
        product,
        team,
        inspecting,
        inspected,
        inspector,
        on,
        findings,
        template,
        answer,
        user,
        **_,
    ):
        from safeground.qm import services

        visit = services.record_visit(
            visit_type=visit_type,
            activity=activity,
            product=product,
            team=team,
            inspecting_organisation=inspecting,
            inspected_organisation=inspected,
            inspector=inspector,
            visited_on=on or dt.date.today(),
            findings=findings,
            template=template,
            answers=answer,
            user=self._user(user),
        )
        self.stdout.write(f"recorded visit {visit.code} ({visit.visit_type}, {visit.inspected_organisation.acronym})")

    def do_visit_list(self, country, visit_type, limit, **_):
        from safeground.qm import queries

        rows = queries.visits(country=country, visit_type=visit_type)
        for v in rows[:limit]:
            p = queries.visit_properties(v)
            self.stdout.write(
                f"{p['code']}  {p['visited_on']}  {p['visit_type']:<15} {p['inspected_organisation']:<8} "
                f"{p['activity'] or p['product']}  ncs: {v.non_conformities.count()}"
            )
        self.stdout.write(f"{rows.count():,} visits")

    def do_nc_raise(
        self, visit, category, severity, description, corrective_action, owner, due, suspends, method, user, **_
    ):
        from safeground.qm import queries, services

        row = queries.visit(None, visit)
        if row is None:
            raise CommandError(f"no visit {visit}")
        nc = services.raise_non_conformity(
            row,
            category=category,
            severity=severity,
            description=description,
            corrective_action=corrective_action,
            owner=owner,
            due_on=due,
            suspends=suspends,
            method=method,
            user=self._user(user),
        )
        suspended = f"; suspends {nc.suspends} {nc.method}".rstrip() if nc.suspends else ""
        self.stdout.write(f"raised {nc.code} ({nc.severity}, due {nc.due_on}){suspended}")

    def do_nc_close(self, code, evidence, closed_by, on, user, **_):
        from safeground.qm import queries, services

        nc = queries.non_conformity(None, code)
        if nc is None:
            raise CommandError(f"no non-conformity {code}")
        nc = services.close_non_conformity(
            nc, evidence=evidence, closed_by=closed_by, closed_on=on, user=self._user(user)
        )
        self.stdout.write(f"closed {nc.code} on {nc.closed_on}")

    def do_nc_list(self, open, limit, **_):  # noqa: A002 - the option's name
        from safeground.qm import queries

        rows = queries.non_conformities(status="open" if open else None)
        for n in rows[:limit]:
            self.stdout.write(
                f"{n.code}  {n.raised_on}  {n.severity:<8} {n.category:<13} {n.owner.acronym:<8} {n.status:<6} "
                f"due {n.due_on}  {n.description[:60]}"
            )
        self.stdout.write(f"{rows.count():,} non-conformities")

    def do_sample_rule(self, country, enable, disable, unit_m2, level, acceptance, source, **_):
        from safeground.qm import services

        changes: dict = {}
        if enable or disable:
            changes["enabled"] = bool(enable)
        if unit_m2 is not None:
            changes["unit_m2"] = unit_m2
        if level is not None:
            changes["inspection_level"] = level
        if acceptance is not None:
            changes["acceptance_number"] = acceptance
        if source is not None:
            changes["source"] = source
        rule = services.set_sampling_rule(country, **changes) if changes else services.rule_for(country.upper())
        self.stdout.write(
            f"{rule.country}: sampling {'on' if rule.enabled else 'off'}; unit {rule.unit_m2:g} m², level "
            f"{rule.inspection_level}, acceptance number {rule.acceptance_number}; {rule.source}"
        )

    def do_sample_plan(self, product, on, visit, **_):
        from safeground.qm import services

        plan = services.plan_sample(product, planned_on=on, visit=visit)
        self.stdout.write(
            f"{plan.code}: {plan.product.code} is {plan.lot_units:,} units of {plan.unit_m2:g} m²; sample "
            f"{plan.sample_units} units ({plan.sample_area_m2:,.0f} m², code letter {plan.code_letter}), "
            f"accept with at most {plan.acceptance_number} failed"
        )

    def do_sample_result(self, plan, failed, on, remarks, user, **_):
        from safeground.qm import services
        from safeground.qm.models import SamplingPlan

        row = SamplingPlan.objects.filter(code=plan).first()
        if row is None:
            raise CommandError(f"no sampling plan {plan}")
        row = services.record_sample_result(
            row, failed_units=failed, result_on=on, remarks=remarks, user=self._user(user)
        )
        proposal = f"; hazard proposed for review: {row.proposal_code}" if row.proposal_code else ""
        self.stdout.write(f"{row.code}: {row.result}{proposal}")

    def do_handover_add(self, product, name, role, community, risk, by, on, witnesses, user, **_):
        from safeground.qm import services

        h = services.record_handover(
            products=product,
            handed_over_on=on or dt.date.today(),
            received_by_name=name,
            received_by_role=role,
            community=community,
            residual_risk=risk,
            handed_over_by=by,
            witnesses=witnesses,
            user=self._user(user),
        )
        self.stdout.write(f"recorded hand-over {h.code} of {', '.join(product)} to {h.received_by_name}")

    def do_stats(self, country, year, **_):
        from safeground.qm import queries

        stats = queries.statistics(country=country, year=year)
        self.stdout.write(
            f"{'group':<14} {'visits':>7} {'NCs':>6} {'crit':>5} {'major':>6} {'minor':>6} {'per visit':>10}"
        )
        for title, rows in (("organisation", stats["by_organisation"]), ("method", stats["by_method"])):
            self.stdout.write(f"-- by {title}")
            for r in [*rows, stats["total"]]:
                rate = "" if r["per_visit"] is None else f"{r['per_visit']:.2f}"
                self.stdout.write(
                    f"{r['group']:<14} {r['visits']:>7,} {r['non_conformities']:>6,} {r['critical']:>5} "
                    f"{r['major']:>6} {r['minor']:>6} {rate:>10}"
                )
        self.stdout.write(f"open non-conformities: {stats['open']}")
