"""The admin screen for inviting a council officer, for those who may add council staff
(site editors and superusers), for the councils they keep."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from assets_register.core.permissions import councils_of
from assets_register.models import Area
from assets_register.staff.invitations import invite_officer

INVITE_PERMISSION = "assets_register.add_councilstaff"


def can_invite(user):
    return user.has_perm(INVITE_PERMISSION)


class InviteOfficerForm(forms.Form):
    email = forms.EmailField(help_text="Their work address: the invitation goes there.")
    council = forms.ModelChoiceField(queryset=Area.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        councils = Area.objects.councils().current().order_by("name")
        allowed = councils_of(user)
        if allowed is not None:
            councils = councils.filter(pk__in=allowed)
        self.fields["council"].queryset = councils


def invite_view(request):
    if not can_invite(request.user):
        raise PermissionDenied
    form = InviteOfficerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        council = form.cleaned_data["council"]
        user = invite_officer(form.cleaned_data["email"], council)
        messages.success(
            request,
            f"{user.email} is now an officer of {council.name}; the invitation is on its way.",
        )
        return redirect("staff_invite_officer")
    return render(request, "assets_register/admin/invite_officer.html", {"form": form})


@hooks.register("register_admin_urls")
def register_invite_url():
    return [path("register/invite-officer/", invite_view, name="staff_invite_officer")]


class InviteMenuItem(MenuItem):
    def is_shown(self, request):
        return can_invite(request.user)


@hooks.register("register_register_menu_item")
def register_invite_menu_item():
    return InviteMenuItem(
        "Invite a council officer", reverse("staff_invite_officer"), icon_name="mail", order=910
    )
