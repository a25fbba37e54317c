"""Optimistic locking in the Django admin: a change form carries the version it showed (decision 0019).

`VersionedAdminMixin` goes first in the bases of every `ModelAdmin` whose model has a `version`
(`core.Record`, organisations, programmes, …); for a model without one it does nothing, so it can be
put on an admin before its model gains the field.

- The change form gets a hidden `seen_version` holding the record's version when the page was drawn.
  The model's own `version` is never an input (organisations and programmes had it editable).
- On save, inside the admin's transaction, the form re-reads the stored version with the row locked
  (`select_for_update`; SQLite's IMMEDIATE transaction already holds the write lock), so nobody can
  change it before this save ends. When it is not the version the form showed, the form is refused:
  the page comes back (200) with the user's input, a non-field error naming the current version, and
  `seen_version` set to it, so saving again applies the change over the newer version on purpose.
- A save that goes through raises the version by one (in `form.save()`, before the admin's
  `save_model`). An admin whose `save_model` goes through a service passes
  `form.cleaned_data["seen_version"]` on as the service's `expected_version` instead.
- django-simple-history's "Revert" form works the same way: it shows the stored version (not the
  old copy's), runs in a transaction, and the revert raises the version.
"""

from __future__ import annotations

from functools import cache

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _

#: The hidden input that carries the version the form showed.
SEEN = "seen_version"
#: The model field.
VERSION = "version"

STALE = _(
    "Someone else changed this record (now version %(version)s) since you opened it. Your changes are "
    "kept below: review them and save again to apply them over the newer version."
)
UNSEEN = _(
    "This form did not say which version of the record it was made on (the record is now at version "
    "%(version)s). Review the values below and save again to apply them over that version."
)
GONE = _("Someone else deleted this record since you opened it: it cannot be saved.")


def has_version(model) -> bool:
    """Whether the model carries an optimistic-locking `version` field."""
    try:
        model._meta.get_field(VERSION)
    except FieldDoesNotExist:
        return False
    return True


class VersionedFormMixin:
    """The form half: the hidden version, the locked re-read and the check, the raised version."""

    #: The stored version read under the lock (None before `clean()`, or on an add form).
    locked_version: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance  # type: ignore[attr-defined]
        if not instance._state.adding and not self.is_bound:  # type: ignore[attr-defined]
            # The stored version, not the instance's: a history "Revert" form shows an old copy
            # (django-simple-history), and its save applies to the current version.
            stored = type(instance)._default_manager.filter(pk=instance.pk).values_list(VERSION, flat=True).first()
            self.fields[SEEN].initial = instance.version if stored is None else stored  # type: ignore[attr-defined]

    def clean(self):
        instance = self.instance  # type: ignore[attr-defined]
        if not instance._state.adding and instance.pk is not None:
            self._check_version(instance)
        return super().clean()  # type: ignore[misc]

    def _check_version(self, instance) -> None:
        model = type(instance)
        using = router.db_for_write(model, instance=instance)
        rows = model._default_manager.db_manager(using).filter(pk=instance.pk)
        if transaction.get_connection(using).in_atomic_block:  # the admin's views: always
            rows = rows.select_for_update()  # held until the save's transaction ends
        current = rows.values_list(VERSION, flat=True).first()
        if current is None:
            self.add_error(None, forms.ValidationError(GONE, code="gone"))  # type: ignore[attr-defined]
            return
        seen = self.cleaned_data.get(SEEN)  # type: ignore[attr-defined]
        if seen == current:
            self.locked_version = current
            return
        self.add_error(  # type: ignore[attr-defined]
            None,
            forms.ValidationError(UNSEEN if seen is None else STALE, code="stale_version", params={"version": current}),
        )
        # The page comes back with the user's input and the version it now shows: a second save
        # applies the change over the newer version, deliberately.
        data = self.data.copy()  # type: ignore[has-type]
        data[self.add_prefix(SEEN)] = str(current)  # type: ignore[attr-defined]
        self.data = data

    def save(self, commit: bool = True):
        if self.locked_version is not None:
            self.instance.version = self.locked_version + 1  # type: ignore[attr-defined]
        return super().save(commit)  # type: ignore[misc]


@cache
def versioned_form(base: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`base` with the hidden version and its check (one class per base form)."""

    class Versioned(VersionedFormMixin, base):  # type: ignore[valid-type, misc]
        seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    Versioned.__name__ = Versioned.__qualname__ = f"Versioned{base.__name__}"
    return Versioned


class VersionedAdminMixin:
    """Put first in a `ModelAdmin`'s bases: change forms carry and check the record's version."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)  # type: ignore[call-arg]
        if has_version(model):  # the admin's own form (HazardForm, ProgrammeForm, …) with the version
            self.form = versioned_form(self.form)  # type: ignore[has-type]

    def history_form_view(self, request, *args, **kwargs):
        """django-simple-history's "Revert" form, in a transaction like the change form (so the
        version's check holds its lock until the save): it saves an old copy over the current one."""
        with transaction.atomic(using=router.db_for_write(self.model)):  # type: ignore[attr-defined]
            return super().history_form_view(request, *args, **kwargs)  # type: ignore[misc]

    def get_exclude(self, request, obj=None):
        excluded = super().get_exclude(request, obj)  # type: ignore[misc]
        if not has_version(self.model):  # type: ignore[attr-defined]
            return excluded
        if excluded is None:  # ModelAdmin.get_form then reads the form's own Meta.exclude: keep it
            meta = getattr(self.form, "_meta", None)
            excluded = getattr(meta, "exclude", None) or ()
        return [*excluded, VERSION]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if has_version(self.model) and SEEN not in flatten_fieldsets(fieldsets):  # type: ignore[attr-defined]
            # Declared fieldsets leave the hidden input out: give it an invisible one of its own.
            fieldsets = [*fieldsets, (None, {"fields": [SEEN], "classes": ["hidden"]})]
        return fieldsets
