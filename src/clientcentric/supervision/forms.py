from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clientcentric.core import formats

from .models import PretrialAppeal
from .selectors import consultations as consultation_selectors

MODES = {
    "visit": _("in person"),
    "phone": _("by phone"),
    "video": _("by video (a link comes with the booking)"),
}


class CorrectionForm(forms.Form):
    fact = forms.ChoiceField(label=_("Fact"))
    value = forms.CharField(label=_("Correct value"), max_length=300)
    explanation = forms.CharField(
        label=_("Where the value comes from"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, facts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = list(facts)


class ConsultationForm(forms.Form):
    requirement = forms.TypedChoiceField(label=_("Requirement"), coerce=int)
    question = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}))
    slot = forms.ChoiceField(label=_("Time (the body's office hours, its local time)"))
    mode = forms.ChoiceField(label=_("How"), widget=forms.RadioSelect)

    def __init__(self, *args, requirements=(), control_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [
            (r.pk, f"{r.act.short_title}, {r.label}: {r.text[:90]}") for r in requirements
        ]
        free = consultation_selectors.free_slots(control_type) if control_type is not None else []
        zone = control_type.agency.time_zone if control_type is not None else None
        self.fields["slot"].choices = [("", _("— choose a free time —"))] + [
            (moment.isoformat(), formats.datetime(moment, zone=zone)) for moment in free
        ]
        offered = consultation_selectors.offered_channels(control_type) if control_type is not None else []
        self.fields["mode"].choices = [(code, MODES[code]) for code in offered if code in MODES]

    def clean_slot(self):
        return datetime.fromisoformat(self.cleaned_data["slot"])


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 4}))


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Representative's full name"), max_length=300)
    basis = forms.CharField(label=_("Power of attorney or other authority"), max_length=300)


class RescheduleForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    proposed_on = forms.DateField(label=_("Proposed start"), widget=forms.DateInput(attrs={"type": "date"}))


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))


class AppealForm(forms.Form):
    subject = forms.ChoiceField(label=_("What you appeal"), choices=PretrialAppeal.Subject.choices)
    learned_on = forms.DateField(
        label=_("When you learned of the violation of your rights"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(label=_("Your appeal"), widget=forms.Textarea(attrs={"rows": 4}))
    restoration_reason = forms.CharField(
        label=_("If the deadline is missed: why (a request to restore it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OmbudsmanForm(forms.Form):
    text = forms.CharField(
        label=_("What the business ombudsman should look at"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        # The event page also shows the appeal form, whose field is named `text` too: ids must differ so that
        # each label points at its own box.
        kwargs.setdefault("auto_id", "id_ombudsman_%s")
        super().__init__(*args, **kwargs)


class WarningForm(forms.Form):
    control_type = forms.TypedChoiceField(label=_("Type of control"), coerce=int)
    inn = forms.CharField(label=_("INN of the business"), max_length=12)
    requirement = forms.IntegerField(label=_("Requirement (id)"))
    information = forms.CharField(
        label=_("Information the warning is based on"), widget=forms.Textarea(attrs={"rows": 2})
    )
    information_received_on = forms.DateField(
        label=_("Information received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    risky_actions = forms.CharField(
        label=_("Actions that may violate the requirement"), widget=forms.Textarea(attrs={"rows": 2})
    )
    proposal = forms.CharField(label=_("Proposal to take measures"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control_type"].choices = [(t.pk, t.title) for t in types]


class PlanForm(forms.Form):
    control_type = forms.TypedChoiceField(label=_("Type of control"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2024, max_value=2100)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control_type"].choices = [(t.pk, t.title) for t in types]


class IncentiveForm(forms.Form):
    control_type = forms.TypedChoiceField(label=_("Type of control"), coerce=int)
    inn = forms.CharField(label=_("INN of the business"), max_length=12)
    kind = forms.ChoiceField(label=_("Incentive"))
    reason = forms.CharField(label=_("Why it is granted"), widget=forms.Textarea(attrs={"rows": 3}))
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, types=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control_type"].choices = [(t.pk, t.title) for t in types]
        self.fields["kind"].choices = list(kinds)


class AnnualDocumentForm(forms.Form):
    document = forms.ChoiceField(
        label=_("Document"),
        choices=[
            ("programme", _("prevention programme")),
            ("practice", _("law-enforcement practice summary")),
        ],
    )
    control_type = forms.TypedChoiceField(label=_("Type of control"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control_type"].choices = [(t.pk, t.title) for t in types]


class ProgrammeForm(forms.Form):
    text = forms.CharField(
        label=_("Analysis of the current state and the goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    targets = forms.CharField(
        label=_("Target indicators, one a line"), widget=forms.Textarea(attrs={"rows": 5})
    )


class SummaryForm(forms.Form):
    text = forms.CharField(label=_("The body's conclusions"), widget=forms.Textarea(attrs={"rows": 8}))


class AppealLinkForm(forms.Form):
    number = forms.CharField(label=_("Appeal number"), max_length=20)
    inn = forms.CharField(label=_("INN of the business"), max_length=12)
    note = forms.CharField(label=_("Why it is about this business"), max_length=500)
