from django import forms

from assets_register.core.emails import EmailAddressField
from assets_register.core.postcodes import Postcode
from assets_register.core.spam import honeypot_filled
from assets_register.models import Report, ReportKind
from assets_register.reports.photos import clean_photo


class ReportForm(forms.ModelForm):
    """A resident's news. `website` is a honeypot: hidden from people, filled by robots."""

    source_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="A link to where you saw it",
        help_text="A news story, an estate agent's listing or the council's notice, say.",
    )
    postcode = forms.CharField(required=False, max_length=20, label="Postcode")
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Report
        fields = [
            "kind",
            "place_name",
            "category",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "happened_on",
            "details",
            "source_url",
            "photo",
            "email",
        ]
        field_classes = {"email": EmailAddressField}
        widgets = {
            "kind": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 4}),
            "happened_on": forms.DateInput(attrs={"type": "date"}),
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "email": "We send a link to confirm your report. We never publish your address.",
            "photo": "A JPEG, PNG or WebP photo; we remove its location and camera details.",
            "details": "A moderator reads this before anything is published.",
        }

    def __init__(self, *args, asset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.asset = asset
        if asset:
            self.fields["kind"].choices = [
                (k.value, k.label) for k in ReportKind if k != ReportKind.MISSING
            ]
            for name in ("place_name", "category", "address", "postcode", "latitude", "longitude"):
                del self.fields[name]
        else:
            self.fields["kind"].choices = [(ReportKind.MISSING.value, ReportKind.MISSING.label)]
            self.fields["kind"].initial = ReportKind.MISSING
            self.fields["place_name"].required = True

    def clean_postcode(self):
        text = self.cleaned_data.get("postcode", "").strip()
        if not text:
            return ""
        postcode = Postcode.parse_or_none(text)
        if postcode is None:
            raise forms.ValidationError("That is not a UK postcode, like DH7 6LQ.")
        return postcode.with_space

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return clean_photo(photo) if photo else photo

    def _post_clean(self):
        if self.asset:
            self.instance.asset = self.asset
        super()._post_clean()

    @property
    def is_spam(self):
        return honeypot_filled(self)
