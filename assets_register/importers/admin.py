"""The admin screen for importing a council spreadsheet: upload, see what a dry run would
create, update and reject row by row, then import for real. Same importers as the
commands; the upload waits in private storage between the two steps."""

import uuid
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from assets_register.alerts.tasks import deliver_alerts
from assets_register.core.permissions import EVERY_COUNCIL, councils_of
from assets_register.core.tokens import sign, unsign
from assets_register.importers.acv_register import ACVRegisterImporter
from assets_register.importers.base import ImportFileError
from assets_register.importers.generic_csv import GenericAssetCsvImporter
from assets_register.indicators.schedule import request_recompute
from assets_register.models import Area

UPLOAD_SALT = "admin-import"
UPLOAD_MAX_AGE = 3600
ALLOWED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportKind:
    ACV = "acv"
    ASSETS = "assets"
    CHOICES = [
        (ACV, "The council's list of assets of community value (and unsuccessful nominations)"),
        (ASSETS, "Places, in the register's own columns (every council's editors only)"),
    ]


def can_import(user):
    return user.has_perm("assets_register.change_listentry") or user.has_perm(
        "assets_register.change_asset"
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=ImportKind.CHOICES,
        widget=forms.RadioSelect,
        initial=ImportKind.ACV,
    )
    council = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        help_text="Whose list it is (for a list of assets of community value).",
    )
    file = forms.FileField(help_text="CSV, TSV or XLSX, up to 50 MB.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        councils = Area.objects.councils().current().order_by("name")
        allowed = councils_of(user)
        if allowed is not None:
            councils = councils.filter(pk__in=allowed)
        self.fields["council"].queryset = councils

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError("Upload a CSV, TSV or XLSX file.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        return upload

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ImportKind.ACV and not cleaned.get("council"):
            self.add_error("council", "Choose the council whose list this is.")
        if kind == ImportKind.ASSETS and not (
            self.user.is_superuser or self.user.has_perm(EVERY_COUNCIL)
        ):
            self.add_error(
                "kind",
                "Importing places can touch any council's records, so it "
                "is open only to editors of every council.",
            )
        return cleaned


def _importer(plan, file, dry_run, user):
    if plan["kind"] == ImportKind.ACV:
        council = Area.objects.get(pk=plan["council"])
        return ACVRegisterImporter(
            file, council=council, editor_councils=councils_of(user), dry_run=dry_run
        )
    return GenericAssetCsvImporter(
        file, source_name=Path(plan["original"]).stem[:50], dry_run=dry_run
    )


def _run(plan, dry_run, user):
    """(report, row lines) for the stored upload; an unreadable file is a report of one
    problem rather than an error page."""
    storage = storages["private"]
    with storage.open(plan["stored"], "rb") as file:
        file.name = plan["original"]  # the importers read the format from the name
        try:
            # The importer's own transaction covers its writes only (importers/base.py).
            importer = _importer(plan, file, dry_run, user)
            report = importer.run()
        except ImportFileError as error:
            return None, [str(error)]
    lines = importer.row_lines(written=not dry_run) if hasattr(importer, "row_lines") else []
    if not dry_run and (report.created or report.updated):
        request_recompute()
        transaction.on_commit(deliver_alerts.enqueue)
    return report, lines


def import_view(request):
    if not can_import(request.user):
        raise PermissionDenied
    if request.method == "POST" and "plan" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = storages["private"].save(
            f"imports/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload
        )
        plan = {
            "kind": form.cleaned_data["kind"],
            "stored": stored,
            "original": upload.name,
            "council": getattr(form.cleaned_data.get("council"), "pk", None),
            "user": request.user.pk,
        }
        report, lines = _run(plan, dry_run=True, user=request.user)
        return render(
            request,
            "assets_register/admin/import.html",
            {
                "step": "preview",
                "report": report,
                "lines": lines,
                "plan": plan,
                "token": sign(plan, UPLOAD_SALT),
            },
        )
    return render(request, "assets_register/admin/import.html", {"step": "upload", "form": form})


def _confirm(request):
    plan = unsign(request.POST.get("plan", ""), UPLOAD_SALT, UPLOAD_MAX_AGE)
    if plan is None:
        return redirect("register_import")
    allowed = councils_of(request.user)
    if plan["user"] != request.user.pk or (
        plan["council"] and allowed is not None and plan["council"] not in allowed
    ):
        raise PermissionDenied
    report, lines = _run(plan, dry_run=False, user=request.user)
    storages["private"].delete(plan["stored"])
    return render(
        request,
        "assets_register/admin/import.html",
        {"step": "done", "report": report, "lines": lines, "plan": plan},
    )


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("register/import/", import_view, name="register_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_register_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        "Import a spreadsheet", reverse("register_import"), icon_name="upload", order=900
    )
