from wagtail.admin.forms import WagtailAdminModelForm

from .models import Area, AreaKind, DisposalNotice, PostcodeLocation
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
        for form in self.formsets["bidder_requests"].forms:
            data = getattr(form, "cleaned_data", {})
            if data.get("received_on") and not data.get("DELETE"):
                problem = notice.bid_window_problem(data["received_on"])
                if problem:
                    form.add_error("received_on", problem)
                    valid = False
        return valid
