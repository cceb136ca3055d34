"""Optimistic locking: a record saved from a page opened before someone else saved it is
refused with a message, never silently written over the other person's change.

A versioned record carries a `version` that every save moves on by one, in an UPDATE that
also checks the row still has the version the saver read:

    UPDATE … SET version = version + 1 WHERE id = … AND version = <the version read>

Of two saves of one version exactly one matches; the other raises StaleEdit and its
transaction rolls back. (On PostgreSQL the second UPDATE waits for the first's row lock,
then matches nothing; on SQLite writers take turns.) Every path that saves an instance is
covered: admin forms, workflows, imports. Queryset .update() calls are not: they change
what no form shows.

The edit view reads the record afresh when a form is posted, so the version the person
saw travels with the page: RefusesStaleForm adds it as a hidden field and puts it back on
the instance, and RefusesStaleEditView turns a StaleEdit raised while saving into the same
message on the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils import timezone

from wagtail.models import ModelLogEntry


class StaleEdit(ValidationError):
    """The record changed after the saver read it. A ValidationError, so that every path
    that shows a person why a save failed shows this too."""

    def __init__(self, instance):
        super().__init__(stale_edit_message(instance), code="stale_edit")


def stale_edit_message(instance):
    name = instance._meta.verbose_name
    last = (
        ModelLogEntry.objects.for_instance(instance)
        .select_related("user")
        .order_by("-timestamp", "-pk")
        .first()
    )
    saved_by = (
        f" (last saved by {last.user_display_name} at "
        f"{timezone.localtime(last.timestamp):%H:%M on %-d %B %Y})"
        if last
        else ""
    )
    return (
        f"This {name} was changed after you opened it{saved_by}. Your changes have not been "
        f"saved: open the {name} again to see the current version, then make your change."
    )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Moves on by one at every save: a save from an older version is refused.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        read = self.version
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            moved_on = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk, version=read)
                .update(version=read + 1)
            )
            if not moved_on:
                raise StaleEdit(self)
            self.version = read + 1
            try:
                return super().save(*args, **kwargs)
            except BaseException:
                self.version = read
                raise


class RefusesStaleForm:
    """For admin model forms of a VersionedModel: the page carries the version it showed,
    and a save from an older version is refused with the message above."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.instance, VersionedModel) and self.instance.pk:
            self.fields["loaded_version"] = forms.IntegerField(
                required=False,  # a page rendered before versions existed: nothing to check
                min_value=0,
                widget=forms.HiddenInput,
                initial=self.instance.version,
            )

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if loaded is not None:
            if loaded != self.instance.version:
                raise StaleEdit(self.instance)
            self.instance.version = loaded  # what the save checks against
        return cleaned


class RefusesStaleEditView:
    """For admin edit views: someone else's save between this form's checks and its own
    save (StaleEdit from VersionedModel.save) is shown on the form like any other error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except StaleEdit as stale:
            form.add_error(None, stale)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
