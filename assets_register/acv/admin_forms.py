"""ACV forms in the admin: entries and notices stay on the officer's council's list, and
inline rows (reviews, requests to bid) are checked against the dates typed above them. A
form saved from a page older than the record is refused (core/optimistic_locking.py)."""

from wagtail.admin.forms import WagtailAdminModelForm

from assets_register.core.optimistic_locking import RefusesStaleForm
from assets_register.core.permissions import councils_of
from assets_register.models import DisposalNotice, ListEntry


def _add_formset_problems(formset, field, problem_of):
    """Check each live row of an inline formset; True when all pass. problem_of takes the
    field's value and the row's cleaned data."""
    valid = True
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {})
        if data.get(field) and not data.get("DELETE"):
            problem = problem_of(data[field], data)
            if problem:
                form.add_error(field, problem)
                valid = False
    return valid


def _live_values(formset, field):
    """The field's value in each row of an inline formset that is not being deleted."""
    return [
        form.cleaned_data[field]
        for form in formset.forms
        if getattr(form, "cleaned_data", {}).get(field) and not form.cleaned_data.get("DELETE")
    ]


class OwnCouncilForm(RefusesStaleForm, WagtailAdminModelForm):
    """Council staff write only their own council's records, about places in their own
    council: both the record's council and its place's council are checked."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "for_user", None)
        councils = councils_of(user) if user else None
        if councils is None:
            return cleaned
        council, asset = cleaned.get("council"), cleaned.get("asset")
        if council is not None and council.pk not in councils:
            self.add_error("council", "You can keep your own council's records only.")
        if asset is not None and asset.council_id is not None and asset.council_id not in councils:
            self.add_error("asset", "This place is in another council's area.")
        return cleaned


class NominationAdminForm(OwnCouncilForm):
    """Nominations for the officer's own council, about places in it."""


class ListEntryAdminForm(OwnCouncilForm):
    """Council staff keep entries on their own council's list; owners' reviews are checked
    against the notice of listing typed in the same form."""

    def is_valid(self):
        valid = super().is_valid()
        if not hasattr(self, "cleaned_data"):
            return valid
        entry = ListEntry(owner_notified_on=self.cleaned_data.get("owner_notified_on"))
        return (
            _add_formset_problems(
                self.formsets["reviews"],
                "requested_on",
                lambda day, row: entry.review_request_problem(day, row.get("late_request_allowed")),
            )
            and valid
        )


class DisposalNoticeAdminForm(RefusesStaleForm, WagtailAdminModelForm):
    """Council staff record notices only against their own council's list entries."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "for_user", None)
        councils = councils_of(user) if user else None
        entry = cleaned.get("entry")
        if councils is not None and entry is not None and entry.council_id not in councils:
            self.add_error("entry", "This place is on another council's list.")
        return cleaned

    def is_valid(self):
        """Also check each request to bid against the notice's window, which the requests
        cannot do themselves before the notice is saved."""
        valid = super().is_valid()
        received_on = self.cleaned_data.get("received_on") if valid else None
        if received_on is None:
            return valid
        requests, purchases = self.formsets["bidder_requests"], self.formsets["purchases"]
        notice = DisposalNotice(received_on=received_on)
        valid = (
            _add_formset_problems(
                requests, "received_on", lambda day, row: notice.bid_window_problem(day)
            )
            and _add_formset_problems(
                purchases,
                "registered_on",
                lambda day, row: notice.bid_window_problem(day, to_buy=True),
            )
            and valid
        )
        # The model checks a sale against saved requests; here, against the typed ones too.
        request_days = _live_values(requests, "received_on") + _live_values(
            purchases, "registered_on"
        )
        problem = valid and self.instance.sale_problem(request_days)
        for field, message in (problem or {}).items():
            self.add_error(field, message)
        return valid and not problem
