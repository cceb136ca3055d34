"""The place form in the admin: council staff cannot put a place in another council."""

from wagtail.admin.forms import WagtailAdminModelForm

from assets_register.core.permissions import councils_of
from assets_register.geo.lookup import council_at
from assets_register.models import Area


class AssetAdminForm(WagtailAdminModelForm):
    """Stops council staff from placing a record in another council's area."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "for_user", None)
        councils = councils_of(user) if user else None
        if councils is None or self.errors:
            return cleaned
        council_id = council_at(
            cleaned.get("latitude"), cleaned.get("longitude"), cleaned.get("postcode")
        )
        if council_id not in councils:
            names = ", ".join(Area.objects.filter(pk__in=councils).values_list("name", flat=True))
            self.add_error(
                None,
                f"You can add and edit places in {names or 'no council yet'} only; "
                "this place is outside it (check the pin or the postcode).",
            )
        return cleaned
