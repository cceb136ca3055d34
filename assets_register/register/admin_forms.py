"""The place form in the admin: council staff cannot put a place in another council."""

from wagtail.admin.forms import WagtailAdminModelForm

from assets_register.core.permissions import councils_of
from assets_register.core.postcodes import Postcode
from assets_register.geo.spatial import current_area_index
from assets_register.models import Area, AreaKind, PostcodeLocation


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
