from wagtail.admin.forms import WagtailAdminModelForm

from .models import Area, AreaKind, DisposalNotice, ListEntry, PostcodeLocation, ReportStatus
from .permissions import councils_of
from .postcodes import Postcode
from .spatial import current_area_index


class AssetAdminForm(WagtailAdminModelForm):
    """Stops council staff from placing a record in another council's area."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "for_user", None)
        councils = councils_of(user) if user else None
        if councils is None or self.errors:
            return cleaned
        council_id = self._council_of(cleaned)
        if council_id not in councils:
            names = ", ".join(Area.objects.filter(pk__in=councils).values_list("name", flat=True))
            self.add_error(
                None,
                f"You can add and edit places in {names or 'no council yet'} only; "
                "this place is outside it (check the pin or the postcode).",
            )
        return cleaned

    @staticmethod
    def _council_of(cleaned):
        point = None
        if cleaned.get("latitude") is not None and cleaned.get("longitude") is not None:
            point = (cleaned["longitude"], cleaned["latitude"])
        else:
            postcode = Postcode.parse_or_none(cleaned.get("postcode") or "")
            row = postcode and PostcodeLocation.objects.filter(postcode=postcode.with_space).first()
            point = row and (row.longitude, row.latitude)
        return current_area_index().locate(*point)[AreaKind.COUNCIL] if point else None


def _add_formset_problems(formset, field, problem_of):
    """Check each live row of an inline formset; True when all pass."""
    valid = True
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {})
        if data.get(field) and not data.get("DELETE"):
            problem = problem_of(data[field])
            if problem:
                form.add_error(field, problem)
                valid = False
    return valid


class ListEntryAdminForm(WagtailAdminModelForm):
    """Council staff keep entries on their own council's list; owners' reviews are checked
    against the notice of listing typed in the same form."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "for_user", None)
        councils = councils_of(user) if user else None
        council = cleaned.get("council")
        if councils is not None and council is not None and council.pk not in councils:
            self.add_error("council", "You can keep entries on your own council's list only.")
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        if not hasattr(self, "cleaned_data"):
            return valid
        entry = ListEntry(owner_notified_on=self.cleaned_data.get("owner_notified_on"))
        return _add_formset_problems(self.formsets["reviews"], "requested_on",
                                     entry.review_request_problem) and valid


class DisposalNoticeAdminForm(WagtailAdminModelForm):
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
        notice = DisposalNotice(received_on=received_on)
        return _add_formset_problems(self.formsets["bidder_requests"], "received_on",
                                     notice.bid_window_problem) and valid


class ReportAdminForm(WagtailAdminModelForm):
    """A moderator decides once: pending, or accept, merge or reject."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        status.choices = [(value, label) for value, label in status.choices
                          if value != ReportStatus.UNCONFIRMED]
        if self.instance.moderated_at:
            for name in ("status", "duplicate_of", "rejection_reason"):
                self.fields[name].disabled = True
