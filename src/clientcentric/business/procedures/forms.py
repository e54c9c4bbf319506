from django import forms
from django.utils.translation import gettext_lazy as _

from ..models_procedures import CorruptionFactor, ExPostEvaluation, Position

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AnswerForm(forms.Form):
    position = forms.ChoiceField(label=_("Position of the developer"), choices=Position.choices)
    text = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExpertForm(forms.Form):
    full_name = forms.CharField(label=_("Full name or organisation"), max_length=300)
    accreditation_number = forms.CharField(
        label=_("Accreditation order number"),
        max_length=60,
        help_text=_("The number of the Ministry of Justice's order that accredited you."),
    )
    accredited_on = forms.DateField(label=_("Accredited on"), widget=DATE)
    valid_until = forms.DateField(label=_("Accreditation valid until"), widget=DATE)


class DecisionForm(forms.Form):
    verified = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[
            ("1", _("the accreditation is in the Ministry of Justice's register")),
            ("0", _("not confirmed")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason (when not confirmed)"), required=False, max_length=500)


class ConclusionForm(forms.Form):
    factors = forms.MultipleChoiceField(
        label=_("Corruption factors found"),
        choices=CorruptionFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None marked: the draft has no corruption factors in your view."),
    )
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 5}))
    proposals = forms.CharField(
        label=_("How to remove the factors"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class EvaluationStartForm(forms.Form):
    goals = forms.CharField(label=_("Goals of the regulation"), widget=forms.Textarea(attrs={"rows": 3}))
    period_from = forms.DateField(label=_("Evaluated period from"), widget=DATE)
    period_to = forms.DateField(label=_("Evaluated period to"), widget=DATE)


class EvaluationConcludeForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=ExPostEvaluation.Conclusion.choices)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
