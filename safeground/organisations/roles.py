"""Roles: Django groups with permissions, and the link from a user to their organisation.

Six roles, one group each (the group name is the role key). Their permissions are written as
patterns over `app_label.codename` so that apps added later are covered when `ensure_roles()` runs
again (it runs after every `migrate`, see safeground.victims.apps). They live with the organisations
because a role ties a user to one (Membership; docs/decisions/0018-layers.md):

| role | can |
|---|---|
| administrator | everything, users included, except victims' personal data |
| im_officer | read all non-personal data; write hazards, operations, land release, EORE, tasks, cooperation; review |
| operator | read non-personal data (not the forecast); submit to the workbench (own org.); EORE, accidents; tasks |
| qa_officer | read non-personal data; write quality records: QM visits, non-conformities, samples, hand-overs |

Photos and documents (decision 0037) follow the record: `attachments.add_attachment` (IM officer,
operator, QA officer) lets one attach to a record they may also change (an operator: their own
submissions in the workbench and their EORE sessions); removing another's upload needs
`attachments.delete_attachment` (IM officer, QA officer); seeing one needs seeing its record.
| viewer | read non-personal data; no per-victim rows, only aggregates; not the workbench |
| va_officer | victims' personal data (each view and export audited), victim assistance records |

IMSMA NG migration runs and their reports (`imsma.*`, decision 0041) are the administrator's and the IM
officer's, the people who run imports.

Victims' personal data is granted by group only: a superuser does not see it unless also given the
`va_officer` role, so who can see names is always visible in the role list (see
safeground.core.auth.has_role_permission).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from safeground.core.auth import has_role_permission  # noqa: F401 (re-exported)
from safeground.organisations.models import Membership, Organisation

DEMO_PASSWORD = "safeground-demo"

#: Permissions that only the victim assistance role may hold.
PERSONAL = ["victims.*_personal_data", "victims.*_assessment", "victims.*_referral", "victims.*_followup"]
#: Per-victim (pseudonymised) rows, the access audit and the role machinery.
RESTRICTED = ["victims.*_victim", "victims.*_historicalvictim", "victims.*_accesslog"]
ACCOUNTS = ["auth.*", "organisations.*_membership", "core.*_apitoken", "admin.*", "sessions.*", "contenttypes.*"]
DOMAIN_WRITE = ["hazards.*", "operations.*", "landrelease.*", "eore.*"]
#: The national authority's planning figures (the completion forecast, decision 0032): national roles only.
NATIONAL_PLANNING = ["forecast.*"]
#: Files attached to cooperation agreements (signed texts): national roles and QA (decision 0034).
AGREEMENT_FILES = ["cooperation.view_agreementdocument"]
#: IMSMA NG migration runs and their reports (decision 0041): the people who run imports, national roles only.
MIGRATION = ["imsma.*"]


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    needs_organisation: bool = False


ROLES: dict[str, Role] = {
    r.key: r
    for r in [
        Role("administrator", "Administrator", ("*.*",), (*PERSONAL, "victims.add_victim", "victims.change_victim")),
        Role(
            "im_officer",
            "Information management officer",
            (
                "*.view_*",
                *DOMAIN_WRITE,
                "workbench.*",
                "victims.add_accident",
                "victims.change_accident",
                "victims.view_victim",
                "organisations.*",
                "ordnance.*",
                "library.*",
                "museum.*",
                "gazetteer.*",
                "interop.*",
                "training.*",
                "qm.*",
                "tasking.*",
                "cooperation.*",
                "exchange.*",
                "fieldsync.*",
                "attachments.*",
                "fieldforms.*",
                *MIGRATION,
            ),
            (*PERSONAL, *ACCOUNTS, "victims.view_accesslog", "victims.*_historicalvictim"),
        ),
        Role(
            "operator",
            "Operator data officer",
            (
                "*.view_*",
                "workbench.add_submission",
                "workbench.change_submission",
                "eore.add_*",
                "eore.change_*",
                "victims.add_accident",
                "tasking.respond_task",
                "attachments.add_attachment",
            ),
            (*PERSONAL, *RESTRICTED, *ACCOUNTS, *NATIONAL_PLANNING, *AGREEMENT_FILES, *MIGRATION),
            needs_organisation=True,
        ),
        Role(
            "qa_officer",
            "Quality assurance officer",
            ("*.view_*", "quality.*", "qm.*", "attachments.add_attachment", "attachments.delete_attachment"),
            (
                *PERSONAL,
                *RESTRICTED,
                *ACCOUNTS,
                *MIGRATION,
                "qm.add_samplingrule",
                "qm.change_samplingrule",
                "qm.delete_samplingrule",
            ),
        ),
        Role(
            "viewer",
            "Viewer",
            ("*.view_*",),
            (*PERSONAL, *RESTRICTED, *ACCOUNTS, "workbench.*", *AGREEMENT_FILES, *MIGRATION),
        ),
        Role(
            "va_officer",
            "Victim assistance officer",
            ("*.view_*", "victims.*"),
            (
                "victims.*_accesslog",
                "victims.delete_*",
                *ACCOUNTS,
                "workbench.*",
                *NATIONAL_PLANNING,
                *AGREEMENT_FILES,
                *MIGRATION,
            ),
        ),
    ]
}

#: Demo accounts: username → (role, organisation acronym or None).
DEMO_ACCOUNTS: dict[str, tuple[str, str | None]] = {
    "admin": ("administrator", None),
    "im-officer": ("im_officer", None),
    "operator-cmac": ("operator", "CMAC"),
    "operator-anama": ("operator", "ANAMA"),
    "qa-officer": ("qa_officer", None),
    "viewer": ("viewer", None),
    "va-officer": ("va_officer", None),
    # Linked by the demo to an EOD-certified person: the one demo sign-in that reads render-safe procedures.
    "eod-officer": ("qa_officer", None),
}


def _matches(name: str, patterns) -> bool:
    return any(fnmatch(name, p) for p in patterns)


def permissions_for(role: Role, available: list[tuple[int, str]]) -> list[int]:
    """Ids of the permissions (id, "app_label.codename") a role's patterns select."""
    return [pk for pk, name in available if _matches(name, role.include) and not _matches(name, role.exclude)]


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or update the six groups so each holds exactly its role's permissions (idempotent)."""
    available = [
        (pk, f"{app}.{codename}")
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    ]
    groups = {}
    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.key)
        group.permissions.set(permissions_for(role, available))
        groups[role.key] = group
    return groups


def assign_role(user, role: str, organisation=None) -> None:
    """Give `user` a role (its group); an organisation links the user to it (required for operators)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if ROLES[role].needs_organisation and organisation is None:
        raise ValueError(f"the {role} role works for one organisation: give the organisation")
    group = Group.objects.filter(name=role).first() or ensure_roles()[role]
    user.groups.add(group)
    if organisation is not None:
        Membership.objects.update_or_create(user=user, organisation=organisation, defaults={"role": role})


def roles_of(user) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(user.groups.filter(name__in=list(ROLES)).values_list("name", flat=True))


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def organisation_ids(user) -> list:
    """Ids of the organisations the user works for (empty for national roles)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(user.memberships.values_list("organisation_id", flat=True))


def is_scoped(user) -> bool:
    """Whether the user's writes are limited to their own organisations (operators, not superusers)."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and not user.is_superuser
        and has_role(user, "operator")
        and not (has_role(user, "administrator") or has_role(user, "im_officer"))
    )


@transaction.atomic
def ensure_demo_accounts(password: str = DEMO_PASSWORD) -> dict[str, object]:
    """The demo sign-ins, one per role, all with the demo password (demo databases only).

    `admin` is a superuser and the only staff account (the back office at /admin/); the others sign
    in at /accounts/login/ and see what their role allows. Operator accounts are linked to CMAC and
    ANAMA when those organisations exist.
    """
    ensure_roles()
    User = get_user_model()
    accounts = {}
    for username, (role, acronym) in DEMO_ACCOUNTS.items():
        user = User.objects.filter(username=username).first() or User(username=username)
        user.email = user.email or f"{username}@example.org"
        user.is_active = True
        user.is_staff = user.is_superuser = username == "admin"
        user.set_password(password)
        user.save()
        organisation = Organisation.objects.filter(acronym=acronym).first() if acronym else None
        if ROLES[role].needs_organisation and organisation is None:
            user.groups.remove(*Group.objects.filter(name=role))
            accounts[username] = user
            continue
        assign_role(user, role, organisation)
        accounts[username] = user
    return accounts
