"""The officer's statutory notices in the admin: the council's notices, unsent first; the
recipient completed before posting; the letter printed without the admin around it; and
"mark sent by post on <date>", which starts the clock the notice starts."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.widgets import AdminDateInput
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views import snippets as snippet_views

from assets_register.acv import notices
from assets_register.acv.tasks import send_statutory_notices
from assets_register.core.permissions import (
    CouncilPermissionPolicy,
    CouncilScopedViewSet,
    council_scoped,
)
from assets_register.models import SentBy, StatutoryNotice

RECIPIENT_FIELDS = ("recipient_name", "recipient_address", "recipient_email")


class NoticePermissionPolicy(CouncilPermissionPolicy):
    """Notices come from the workflow, never typed in; one not yet sent may be deleted (an
    occupier who is also the owner), one sent is the record of what went."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.sent_on:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


register_permission_policy(StatutoryNotice, NoticePermissionPolicy(StatutoryNotice))


def letter_url(notice, action):
    return reverse(StatutoryNotice.snippet_viewset.get_url_name(action), args=[notice.pk])


class NoticeAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.sent_on:
            for name in RECIPIENT_FIELDS:
                self.fields[name].disabled = True


class LetterPanel(Panel):
    """Links to the printable letter and to marking it posted."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "assets_register/admin/notice_letter_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            notice = self.instance
            context.update(
                notice=notice,
                print_url=notice.pk and letter_url(notice, "print"),
                mark_sent_url=notice.pk and letter_url(notice, "mark_sent"),
            )
            return context


class NoticeDeleteView(snippet_views.DeleteView):
    def get_object(self, queryset=None):
        notice = super().get_object(queryset)
        if notice.sent_on:
            raise PermissionDenied  # what was sent is the record of it
        return notice


class NoticeIndexView(snippet_views.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.sent_on:
            delete_url = self.get_delete_url(instance)
            buttons = [button for button in buttons if button.url != delete_url]
        buttons.append(
            MenuItem("Print letter", letter_url(instance, "print"), icon_name="doc-full")
        )
        if not instance.sent_on:
            buttons.append(
                MenuItem("Mark sent by post", letter_url(instance, "mark_sent"), icon_name="mail")
            )
        return buttons


class MarkSentForm(forms.Form):
    sent_on = forms.DateField(label="Posted on", widget=AdminDateInput)


class StatutoryNoticeViewSet(CouncilScopedViewSet):
    model = StatutoryNotice
    icon = "mail"
    menu_label = "Statutory notices"
    index_view_class = NoticeIndexView
    delete_view_class = council_scoped(NoticeDeleteView)
    list_display = ["__str__", "place_name", "council", "created_at", "sent_on", "sent_by"]
    list_filter = ["kind", "recipient_role", "sent_by"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel(name) for name in RECIPIENT_FIELDS],
                heading="Recipient (private: never published)",
                help_text="Complete the name and postal address before posting. With an email "
                "address the notice is emailed, once.",
            ),
            MultiFieldPanel(
                [LetterPanel(), FieldPanel("subject", read_only=True)],
                heading="The letter, as made",
            ),
            FieldPanel("body", read_only=True),
            FieldRowPanel(
                [FieldPanel("sent_on", read_only=True), FieldPanel("sent_by", read_only=True)]
            ),
        ],
        base_form_class=NoticeAdminForm,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "council",
                "nomination__asset",
                "list_entry__asset",
                "disposal_notice__entry__asset",
                "review__entry__asset",
            )
            .unsent_first()
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("print/<int:pk>/", self.print_view, name="print"),
            path("mark-sent/<int:pk>/", self.mark_sent_view, name="mark_sent"),
        ]

    def _notice(self, request, pk, action):
        notice = get_object_or_404(StatutoryNotice.objects.select_related("council"), pk=pk)
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, action, notice
        ):
            raise PermissionDenied
        return notice

    def print_view(self, request, pk):
        notice = self._notice(request, pk, "view")
        context = notices.letter_context(notice)
        context.update(
            mark_sent_url=letter_url(notice, "mark_sent"),
            back_url=reverse(self.get_url_name("list")),
        )
        return render(request, "assets_register/notices/letter.html", context)

    def mark_sent_view(self, request, pk):
        notice = self._notice(request, pk, "change")
        form = MarkSentForm(request.POST or None, initial={"sent_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                notices.mark_sent(notice, form.cleaned_data["sent_on"], SentBy.POST)
            except ValidationError as error:
                form.add_error("sent_on", error.messages)
            else:
                messages.success(
                    request, f"{notice} marked sent by post on {notice.sent_on:%-d %B %Y}."
                )
                return redirect(self.get_url_name("list"))
        return render(
            request,
            "assets_register/admin/notice_mark_sent.html",
            {"notice": notice, "form": form, "print_url": letter_url(notice, "print")},
        )


@hooks.register("after_edit_snippet")
def after_recipient_completed(request, instance):
    """An email address added to a notice not yet sent: it goes, once, after the commit."""
    if isinstance(instance, StatutoryNotice) and instance.recipient_email and not instance.sent_on:
        transaction.on_commit(send_statutory_notices.enqueue)
