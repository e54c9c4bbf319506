from django import forms
from django.utils.translation import gettext_lazy as _

from .instrument import BARRIERS, DRIVERS, LOYALTY_CODES
from .services import MAX_COMMENT, Rating

SATISFACTION = [(i, str(i)) for i in range(1, 6)]
EFFORT = [(i, str(i)) for i in range(1, 8)]
RECOMMEND = [(i, str(i)) for i in range(0, 11)]
TEN = [(i, str(i)) for i in range(1, 11)]


def _optional_scale(label, choices):
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, widget=forms.RadioSelect, required=False, empty_value=None
    )


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with how you were served?"),
        choices=SATISFACTION,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Rate how satisfied you are, from 1 to 5.")},
    )
    effort = forms.TypedChoiceField(
        label=_("It was easy to get the service"),
        choices=EFFORT,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    trust = forms.TypedChoiceField(
        label=_("After this contact I trust the authority more"),
        choices=SATISFACTION,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    need_met = forms.TypedChoiceField(
        label=_("Did you get what you came for?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    recommend = _optional_scale(
        _("How likely are you to advise people you know to get this service the way you did?"), RECOMMEND
    )
    acsi_satisfaction = _optional_scale(_("Overall, how satisfied are you with this service?"), TEN)
    acsi_expectations = _optional_scale(_("How much worse or better than you expected was the service?"), TEN)
    acsi_ideal = _optional_scale(_("How close is this service to the ideal one you imagine?"), TEN)
    went_well = forms.MultipleChoiceField(
        label=_("What went well?"), choices=DRIVERS, widget=forms.CheckboxSelectMultiple, required=False
    )
    got_in_way = forms.MultipleChoiceField(
        label=_("What got in the way?"), choices=BARRIERS, widget=forms.CheckboxSelectMultiple, required=False
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_COMMENT,
        required=False,
    )

    def __init__(self, *args, loyalty: bool = False, **kwargs):
        """`loyalty`: the end point is one where the instrument asks the loyalty questions (asks_loyalty)."""
        super().__init__(*args, **kwargs)
        if not loyalty:
            for code in LOYALTY_CODES:
                del self.fields[code]

    def rating(self) -> Rating:
        return Rating(**self.cleaned_data)


class WidgetForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How do you like this page?"),
        choices=SATISFACTION,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Rate how satisfied you are, from 1 to 5.")},
    )
    comment = forms.CharField(label=_("Comment"), max_length=MAX_COMMENT, required=False)
    page = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)


class CloseFollowUpForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done for the client"), widget=forms.Textarea(attrs={"rows": 2})
    )
