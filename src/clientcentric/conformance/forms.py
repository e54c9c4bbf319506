"""Forms of the self-assessment pages. They check the shape of the input; the rules live in services, whose
refusals are put back on the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .indicators import INDICATORS
from .models import Evidence, Result

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class AttestationForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[(value, label) for value, label in Result.choices if value != Result.NOT_ASSESSED],
    )
    statement = forms.CharField(label=_("How the agency conforms"), widget=TEXT, required=False)
    evidence_kind = forms.ChoiceField(
        label=_("Kind of evidence"), choices=Evidence.Kind.choices, required=False
    )
    evidence_title = forms.CharField(label=_("Evidence title"), max_length=300, required=False)
    evidence_url = forms.CharField(
        label=_("Evidence link"),
        max_length=500,
        required=False,
        help_text=_("An address on this site (/situations/…) or a full https:// address."),
    )
    gap = forms.CharField(label=_("Gap"), widget=TEXT, required=False)
    owner_role = forms.CharField(label=_("Responsible (position)"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Date to close the gap"), widget=DATE, required=False)

    def evidence(self) -> list[dict]:
        data = self.cleaned_data
        if not (data["evidence_title"] or data["evidence_url"]):
            return []
        return [{"kind": data["evidence_kind"], "title": data["evidence_title"], "url": data["evidence_url"]}]


class IndicatorForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    conforms_at = forms.FloatField(label=_("Conforms from"), help_text=_("A share is written 0.9 for 90 %."))
    partly_at = forms.FloatField(label=_("Partly conforms from"))
    gap = forms.CharField(label=_("Gap"), widget=TEXT, required=False)
    owner_role = forms.CharField(label=_("Responsible (position)"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Date to close the gap"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            (code, definition.title) for code, definition in sorted(INDICATORS.items())
        ]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Return for rework"))]
    )
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)


class DeviationForm(forms.Form):
    appeal_number = forms.CharField(label=_("Appeal number"), max_length=40, required=False)
    case = forms.CharField(label=_("The case"), widget=TEXT, required=False)
    client_need = forms.CharField(label=_("The client's need"), widget=TEXT, required=False)
    rule = forms.CharField(label=_("Rule departed from"), widget=TEXT, required=False)
    justification = forms.CharField(label=_("Justification"), widget=TEXT, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))]
    )
    note = forms.CharField(label=_("Reason for the decision"), widget=TEXT, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome for the client"), widget=TEXT, required=False)
    should_become_rule = forms.BooleanField(label=_("Should become the rule"), required=False)


class NeedCostForm(forms.Form):
    need = forms.IntegerField(widget=forms.HiddenInput)
    cost = forms.DecimalField(label=_("Cost estimate, roubles"), min_value=0, max_digits=14, decimal_places=0)
    note = forms.CharField(label=_("How the estimate was made"), max_length=500, required=False)
