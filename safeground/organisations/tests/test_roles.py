"""Roles as groups, memberships linking users to organisations, and the demo accounts."""

import pytest
from django.contrib.auth.models import Group

from safeground.organisations import roles
from safeground.organisations.models import Membership

pytestmark = pytest.mark.django_db


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")}


def test_roles_are_groups_with_their_permissions():
    roles.ensure_roles()
    roles.ensure_roles()  # idempotent
    assert sorted(Group.objects.filter(name__in=roles.ROLES).values_list("name", flat=True)) == sorted(roles.ROLES)
    assert "victims.view_personal_data" in perms("va_officer")
    assert "victims.add_referral" in perms("va_officer")
    for role in ("administrator", "im_officer", "operator", "qa_officer", "viewer"):
        assert not {p for p in perms(role) if p.endswith("_personal_data")}, role
        assert "victims.view_referral" not in perms(role), role
    assert "victims.view_victim" in perms("im_officer") and "victims.view_victim" in perms("administrator")
    for role in ("operator", "viewer", "qa_officer"):
        assert "victims.view_victim" not in perms(role), role
        assert "victims.view_accident" in perms(role), role
    assert "hazards.add_hazard" in perms("im_officer") and "hazards.add_hazard" not in perms("viewer")
    assert "eore.add_session" in perms("operator") and "eore.add_session" not in perms("viewer")
    assert "victims.view_accesslog" in perms("administrator") and "victims.view_accesslog" not in perms("va_officer")
    assert "auth.add_user" in perms("administrator") and "auth.add_user" not in perms("im_officer")


def test_demo_accounts(organisation):
    from safeground.organisations.models import Organisation

    anama = Organisation.objects.create(name="ANAMA", acronym="ANAMA", kind="authority", country="AZE")
    accounts = roles.ensure_demo_accounts()
    assert sorted(accounts) == sorted(
        ["admin", "im-officer", "operator-cmac", "operator-anama", "qa-officer", "viewer", "va-officer", "eod-officer"]
    )
    for username, user in accounts.items():
        assert user.check_password("safeground-demo"), username
        assert user.is_active and user.is_staff == (username == "admin")
    assert accounts["admin"].is_superuser and not accounts["va-officer"].is_superuser
    assert roles.roles_of(accounts["va-officer"]) == ["va_officer"]
    assert roles.organisation_ids(accounts["operator-cmac"]) == [organisation.pk]
    assert roles.organisation_ids(accounts["operator-anama"]) == [anama.pk]
    assert Membership.objects.get(user=accounts["operator-cmac"]).role == "operator"
    assert roles.is_scoped(accounts["operator-cmac"]) and not roles.is_scoped(accounts["im-officer"])
    roles.ensure_demo_accounts()  # again: no duplicates
    assert Membership.objects.count() == 2


def test_personal_data_permission_is_never_implied_by_superuser(organisation):
    accounts = roles.ensure_demo_accounts()
    admin, va = accounts["admin"], accounts["va-officer"]
    assert admin.has_perm("victims.view_personal_data")  # Django's superuser shortcut…
    assert not roles.has_role_permission(admin, "victims.view_personal_data")  # …is not enough here
    assert roles.has_role_permission(va, "victims.view_personal_data")
    va.is_active = False
    assert not roles.has_role_permission(va, "victims.view_personal_data")


def test_assign_role_checks(django_user_model, organisation):
    user = django_user_model.objects.create_user("someone", password="x-not-used-x")
    with pytest.raises(ValueError, match="unknown role"):
        roles.assign_role(user, "superhero")
    with pytest.raises(ValueError, match="give the organisation"):
        roles.assign_role(user, "operator")
    assert roles.roles_of(user) == [] and not Membership.objects.filter(user=user).exists()
    roles.assign_role(user, "operator", organisation)
    assert roles.roles_of(user) == ["operator"] and user.has_perm("workbench.add_submission")
    assert not user.has_perm("operations.add_activity")  # operators submit to the workbench
