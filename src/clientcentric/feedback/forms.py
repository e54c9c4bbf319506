from django import forms
from django.utils.translation import gettext_lazy as _

from .instrument import BARRIERS, DRIVERS
from .services import MAX_COMMENT, Rating

SATISFACTION = [(i, str(i)) for i in range(1, 6)]
EFFORT = [(i, str(i)) for i in range(1, 8)]


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
