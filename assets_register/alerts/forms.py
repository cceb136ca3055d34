from django import forms
from django.urls import reverse
from django.utils.html import format_html

from assets_register.core.emails import EmailAddressField
from assets_register.core.postcodes import Postcode
from assets_register.core.spam import honeypot_filled
from assets_register.geo.lookup import locate_postcode
from assets_register.models import RADIUS_KM_RANGE, Area, AreaKind, Asset, Subscription

TOPIC_FIELDS = [
    "wants_closures",
    "wants_acv",
    "wants_disposals",
    "wants_expiries",
    "wants_new_places",
]


class SubscriptionChoicesForm(forms.ModelForm):
    """What to hear about and how often: shared by subscribing and managing."""

    class Meta:
        model = Subscription
        fields = [*TOPIC_FIELDS, "frequency"]
        widgets = {"frequency": forms.RadioSelect}
        labels = {"frequency": "How often"}

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in TOPIC_FIELDS):
            raise forms.ValidationError("Choose at least one kind of news.")
        return cleaned


class AlertsListForm(forms.Form):
    email = EmailAddressField(
        label="Your email address", help_text="We send a link to a page with all your alerts."
    )


class SubscribeForm(SubscriptionChoicesForm):
    """Anyone may subscribe to a council, a ward, one asset, or a circle round a postcode.
    `website` is a honeypot: hidden from people, filled in by robots."""

    area = forms.CharField(required=False, widget=forms.HiddenInput)
    asset = forms.IntegerField(required=False, widget=forms.HiddenInput)
    postcode = forms.CharField(required=False, max_length=10, label="Postcode")
    radius_km = forms.FloatField(
        required=False,
        min_value=RADIUS_KM_RANGE[0],
        max_value=RADIUS_KM_RANGE[1],
        label="Distance round it, in kilometres",
        initial=2,
        help_text=f"From {RADIUS_KM_RANGE[0]:g} to {RADIUS_KM_RANGE[1]:g} km.",
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta(SubscriptionChoicesForm.Meta):
        fields = ["email", *SubscriptionChoicesForm.Meta.fields]
        labels = {**SubscriptionChoicesForm.Meta.labels, "email": "Your email address"}
        help_texts = {"email": "We send a link to confirm it. We never publish it or share it."}
        field_classes = {"email": EmailAddressField}

    def clean_area(self):
        code = self.cleaned_data["area"].strip()
        if not code:
            return None
        area = Area.objects.by_code(code, kinds=[AreaKind.COUNCIL, AreaKind.WARD])
        if area is None:
            raise forms.ValidationError("We do not know that council or ward.")
        return area

    def clean_asset(self):
        pk = self.cleaned_data["asset"]
        if pk is None:
            return None
        asset = Asset.objects.live().filter(pk=pk).first()
        if asset is None:
            raise forms.ValidationError("We do not know that place.")
        return asset

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("area") and cleaned.get("asset"):  # a subscription has one scope
            raise forms.ValidationError("Choose a council or ward, or one place: not both.")
        if cleaned.get("area") or cleaned.get("asset"):
            return cleaned
        postcode = Postcode.parse_or_none(cleaned.get("postcode") or "")
        if postcode is None:
            self.add_error("postcode", "Enter a postcode, like DH7 6LQ.")
            return cleaned
        found = locate_postcode(postcode)
        if found is None:
            self.add_error("postcode", not_covered(postcode))
            return cleaned
        if cleaned.get("radius_km") is None and "radius_km" not in self.errors:
            self.add_error("radius_km", "Choose a distance from 0.5 to 20 km.")
        cleaned["postcode"], cleaned["point"] = found.postcode, (found.latitude, found.longitude)
        return cleaned

    @property
    def is_spam(self):
        return honeypot_filled(self)

    def subscription(self):
        """The (unsaved, unconfirmed) subscription this form describes."""
        subscription = self.save(commit=False)
        data = self.cleaned_data
        subscription.area, subscription.asset = data.get("area"), data.get("asset")
        if not (subscription.area or subscription.asset):
            subscription.postcode = data["postcode"]
            subscription.latitude, subscription.longitude = data["point"]
            subscription.radius_km = data["radius_km"]
        return subscription


def not_covered(postcode):
    """A well-formed postcode the register has no data for is not wrong, only not covered."""
    return format_html(
        '{} is not covered yet. <a href="{}">See which councils the register covers</a>.',
        postcode.with_space,
        reverse("about_coverage"),
    )
