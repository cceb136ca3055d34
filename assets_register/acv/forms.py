import uuid

from django import forms
from django.utils.text import format_lazy

from assets_register.core.emails import EmailAddressField
from assets_register.core.spam import honeypot_filled
from assets_register.models import Clock, Nomination, StatutoryRegime, period_words_lazy


def community_value_question(regime: StatutoryRegime) -> str:
    """s.88 as the regime words it: social (and, from the 2026 Act, economic) wellbeing,
    now or in the past (which had to be 'recent' under the 2012 rules)."""
    wellbeing = (
        "social or economic wellbeing" if regime.rule("economic_wellbeing") else "social wellbeing"
    )
    past = "in the recent past" if regime.rule("past_use_must_be_recent") else "in the past"
    return f"How does it further the community's {wellbeing} or interests, now or {past}?"


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
            "is_sports_ground",
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
        field_classes = {"contact_email": EmailAddressField}
        labels = {
            "land_name": "Name of the place",
            "land_description": "Describe the land and where its boundary runs",
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
            "contact_phone": "Your phone number",
        }
        help_texts = {
            "occupants": "Who uses or occupies it now, as far as you know.",
            "members_on_roll": "Only for an unincorporated group: it needs at least 21.",
            "contact_email": "We send your receipt here. We never publish your contact details.",
            "is_sports_ground": "Tick if it is a sports ground: the law has a route of its own "
            "for them.",
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

    def __init__(self, *args, regime: StatutoryRegime, **kwargs):
        """Asks the questions of `regime`, the one in force the day the form is sent."""
        super().__init__(*args, **kwargs)
        for name in Nomination.REGULATION_6_FIELDS:
            self.fields[name].required = True
        self.fields["current_use"].label = community_value_question(regime)
        self.fields["current_use"].help_text = ""  # the question says it all
        if not regime.rule("sports_grounds_route"):
            del self.fields["is_sports_ground"]

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
