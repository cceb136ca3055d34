import uuid

from django import forms
from django.utils.text import format_lazy

from assets_register.core.spam import honeypot_filled
from assets_register.models import Clock, Nomination, period_words_lazy


class NominationForm(forms.ModelForm):
    """What Regulation 6 asks of a nomination, in the order a volunteer thinks of it.
    Eligibility is the model's rule (Nomination.clean). `website` is a honeypot:
    hidden from people, filled in by spam robots. `submission_token` makes sending the
    same page twice make one nomination."""

    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # A fresh one on every page shown; kept when the page comes back with errors.
    submission_token = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput, initial=uuid.uuid4
    )

    class Meta:
        model = Nomination
        fields = [
            "land_name",
            "land_address",
            "land_description",
            "occupants",
            "owners",
            "current_use",
            "future_use",
            "body_name",
            "body_type",
            "body_number",
            "members_on_roll",
            "distributes_surplus",
            "local_connection",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        labels = {
            "land_name": "Name of the place",
            "land_description": "Describe the land and where its boundary runs",
            "current_use": "How does it serve the community now, or in the recent past?",
            "future_use": format_lazy(
                "Why can that use realistically continue, or start again within {}?",
                period_words_lazy(Clock.FUTURE_USE),
            ),
            "body_type": "What kind of group is nominating?",
            "members_on_roll": "Members on the electoral roll here or in a neighbouring area",
            "distributes_surplus": "The group shares any profit or surplus with its members",
            "local_connection": "How is the group connected to the area?",
            "contact_name": "Your name",
            "contact_email": "Your email address",
            "contact_phone": "Your phone number (optional)",
        }
        help_texts = {
            "occupants": "Who uses or occupies it now, as far as you know.",
            "members_on_roll": "Only for an unincorporated group: it needs at least 21.",
            "contact_email": "We send your receipt here. We never publish your contact details.",
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "land_address",
                "land_description",
                "occupants",
                "owners",
                "current_use",
                "future_use",
                "local_connection",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Nomination.REGULATION_6_FIELDS:
            self.fields[name].required = True

    def clean_submission_token(self):
        """The page's token, or None for a page without one (or a mangled one): such a
        page is simply not recognised if sent again."""
        return parse_submission_token(self.cleaned_data["submission_token"])

    @property
    def is_spam(self):
        return honeypot_filled(self)


def parse_submission_token(value):
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        return None
