from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from clientcentric.core import formats
from clientcentric.engines.rules.types import FactType
from clientcentric.registry.models import LifeSituation, Service, Touchpoint
from clientcentric.rules.facts.person import QUESTIONS, SCHEMA, FactValueError, parse_fact

from .models import Accessibility, ClientProfile, HouseholdMember, RefusalReason, Slot
from .validators import normalise_snils, validate_snils


class ProfileForm(forms.ModelForm):
    snils = forms.CharField(label=_("SNILS"), required=False, help_text=_("11 digits, e.g. 112-233-445 95"))
    languages = forms.CharField(
        label=_("Languages you speak"), required=False, help_text=_("Comma-separated")
    )
    accessibility_needs = forms.MultipleChoiceField(
        label=_("Accessibility needs"),
        choices=Accessibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_touchpoints = forms.ModelMultipleChoiceField(
        label=_("Preferred touchpoints"),
        queryset=Touchpoint.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ClientProfile
        fields = (
            "citizenship",
            "birth_date",
            "snils",
            "languages",
            "interpreter_language",
            "accessibility_needs",
            "preferred_touchpoints",
            "income_monthly",
            "disability",
            "unemployed",
            "student",
            "occupancy",
            "postal_code",
        )
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages)
            self.initial["snils"] = self.instance.snils_display
            self.initial["preferred_touchpoints"] = list(self.instance.preferred_touchpoints.all())

    def clean_snils(self):
        value = normalise_snils(self.cleaned_data["snils"])
        if value:
            validate_snils(value)
            taken = ClientProfile.objects.filter(snils=value).exclude(pk=self.instance.pk).exists()
            if taken:
                raise forms.ValidationError(_t("This SNILS belongs to another client profile."))
        return value or None

    def clean_languages(self):
        return [p.strip() for p in self.cleaned_data["languages"].split(",") if p.strip()][:10]


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ("name", "relation", "birth_date", "income_monthly", "disability")
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}


class ConsentForm(forms.Form):
    life_situation = forms.ModelChoiceField(
        label=_("All services of a life situation"), queryset=LifeSituation.objects.all(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Or one service"), queryset=Service.objects.all(), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("life_situation")) == bool(cleaned.get("service")):
            raise forms.ValidationError(_t("Choose either a life situation or one service."))
        return cleaned


class SituationForm(forms.Form):
    life_situation = forms.ModelChoiceField(label=_("Life situation"), queryset=LifeSituation.objects.all())
    consent = forms.BooleanField(
        label=_("Check my eligibility for every service of this situation and offer what fits (consent)"),
        required=False,
    )


def _fact_field(name: str) -> forms.Field:
    """A question in the form its answer takes: yes/no as two radio buttons, a date as a date, a number as a
    number — never a free-text box the client must guess the format of."""
    label = _t(QUESTIONS.get(name, name))
    kind = SCHEMA[name]
    if kind == FactType.BOOL:
        return forms.ChoiceField(
            label=label, choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, required=True
        )
    if kind == FactType.DATE:
        return forms.CharField(label=label, required=True, widget=forms.DateInput(attrs={"type": "date"}))
    if kind == FactType.INT:
        return forms.CharField(
            label=label,
            required=True,
            widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
        )
    if kind == FactType.DECIMAL:
        return forms.CharField(
            label=label, required=True, widget=forms.TextInput(attrs={"inputmode": "decimal"})
        )
    return forms.CharField(label=label, required=True)


class MissingFactsForm(forms.Form):
    """Asks only for the facts the rule lacked; nothing else is typed."""

    started = forms.CharField(
        widget=forms.HiddenInput, required=False
    )  # the server's start token (timing.py)

    def __init__(self, *args, missing=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in missing:
            if name in SCHEMA:
                self.fields[name] = _fact_field(name)

    def clean(self):
        cleaned = super().clean()
        for name in list(self.fields):
            if name in SCHEMA and cleaned.get(name) not in (None, ""):
                try:
                    parse_fact(name, cleaned[name])
                except FactValueError:
                    self.add_error(
                        name, _t("This answer is not understood; enter a number, a date or yes/no as asked.")
                    )
        return cleaned


class SlotChoiceField(forms.ModelChoiceField):
    """A slot reads as the time the person will come, in the office's local time, then the office."""

    def label_from_instance(self, obj):
        return (
            f"{formats.datetime(obj.starts_at, zone=obj.time_zone)} — {obj.office.name}, {obj.office.address}"
        )


class BookingForm(forms.Form):
    slot = SlotChoiceField(label=_("Time and office"), queryset=Slot.objects.none(), empty_label=None)
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.all(), required=False)
    interpreter_language = forms.CharField(label=_("Interpreter language, if you need one"), required=False)

    def __init__(self, *args, slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        if slots is not None:
            self.fields["slot"].queryset = slots


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("approve", _("approve")), ("refuse", _("refuse"))),
        widget=forms.RadioSelect,
    )
    reason = forms.ModelChoiceField(
        label=_("Refusal reason"), queryset=RefusalReason.objects.all(), required=False
    )
    explanation = forms.CharField(
        label=_("Explanation in plain words"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_steps = forms.CharField(
        label=_("What the client can do next"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    override_reason = forms.CharField(
        label=_("If the text cannot be simpler, say why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Needed only when the text is harder to read than your agency allows."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not cleaned.get("reason"):
            self.add_error("reason", _t("Choose the reason for the refusal from the catalogue."))
        return cleaned
